"""StorageZones/ZoneBucket as a component: zone validation and the least-privilege grant helpers."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest
from parliament import analyze_policy_string

from components.lake.storage_zones import StorageZones, StorageZonesArgs
from components.security import grants
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _zones(zones: list[str], **kw: object) -> StorageZones:
    return StorageZones(
        "c", StorageZonesArgs(account_id="123456789012", kms_key_arn=KEY, zones=zones, **kw),  # type: ignore[arg-type]
        opts=in_region(),
    )


def _policy_of(plan: Plan, name: str) -> dict:
    return json.loads(plan.one("aws:iam/rolePolicy:RolePolicy", name).inputs["policy"])


def test_grant_helpers_scope_to_the_bucket_prefix_and_key(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        zones = _zones(["raw", "exchange"])
        role = aws.iam.Role("r", assume_role_policy=grants.service_assume_role_policy(["ec2.amazonaws.com"]),
                            opts=in_region())
        aws.iam.RolePolicy("read", role=role.id, opts=in_region(),
                           policy=grants.policy_document(zones.bucket("raw").grant_read()))
        aws.iam.RolePolicy("write", role=role.id, opts=in_region(),
                           policy=grants.policy_document(zones.bucket("exchange").grant_write("spill", delete=True)))
        aws.iam.RolePolicy("logs", role=role.id, opts=in_region(),
                           policy=grants.policy_document(zones.bucket("access-logs").grant_read()))

    plan = run_program(program)
    raw = next(b for b in plan.of_type("aws:s3/bucket:Bucket") if b.name == "c-raw").outputs["arn"]
    exchange = next(b for b in plan.of_type("aws:s3/bucket:Bucket") if b.name == "c-exchange").outputs["arn"]
    read = _policy_of(plan, "read")["Statement"]
    assert {json.dumps(s["Resource"]) for s in read} == {json.dumps(f"{raw}/*"), json.dumps(raw), json.dumps(KEY)}
    key_stmt = next(s for s in read if s["Resource"] == KEY)
    assert set(key_stmt["Action"]) == {"kms:Decrypt", "kms:DescribeKey"}
    assert analyze_policy_string(json.dumps(_policy_of(plan, "read"))).findings == []
    write = _policy_of(plan, "write")["Statement"]
    objects = next(s for s in write if "s3:PutObject" in s["Action"])
    assert objects["Resource"] == f"{exchange}/spill/*"
    assert "s3:DeleteObject" in objects["Action"]
    assert any(s["Resource"] == KEY and "kms:GenerateDataKey" in s["Action"] for s in write)
    # The SSE-S3 access-logs bucket needs no key.
    assert all("kms:" not in json.dumps(s) for s in _policy_of(plan, "logs")["Statement"])
    # Prefix-scoped writes: only s3:ListBucket carries the s3:prefix condition, so parliament finds nothing.
    assert analyze_policy_string(json.dumps(_policy_of(plan, "write"))).findings == []


def test_unknown_zone_is_rejected() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match="unknown zone") as err:
        record(lambda: _zones(["raw", "landing"]), stack="test", config={})
    assert not [r for r in err.value.plan.resources if r.type.startswith("aws:s3")]  # type: ignore[attr-defined]


def test_bucket_lookup_names_the_known_zones(run_program: Callable[..., Plan]) -> None:
    seen: list[str] = []

    def program() -> None:
        zones = _zones(["logs", "artifacts"])
        with pytest.raises(KeyError, match="'raw'") as err:
            zones.bucket("raw")
        seen.append(str(err.value))

    plan = run_program(program)
    assert "access-logs" in seen[0]
    assert "artifacts" in seen[0]
    assert len(plan.of_type("aws:s3/bucket:Bucket")) == 3
