"""Account-level EMR guardrails per region."""

from __future__ import annotations

from collections.abc import Callable

from components.emr.block_public_access import EmrRegionGuardrails, EmrRegionGuardrailsArgs
from scripts.offline.recorder import Plan
from tests.conftest import in_region

from ._stack_plans import recorded

BPA = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"
IMDS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults"


def test_block_public_access_in_both_regions_without_exceptions() -> None:
    configs = recorded("dev").of_type(BPA)
    assert {c.region for c in configs} == {"us-west-1", "us-east-1"}
    for c in configs:
        assert c.inputs["blockPublicSecurityGroupRules"] is True
        assert not c.inputs.get("permittedPublicSecurityGroupRuleRanges")


def test_account_imdsv2_default_is_opt_in(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        EmrRegionGuardrails("t", EmrRegionGuardrailsArgs(require_imdsv2=True), opts=in_region())

    plan = run_program(program)
    assert plan.one(IMDS).inputs["httpTokens"] == "required"
    assert recorded("dev").of_type(IMDS) == []
