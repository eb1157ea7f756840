"""emr-block-public-access: enabled, and no permitted ranges beyond the allowed ports."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.emr_block_public_access import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

BPA = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"


def bpa(enabled: Any = True, *ranges: tuple[Any, Any]) -> dict[str, Any]:
    return {
        "blockPublicSecurityGroupRules": enabled,
        "permittedPublicSecurityGroupRuleRanges": [{"minRange": a, "maxRange": b} for a, b in ranges],
    }


CASES = [
    pytest.param(bpa(True, (22, 22)), None, Expect.PASS, "", id="compliant-aws-default"),
    pytest.param(bpa(True), None, Expect.PASS, "", id="compliant-no-exceptions"),
    pytest.param(bpa(False), None, Expect.FAIL, "not true", id="non-compliant-off"),
    pytest.param(bpa(True, (22, 22), (8020, 8020)), None, Expect.FAIL, "8020 (HDFS NameNode RPC)", id="extra-port"),
    pytest.param(bpa(True, (20, 25)), None, Expect.FAIL, "ports 20-25", id="range-around-ssh"),
    pytest.param({}, None, Expect.FAIL, "not true", id="missing-property"),
    pytest.param(bpa(UNKNOWN), None, Expect.UNKNOWN, "blockPublicSecurityGroupRules", id="unknown-flag"),
    pytest.param(
        bpa(True, (UNKNOWN, 22)), None, Expect.UNKNOWN, "permittedPublicSecurityGroupRuleRanges[0]", id="unknown-range"
    ),
    pytest.param(
        bpa(True, (22, 22)), {"allowedPermittedPorts": []}, Expect.FAIL, "port 22 (SSH)", id="config-override-no-ssh"
    ),
    pytest.param(
        bpa(True, (443, 443)), {"allowedPermittedPorts": [22, 443]}, Expect.PASS, "", id="config-override-allow-443"
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(BPA, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, BPA, bpa(False)).reports) == 1
