"""The lake's principal statements and trust policies as pure functions of the config."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.config.lake import EMR_ON_EKS_JOB, EMR_RUNTIME, LakeConfig
from components.config.lake_presets import PRESETS
from components.lake import principals
from components.security import grants
from scripts.offline.recorder import Plan

LAKE = LakeConfig.model_validate(PRESETS["dev"])
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _render(run_program: Callable[..., Plan], symbol: str) -> dict[str, Any]:
    def program() -> None:
        stmts = principals.principal_statements(
            symbol, grants_=LAKE.grants, tag_grants=LAKE.tag_grants, databases=LAKE.databases,
            region="us-east-1", account_id="123456789012", catalog_kms_key_arn=KEY,
        )
        pulumi.export("policy", grants.policy_document(stmts))

    return dict(json.loads(run_program(program).outputs["policy"]))


def test_granted_databases_follow_named_and_tag_grants() -> None:
    def dbs(symbol: str) -> tuple[list[str], list[str]]:
        return principals.granted_databases(
            symbol, grants_=LAKE.grants, tag_grants=LAKE.tag_grants, databases=LAKE.databases
        )

    # emr-runtime: CREATE_TABLE on tpcds, INSERT/DELETE on demo.customers, tag grant on benchmark tables.
    assert dbs(EMR_RUNTIME) == (["demo", "tpcds"], ["demo", "tpcds"])
    # The job role reads demo.customers (named SELECT) and the benchmark tables (tag grant), and creates the
    # pipeline's tables in tpcds (CREATE_TABLE).
    assert dbs(EMR_ON_EKS_JOB) == (["demo", "tpcds"], ["tpcds"])
    # The analysts only read.
    assert dbs("analysts") == (["demo", "tpcds"], [])
    assert dbs("nobody") == ([], [])


def test_read_only_principal_gets_decrypt_only_and_no_glue_writes(run_program: Callable[..., Plan]) -> None:
    doc = _render(run_program, "analysts")
    actions = {a for s in doc["Statement"] for a in s["Action"]}
    assert "lakeformation:GetDataAccess" in actions
    assert not any(a.startswith("glue:Create") or a == "kms:Encrypt" for a in actions)
    glue = next(s for s in doc["Statement"] if "glue:GetTable" in s["Action"])
    assert "arn:aws:glue:us-east-1:123456789012:table/demo/*" in glue["Resource"]
    assert analyze_policy_string(json.dumps(doc)).findings == []


def test_writer_gets_glue_writes_on_its_databases_only(run_program: Callable[..., Plan]) -> None:
    doc = _render(run_program, EMR_RUNTIME)
    write = next(s for s in doc["Statement"] if "glue:CreateTable" in s["Action"])
    assert sorted(write["Resource"]) == sorted(
        ["arn:aws:glue:us-east-1:123456789012:catalog"]
        + [f"arn:aws:glue:us-east-1:123456789012:{kind}" for kind in
           ("database/demo", "table/demo/*", "database/tpcds", "table/tpcds/*")]
    )


@pytest.mark.parametrize("path", ["/hybrid-burst/dev/emr-instance/", "/"])
def test_runtime_trust_pins_the_instance_role_path_and_the_session_tag(path: str) -> None:
    trust = principals.emr_runtime_trust_policy("123456789012", path)
    assume, tag = trust["Statement"]
    assert assume["Condition"]["ArnLike"]["aws:PrincipalArn"] == f"arn:aws:iam::123456789012:role{path}*"
    assert tag["Action"] == "sts:TagSession"
    assert tag["Condition"]["StringEquals"] == {
        "aws:RequestTag/LakeFormationAuthorizedCaller": principals.EMR_SESSION_TAG
    }
