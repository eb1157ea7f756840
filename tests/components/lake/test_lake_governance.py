"""LakeGovernance as a component: late-bound principals, grant_select validation, bring-your-own runtime role."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest

from components.config.lake import PRESETS, LakeConfig
from components.lake.lake_governance import LakeGovernance, LakeGovernanceArgs
from components.lake.storage_zones import StorageZones, StorageZonesArgs
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
EKS_ROLE = "arn:aws:iam::123456789012:role/emr-on-eks-job"
LAKE = LakeConfig.model_validate(PRESETS["dev"])


def _lake(**kw: object) -> LakeGovernance:
    opts = in_region()
    zones = StorageZones("c", StorageZonesArgs(account_id="123456789012", kms_key_arn=KEY, zones=["raw", "curated"]),
                         opts=opts)
    args = {
        "region": "us-east-1",
        "account_id": "123456789012",
        "admins": ["arn:aws:iam::123456789012:role/admin"],
        "registered_buckets": {z: zones.bucket(z) for z in ("raw", "curated")},
        "catalog_kms_key_arn": KEY,
        "database_names": {d.name: d.name for d in LAKE.databases},
        "databases": LAKE.databases,
        "lf_tags": LAKE.lf_tags,
        "principals": LAKE.principals,
        "grants": LAKE.grants,
        "tag_grants": LAKE.tag_grants,
        "location_grants": LAKE.location_grants,
        **kw,
    }
    return LakeGovernance("lake", LakeGovernanceArgs(**args), opts=opts)  # type: ignore[arg-type]


def _perms(plan: Plan, principal: str) -> list:
    return [p for p in plan.of_type("aws:lakeformation/permissions:Permissions") if p.inputs["principal"] == principal]


def test_late_bound_principal_gets_its_configured_grants_once_bound(run_program: Callable[..., Plan]) -> None:
    state: dict[str, list[str]] = {}

    def program() -> None:
        lake = _lake()
        state["before"] = lake.unbound_principals
        lake.bind_principal("emr-on-eks-job", EKS_ROLE)
        state["after"] = lake.unbound_principals
        with pytest.raises(ValueError, match="already bound"):
            lake.bind_principal("emr-on-eks-job", EKS_ROLE)
        with pytest.raises(ValueError, match="not a late-bound"):
            lake.bind_principal("analysts", EKS_ROLE)

    plan = run_program(program)
    assert state == {"before": ["emr-on-eks-job"], "after": []}
    perms = _perms(plan, EKS_ROLE)
    expected = sum(g.principal == "emr-on-eks-job" for g in [*LAKE.grants, *LAKE.tag_grants])
    assert len(perms) == expected
    cols = next(p.inputs for p in perms if "tableWithColumns" in p.inputs)
    assert "email" not in cols["tableWithColumns"]["columnNames"]


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


def test_empty_admins_refused() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match="admins is empty"):
        record(lambda: _lake(admins=[]), stack="test", config={})
