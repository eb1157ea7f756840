"""LakeGovernance as a component: program-created principals passed by ARN, grant_select validation,
bring-your-own runtime role, the instance-role path the runtime role trusts."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest

from components.config.lake import EMR_INSTANCE, EMR_ON_EKS_JOB, LakeConfig
from components.config.lake_presets import PRESETS
from components.lake.lake_governance import LakeGovernance, LakeGovernanceArgs
from components.lake.storage_zones import StorageZones, StorageZonesArgs
from components.security import grants
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
EKS_ROLE = "arn:aws:iam::123456789012:role/emr-on-eks-job"
PATH = "/hybrid-burst/test/emr-instance/"
LAKE = LakeConfig.model_validate(PRESETS["dev"])


def _lake(**kw: object) -> LakeGovernance:
    opts = in_region()
    zones = StorageZones("c", StorageZonesArgs(account_id="123456789012", kms_key_arn=KEY, zones=["raw", "curated"]),
                         opts=opts)
    args = {
        "region": "us-east-1",
        "account_id": "123456789012",
        "registered_buckets": {z: zones.bucket(z) for z in ("raw", "curated")},
        "catalog_kms_key_arn": KEY,
        "database_names": {d.name: d.name for d in LAKE.databases},
        "databases": LAKE.databases,
        "lf_tags": LAKE.lf_tags,
        "principals": LAKE.principals,
        "grants": LAKE.grants,
        "tag_grants": LAKE.tag_grants,
        "location_grants": LAKE.location_grants,
        "principal_arns": {EMR_ON_EKS_JOB: EKS_ROLE},
        "emr_instance_role_path": PATH,
        **kw,
    }
    return LakeGovernance("lake", LakeGovernanceArgs(**args), opts=opts)  # type: ignore[arg-type]


def _perms(plan: Plan, principal: str) -> list:
    return [p for p in plan.of_type("aws:lakeformation/permissions:Permissions") if p.inputs["principal"] == principal]


def test_program_created_principal_gets_its_configured_grants_at_construction(
    run_program: Callable[..., Plan],
) -> None:
    plan = run_program(_lake)
    perms = _perms(plan, EKS_ROLE)
    expected = sum(g.principal == EMR_ON_EKS_JOB for g in [*LAKE.grants, *LAKE.tag_grants, *LAKE.location_grants])
    assert expected
    assert len(perms) == expected
    cols = next(p.inputs for p in perms if "tableWithColumns" in p.inputs)
    assert "email" not in cols["tableWithColumns"]["columnNames"]


def test_principal_arns_take_late_bound_principals_only() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match=r"\['analysts'\] are not lateBound principals"):
        record(lambda: _lake(principal_arns={EMR_ON_EKS_JOB: EKS_ROLE, "analysts": EKS_ROLE}), stack="test", config={})


def test_late_bound_principal_without_a_role_in_the_stack_gets_no_grants(run_program: Callable[..., Plan]) -> None:
    plan = run_program(lambda: _lake(principal_arns={}))
    assert _perms(plan, EKS_ROLE) == []
    assert plan.of_type("aws:lakeformation/permissions:Permissions"), "the other principals keep their grants"


def test_runtime_role_trusts_the_given_instance_role_path(run_program: Callable[..., Plan]) -> None:
    plan = run_program(_lake)
    role = plan.one("aws:iam/role:Role", "lake-emr-runtime")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    arns = {s["Condition"]["ArnLike"]["aws:PrincipalArn"] for s in trust["Statement"]}
    assert arns == {f"arn:aws:iam::123456789012:role{PATH}*"}


def test_instance_role_path_must_be_a_path() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match="start and end with '/'"):
        record(lambda: _lake(emr_instance_role_path="emr"), stack="test", config={})


def test_grant_select_checks_table_and_columns(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        lake = _lake()
        lake.grant_select(EKS_ROLE, "demo", "customers", columns=["customer_id", "segment"], resource_name="adhoc")
        with pytest.raises(ValueError, match="unknown table"):
            lake.grant_select(EKS_ROLE, "demo", "orders")
        with pytest.raises(ValueError, match=r"\['ssn'\] not in demo.customers"):
            lake.grant_select(EKS_ROLE, "demo", "customers", excluded_columns=["ssn"])

    plan = run_program(program)
    adhoc = plan.one("aws:lakeformation/permissions:Permissions", "adhoc")
    assert adhoc.inputs["permissions"] == ["SELECT"]
    assert adhoc.inputs["tableWithColumns"]["columnNames"] == ["customer_id", "segment"]


def test_bring_your_own_runtime_role_creates_none(run_program: Callable[..., Plan]) -> None:
    byo = "arn:aws:iam::123456789012:role/existing-runtime"
    plan = run_program(lambda: _lake(emr_runtime_role_arn=byo))
    assert "lake-emr-runtime" not in {r.name for r in plan.of_type("aws:iam/role:Role")}
    assert _perms(plan, byo), "configured grants go to the brought role"


def test_lake_settings_are_not_the_lakes_and_everything_waits_for_the_owners(
    run_program: Callable[..., Plan],
) -> None:
    """Issue 10 item 3: the Lake Formation settings are account-wide (AccountBaseline); the lake declares none and
    its registrations, LF-tags and grants wait for the ones it is given."""

    def program() -> None:
        settings = aws.lakeformation.DataLakeSettings(
            "owner-settings", admins=["arn:aws:iam::123456789012:role/admin"], opts=in_region()
        )
        _lake(wait_for=[settings])

    plan = run_program(program)
    (settings,) = plan.of_type("aws:lakeformation/dataLakeSettings:DataLakeSettings")
    assert settings.name == "owner-settings"
    waiting = [
        *plan.of_type("aws:lakeformation/permissions:Permissions"),
        *plan.of_type("aws:lakeformation/resource:Resource"),
        *plan.of_type("aws:lakeformation/lfTag:LfTag"),
        *plan.of_type("aws:lakeformation/resourceLfTags:ResourceLfTags"),
    ]
    assert waiting
    late = [r.name for r in waiting if settings.urn not in r.dependencies]
    assert not late


INSTANCE_ROLE = "arn:aws:iam::123456789012:role/hybrid-burst/test/emr-instance/burst"


def test_bind_principal_makes_the_configured_grants_of_a_role_created_after_the_lake(
    run_program: Callable[..., Plan],
) -> None:
    def program() -> None:
        lake = _lake()
        assert EMR_INSTANCE not in lake.principal_arns
        lake.bind_principal(EMR_INSTANCE, INSTANCE_ROLE)
        with pytest.raises(ValueError, match="not a lateBound principal without an ARN yet"):
            lake.bind_principal(EMR_INSTANCE, INSTANCE_ROLE)
        with pytest.raises(ValueError, match="'analysts' is not a lateBound principal"):
            lake.bind_principal("analysts", INSTANCE_ROLE)

    plan = run_program(program)
    perms = _perms(plan, INSTANCE_ROLE)
    expected = sum(g.principal == EMR_INSTANCE for g in [*LAKE.grants, *LAKE.tag_grants, *LAKE.location_grants])
    assert expected
    assert len(perms) == expected
    # dev's preset: the instance role creates the pipeline's tables under raw/tpcds/ only
    (location,) = [p.inputs["dataLocation"]["arn"] for p in perms if "dataLocation" in p.inputs]
    raw = plan.one("aws:s3/bucket:Bucket", "c-raw").outputs["arn"]
    assert location == f"{raw}/tpcds"


def test_runtime_statements_are_the_runtime_roles_own_policy(run_program: Callable[..., Plan]) -> None:
    stmt = grants.statement("job", ["s3:GetObject"], ["arn:aws:s3:::artifacts/jobs/x.py"])
    plan = run_program(lambda: _lake(emr_runtime_statements=[stmt]))
    policy = plan.one("aws:iam/rolePolicy:RolePolicy", "lake-emr-runtime-jobs")
    runtime = plan.one("aws:iam/role:Role", "lake-emr-runtime")
    assert policy.inputs["role"] == runtime.outputs["name"]
    doc = json.loads(policy.inputs["policy"])
    assert doc["Statement"] == [{"Sid": "Job", "Effect": "Allow", "Action": ["s3:GetObject"],
                                 "Resource": "arn:aws:s3:::artifacts/jobs/x.py"}]
    assert not [p for p in run_program(_lake).of_type("aws:iam/rolePolicy:RolePolicy")
                if p.name == "lake-emr-runtime-jobs"], "no statements, no policy"


def test_runtime_statements_refused_with_a_brought_runtime_role() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    stmt = grants.statement("job", ["s3:GetObject"], ["arn:aws:s3:::artifacts/jobs/x.py"])
    with pytest.raises(ValueError, match="only for a created runtime role"):
        record(lambda: _lake(emr_runtime_role_arn="arn:aws:iam::123456789012:role/x", emr_runtime_statements=[stmt]),
               stack="test", config={})


def test_created_principal_trusts_only_its_configured_principal_arns(run_program: Callable[..., Plan]) -> None:
    """Issue 14 item 1: the analysts' role trusts the account's principals matching assumableBy, not the account."""
    plan = run_program(_lake)
    role = plan.one("aws:iam/role:Role", "lake-analysts")
    (stmt,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    patterns = LAKE.principals["analysts"].assumable_by
    assert patterns
    assert stmt["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert stmt["Condition"] == {
        "ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::123456789012:{p}" for p in patterns]}
    }
