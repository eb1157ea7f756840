"""LF-tag inheritance: table over database, column over table, key by key."""

from __future__ import annotations

from components.config.lake import DatabaseConfig
from components.lake.lf_tags import database_may_match, effective_tags, matches, tag_matched_columns

DB = DatabaseConfig.model_validate(
    {
        "name": "demo",
        "zone": "curated",
        "lfTags": {"domain": "demo", "sensitivity": "internal"},
        "tables": [
            {
                "name": "customers",
                "columns": [
                    {"name": "id", "type": "long"},
                    {"name": "email", "type": "string", "lfTags": {"sensitivity": "pii"}},
                ],
            }
        ],
    }
)


def test_later_layers_override_key_by_key() -> None:
    assert effective_tags({"a": "1", "b": "1"}, {"b": "2"}, {}) == {"a": "1", "b": "2"}


def test_expression_is_and_across_keys_or_within() -> None:
    tags = {"domain": "demo", "sensitivity": "pii"}
    assert matches(tags, {"domain": ["demo", "benchmark"], "sensitivity": ["pii"]})
    assert not matches(tags, {"domain": ["demo"], "sensitivity": ["public"]})
    assert not matches({}, {"domain": ["demo"]})


def test_columns_inherit_and_override() -> None:
    table = DB.tables[0]
    assert tag_matched_columns(DB, table, {"sensitivity": ["internal"]}) == (["id"], ["email"])
    assert tag_matched_columns(DB, table, {"sensitivity": ["pii"]}) == (["email"], ["id"])


def test_database_may_match_through_a_column_override() -> None:
    assert database_may_match(DB, {"sensitivity": ["pii"]})
    assert database_may_match(DB, {"domain": ["demo"]})
    assert not database_may_match(DB, {"domain": ["benchmark"]})
