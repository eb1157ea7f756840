"""grant_matrix: who can read what, computed from config (LF-tag grants expanded with inheritance)."""

from __future__ import annotations

from typing import Any

from components.config import deep_merge, load_stack_config
from components.config.stack import StackConfig
from components.lake.grant_matrix import ALL_TABLES, grant_matrix, render_markdown
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
    assert {r.database for r in locations} == {"s3 zone raw", "s3 zone curated"}
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
