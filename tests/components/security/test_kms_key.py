"""KmsKey: rotation, alias, a key policy where only the account root holds kms:*, protection in prod."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pytest

from components.security.kms_key import KmsKey, KmsKeyArgs, ServiceKeyGrant, logs_service_grant
from scripts.offline.recorder import Plan
from tests.conftest import in_region

ROLE = "arn:aws:iam::123456789012:role/reader"


def _key(**kw: object) -> Callable[[], None]:
    def program() -> None:
        args = {"account_id": "123456789012", "region": "us-east-1", "purpose": "data", **kw}
        KmsKey("k", KmsKeyArgs(**args), opts=in_region())  # type: ignore[arg-type]

    return program


def test_rotation_alias_and_least_privilege_policy(run_program: Callable[..., Plan]) -> None:
    plan = run_program(_key(user_role_arns=[ROLE], service_grants=[logs_service_grant("us-east-1")],
                            user_via_services=["s3.us-east-1.amazonaws.com"]))
    key = plan.one("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.region == "us-east-1"
    assert plan.one("aws:kms/alias:Alias").inputs["name"] == "alias/hybrid-burst/test/data"
    stmts = json.loads(key.inputs["policy"])["Statement"]
    star = [s for s in stmts if "kms:*" in json.dumps(s["Action"])]
    assert [s["Principal"] for s in star] == [{"AWS": "arn:aws:iam::123456789012:root"}]
    roles = next(s for s in stmts if s["Sid"] == "RolesUseKey")
    assert roles["Principal"] == {"AWS": ROLE}
    assert roles["Condition"] == {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]}}
    logs = next(s for s in stmts if s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"})
    assert "123456789012" in json.dumps(logs["Condition"])
    assert key.options["protect"] is False


def test_protect_retains_key(run_program: Callable[..., Plan]) -> None:
    key = run_program(_key(protect=True)).one("aws:kms/key:Key")
    assert key.options["protect"] is True
    assert key.options["retainOnDelete"] is True
    assert key.inputs["deletionWindowInDays"] == 30


@pytest.mark.parametrize(
    "grant",
    [ServiceKeyGrant(service="s3.amazonaws.com", actions=("kms:*",)),
     ServiceKeyGrant(service="*", actions=("kms:Decrypt",))],
)
def test_wildcards_in_service_grants_are_refused(grant: ServiceKeyGrant) -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match="wildcard"):
        KmsKey.validate(KmsKeyArgs(account_id="1", region="us-east-1", purpose="data", service_grants=[grant]))
