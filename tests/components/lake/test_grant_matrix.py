"""grant_matrix: who can read what, computed from config (LF-tag grants expanded with inheritance)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from components.config import deep_merge, load_stack_config
from components.config.stack import StackConfig
from components.lake.grant_matrix import (
    ALL_TABLES,
    engine_matrix,
    grant_matrix,
    render_engine_markdown,
    render_markdown,
)
from scripts.offline.recorder import read_stack_config


def _cfg(lake: dict[str, Any] | None = None) -> StackConfig:
    raw = read_stack_config("dev")
    if lake:
        raw = raw | {"hybrid-burst:lake": deep_merge(raw.get("hybrid-burst:lake", {}), lake)}
    return load_stack_config(raw, stack="dev")


def test_dev_matrix_hides_pii_from_analysts_and_emr_on_eks() -> None:
    rows = grant_matrix(_cfg())
    customers = {(r.principal, r.via): r for r in rows if r.table == "customers"}
    assert customers[("analysts", "grant")].columns == "all except: full_name, email"
    assert customers[("emr-on-eks-job", "grant")].columns.startswith("only: customer_id")
    assert "email" not in customers[("emr-on-eks-job", "grant")].columns
    assert customers[("emr-runtime", "grant")].columns == "all"


def test_tag_grants_cover_future_tables_of_matching_databases_only() -> None:
    rows = [r for r in grant_matrix(_cfg()) if r.via.startswith("LF-tags")]
    assert {(r.principal, r.database, r.table) for r in rows} == {
        (p, "tpcds", ALL_TABLES) for p in ("analysts", "emr-runtime", "emr-on-eks-job", "emr-instance")
    }


def test_tag_grant_excludes_columns_whose_tags_override() -> None:
    lake = {"tagGrants": [{"principal": "analysts", "expression": {"domain": ["demo"],
                                                                   "sensitivity": ["internal"]},
                           "permissions": ["SELECT"]}]}
    rows = [r for r in grant_matrix(_cfg(lake)) if r.via.startswith("LF-tags")]
    assert [(r.database, r.table, r.columns) for r in rows] == [
        ("demo", "customers", "all except: full_name, email")
    ]


def test_location_grants_and_sources_are_listed() -> None:
    rows = grant_matrix(_cfg())
    locations = [r for r in rows if r.via == "data location"]
    assert {r.database for r in locations} == {"s3 zone raw", "s3 zone curated", "s3 zone raw/tpcds"}
    sources = {r.principal: r.source for r in rows}
    assert sources["emr-on-eks-job"].startswith("program-created")
    assert sources["analysts"] == "created by the lake"


def test_render_markdown_is_a_table_with_one_line_per_row() -> None:
    rows = grant_matrix(_cfg())
    text = render_markdown(rows)
    lines = text.strip().splitlines()
    assert lines[0].startswith("| Principal | Source | Database")
    assert len(lines) == len(rows) + 2
    assert all(line.count(" | ") == 6 for line in lines if not line.startswith("|---"))


def _stack(stack: str) -> StackConfig:
    return load_stack_config(read_stack_config(stack), stack=stack)


def test_engine_matrix_shows_who_creates_the_pipeline_tables_where() -> None:
    rows = engine_matrix(_stack("staging"))
    creates = {(r.engine, r.principal): r for r in rows if r.access == "create tables"}
    assert set(creates) == {("burst Spark (EMR steps)", "emr-runtime"), ("EMR on EKS Spark", "emr-on-eks-job")}
    assert all(r.database == "tpcds" for r in creates.values())
    eks = creates[("EMR on EKS Spark", "emr-on-eks-job")]
    assert "data location raw/tpcds/" in eks.enforcement
    assert "IAM write raw/tpcds/" in eks.enforcement
    assert "data location raw (whole zone)" in creates[("burst Spark (EMR steps)", "emr-runtime")].enforcement


def test_engine_matrix_trino_reads_the_benchmark_tables_as_the_instance_role() -> None:
    for stack in ("dev", "staging"):
        trino = [r for r in engine_matrix(_stack(stack)) if r.engine.startswith("burst Trino")]
        reads = [r for r in trino if r.access == "read"]
        assert [(r.principal, r.database, r.enforcement, r.columns) for r in reads] == [
            ("emr-instance", "tpcds", "IAM (files read directly)", "all")
        ], stack
        assert not [r for r in trino if r.database == "demo"], "Trino sees no curated (PII) table"


def test_engine_matrix_ungoverned_spark_runs_as_the_instance_role() -> None:
    spark = [r for r in engine_matrix(_stack("dev")) if r.engine.startswith("burst Spark")]
    assert {r.principal for r in spark} == {"emr-instance"}
    assert {r.access for r in spark} == {"read", "create tables"}
    assert not any(r.enforcement.startswith("Lake Formation (column") for r in spark)


def test_engine_matrix_columns_follow_the_grants_only_where_enforced() -> None:
    rows = engine_matrix(_stack("staging"))
    eks_demo = next(r for r in rows if r.principal == "emr-on-eks-job" and r.database == "demo")
    assert (eks_demo.access, eks_demo.columns) == ("read", "none")
    write = next(r for r in rows if r.access == "write")
    assert (write.principal, write.database, write.table) == ("emr-runtime", "demo", "customers")
    text = render_engine_markdown(rows)
    assert len(text.strip().splitlines()) == len(rows) + 2


def test_docs_show_the_current_matrices() -> None:
    """docs/lake.md carries dev's grant matrix and staging's engine matrix as the code renders them."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "lake.md").read_text()
    assert render_markdown(grant_matrix(_stack("dev"))) in doc
    assert render_engine_markdown(engine_matrix(_stack("staging"))) in doc
