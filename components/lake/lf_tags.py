"""LF-tag inheritance, the one definition the lake governance and the grant matrix share.

A table inherits its database's LF-tags and a column its table's, unless it assigns the same key itself
(https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-assigning-tags.html). An LF-tag expression matches a
resource when every key has one of its listed values (AND across keys, OR within a key's values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from components.config.lake import DatabaseConfig, TableConfig


def effective_tags(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers (table, column) override earlier ones (database) key by key."""
    out: dict[str, str] = {}
    for layer in layers:
        out.update(layer)
    return out


def matches(tags: Mapping[str, str], expression: Mapping[str, Sequence[str]]) -> bool:
    """Every key of the expression has one of its listed values in ``tags``."""
    return all(tags.get(key) in values for key, values in expression.items())


def tag_matched_columns(
    db: DatabaseConfig, table: TableConfig, expression: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[str]]:
    """(matched, unmatched) column names of ``table`` under ``expression``."""
    base = effective_tags(db.lf_tags, table.lf_tags)
    matched: list[str] = []
    unmatched: list[str] = []
    for col in table.columns:
        (matched if matches(effective_tags(base, col.lf_tags), expression) else unmatched).append(col.name)
    return matched, unmatched


def database_may_match(db: DatabaseConfig, expression: Mapping[str, Sequence[str]]) -> bool:
    """Could a table of ``db`` match the expression: the database's own tags (tables created later inherit
    them), or one of its defined tables or columns with their inherited tags?"""
    layers = [effective_tags(db.lf_tags)]
    for table in db.tables:
        layers.append(effective_tags(db.lf_tags, table.lf_tags))
        layers.extend(effective_tags(db.lf_tags, table.lf_tags, col.lf_tags) for col in table.columns)
    return any(matches(layer, expression) for layer in layers)
