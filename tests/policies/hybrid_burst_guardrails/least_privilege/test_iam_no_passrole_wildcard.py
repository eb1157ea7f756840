"""iam-no-passrole-wildcard: any pattern covering iam:PassRole on all roles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.iam_no_passrole_wildcard import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
EMR_ROLE = "arn:aws:iam::123456789012:role/emr-instance"


def props(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    return {"role": "r", "policy": json.dumps({"Statement": [statement]})}


CASES = [
    pytest.param(props("iam:PassRole", EMR_ROLE), Expect.PASS, "", id="compliant-scoped"),
    pytest.param(props("iam:PassRole", "*"), Expect.FAIL, "iam:PassRole on *", id="star"),
    pytest.param(props("iam:Pass*", "*"), Expect.FAIL, "iam:Pass*", id="pattern-covers-passrole"),
    pytest.param(props(["s3:GetObject", "iam:*"], "*"), Expect.FAIL, "iam:*", id="service-wildcard-in-list"),
    pytest.param(
        props("iam:PassRole", "arn:aws-us-gov:iam::123456789012:role/*"),
        Expect.FAIL,
        "role/*",
        id="every-role-in-account",
    ),
    pytest.param(
        props("iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
        Expect.FAIL,
        "iam:PassRole",
        id="condition-does-not-scope-roles",
    ),
    pytest.param(props("iam:GetRole", "*"), Expect.PASS, "", id="other-iam-action-not-this-rule"),
    pytest.param({"role": "r"}, Expect.PASS, "", id="missing-property"),
    pytest.param(props("iam:PassRole", UNKNOWN), Expect.UNKNOWN, "Resource", id="unknown-resource"),
    pytest.param({"policy": UNKNOWN}, Expect.UNKNOWN, "policy", id="unknown-document"),
]


@pytest.mark.parametrize(("policy_props", "expected", "fragment"), CASES)
def test_check(policy_props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(ROLE_POLICY, policy_props), expected, fragment)


def test_no_threshold_config() -> None:
    assert RULE.config_schema == {}


def test_resource_policy_callback() -> None:
    run = run_resource_policy(RULE, ROLE_POLICY, props("iam:PassRole", "*"))
    assert len(run.reports) == 1
    assert "Remediation:" in run.reports[0][0]
