"""The SQL kept in the repository parses in the dialect that runs it (sqlglot), and q44 only uses columns the DDL
creates."""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from scripts.ops import emr_steps
from scripts.ops.runbook import SQL_DIR

HIVEVARS = {"database": "tpcds", "location": "hdfs:///tmp/tpcds", "file_format": "PARQUET"}


def _ddl() -> list[exp.Expression]:
    text = (SQL_DIR / "tpcds_ddl.hql").read_text()
    used = set(re.findall(r"\$\{hivevar:(\w+)\}", text))
    assert used == set(HIVEVARS), "prepare_data sets exactly these --hivevar values"
    text = re.sub(r"\$\{hivevar:(\w+)\}", lambda m: HIVEVARS[m[1]], text)
    return [e for e in sqlglot.parse(text, read="hive") if e is not None]


def _columns() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    for statement in _ddl():
        if isinstance(statement, exp.Create) and statement.kind == "TABLE":
            schema = statement.this
            assert isinstance(schema, exp.Schema)
            name = schema.this.name
            tables[name] = {c.name for c in schema.expressions if isinstance(c, exp.ColumnDef)}
            location = statement.args["properties"].find(exp.LocationProperty)
            assert location, f"{name} is an external table with a location"
    return tables


def test_ddl_parses_as_hive_and_creates_the_tables_the_queries_read() -> None:
    tables = _columns()
    assert set(tables) == {"store_sales", "item", "date_dim", "inventory", "warehouse"}
    # Column counts of the TPC-DS specification's logical schema.
    assert {t: len(c) for t, c in tables.items()} == {
        "store_sales": 23, "item": 22, "date_dim": 28, "inventory": 4, "warehouse": 14}


def test_queries_parse_as_trino_and_use_only_columns_the_ddl_creates() -> None:
    tables = _columns()
    all_columns = set().union(*tables.values())
    for name, read in (("q44.sql", {"store_sales", "item"}), ("drill_q39.sql",
                                                                {"inventory", "item", "warehouse", "date_dim"})):
        sql = emr_steps.sql_text(SQL_DIR / name)  # what the runbooks send: comments and semicolon stripped
        (statement,) = sqlglot.parse(sql, read="trino")
        assert isinstance(statement, exp.Select | exp.Union | exp.With) or statement.find(exp.Select)
        assert {t.name for t in statement.find_all(exp.Table)} - {"v1", "v2", "inv"} == read, name
        aliases = {a.alias for a in statement.find_all(exp.Alias)} | {"rnk", "rank_col", "item_sk", "stdev", "mean",
                                                                        "cov"}
        columns = {c.name for c in statement.find_all(exp.Column)} - aliases
        assert columns <= all_columns, f"{name} reads columns the DDL does not create: {columns - all_columns}"
        assert sqlglot.transpile(sql, read="trino", write="trino"), name
