"""Who can read what: the Lake Formation grant matrix of a stack, computed from its config alone.

Pure functions over ``StackConfig`` (no Pulumi runtime): the plan report and ``docs/lake.md`` call
``grant_matrix(cfg)`` and ``render_markdown(rows)``. LF-tag grants are expanded over the catalog the config
defines, with Lake Formation's inheritance (``lf_tags.py``).
Tables created later by engines (the TPC-DS tables) show as "all tables (current and future)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components.config.lake import EMR_RUNTIME, LakeConfig
from components.config.stack import StackConfig
from components.lake.lf_tags import matches, tag_matched_columns

ALL_TABLES = "all tables (current and future)"


@dataclass(frozen=True)
class GrantRow:
    principal: str
    """Principal symbol (``emr-runtime``, ``analysts``, ...)."""
    source: str
    """Where the principal comes from: ``created by the lake``, ``program-created (...)`` or its ARN."""
    database: str
    """Database, or ``s3 zone <zone>`` for data-location grants."""
    table: str
    """Table, ``ALL_TABLES`` or ``-`` for a database-level grant."""
    columns: str
    """``all``, ``only: a, b``, ``all except: a, b`` or ``-``."""
    permissions: str
    """Comma-separated Lake Formation permissions."""
    via: str
    """``grant`` (named resource), ``LF-tags <expression>`` or ``data location``."""


def principal_source(lake: LakeConfig, symbol: str) -> str:
    if symbol == EMR_RUNTIME:
        return "created by the lake (EMR runtime role)"
    p = lake.principals[symbol]
    if p.arn is not None:
        return p.arn
    if p.create:
        return "created by the lake"
    return "program-created (ARN passed to LakeGovernance)"


def _expr(expression: Mapping[str, list[str]]) -> str:
    return " AND ".join(f"{k} in ({'|'.join(v)})" for k, v in expression.items())


def _columns(only: list[str] | None, excluded: list[str] | None) -> str:
    if only is not None:
        return "only: " + ", ".join(only)
    if excluded:
        return "all except: " + ", ".join(excluded)
    return "all"


def grant_matrix(cfg: StackConfig) -> list[GrantRow]:
    """Every grant the stack makes, one row per principal x database/table, sorted for stable output."""
    lake = cfg.lake
    rows: list[GrantRow] = []
    for g in lake.grants:
        perms = ", ".join(g.permissions)
        src = principal_source(lake, g.principal)
        if g.table is None:
            rows.append(GrantRow(g.principal, src, g.database, "-", "-", perms, "grant"))
        else:
            rows.append(
                GrantRow(g.principal, src, g.database, g.table, _columns(g.columns, g.excluded_columns), perms,
                         "grant")
            )
    for tg in lake.tag_grants:
        perms = ", ".join(tg.permissions)
        src = principal_source(lake, tg.principal)
        via = f"LF-tags {_expr(tg.expression)}"
        for db in lake.databases:
            if tg.resource_type == "DATABASE":
                if matches(db.lf_tags, tg.expression):
                    rows.append(GrantRow(tg.principal, src, db.name, "-", "-", perms, via))
                continue
            if not db.tables:
                if matches(db.lf_tags, tg.expression):
                    rows.append(GrantRow(tg.principal, src, db.name, ALL_TABLES, "all (tags inherited)", perms, via))
                continue
            for table in db.tables:
                matched, unmatched = tag_matched_columns(db, table, tg.expression)
                if matched:
                    rows.append(
                        GrantRow(tg.principal, src, db.name, table.name,
                                 _columns(None, unmatched) if unmatched else "all", perms, via)
                    )
    rows.extend(
        GrantRow(lg.principal, principal_source(lake, lg.principal), f"s3 zone {lg.zone}", "-", "-",
                 "DATA_LOCATION_ACCESS", "data location")
        for lg in lake.location_grants
    )
    return sorted(rows, key=lambda r: (r.principal, r.database, r.table, r.via))


def render_markdown(rows: list[GrantRow]) -> str:
    """A Markdown table of the rows (pipes in values escaped)."""
    head = ["Principal", "Source", "Database", "Table", "Columns", "Permissions", "Via"]

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r.principal, r.source, r.database, r.table, r.columns, r.permissions, r.via]
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines) + "\n"
