"""iam-trust-no-wildcard-principal: '*' and {"AWS": "*"} without a condition."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.iam_trust_no_wildcard_principal import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

ROLE = "aws:iam/role:Role"


def trust(principal: Any, condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole", **extra}
    if principal is not None:
        statement["Principal"] = principal
    if condition is not None:
        statement["Condition"] = condition
    return {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}

CASES = [
    pytest.param(trust({"Service": "elasticmapreduce.amazonaws.com"}), Expect.PASS, "", id="compliant-service"),
    pytest.param(trust("*", ORG), Expect.PASS, "", id="star-with-condition"),
    pytest.param(trust("*"), Expect.FAIL, "'*'", id="star-string"),
    pytest.param(trust({"AWS": "*"}), Expect.FAIL, "AWS", id="aws-star"),
    pytest.param(trust({"AWS": ["arn:aws:iam::1:root", "*"]}), Expect.FAIL, "AWS", id="aws-star-in-list"),
    pytest.param(trust("*", {}), Expect.FAIL, "no Condition", id="empty-condition"),
    pytest.param(
        trust(None, NotPrincipal={"AWS": "arn:aws:iam::1:root"}), Expect.FAIL, "NotPrincipal", id="not-principal"
    ),
    pytest.param({"name": "r"}, Expect.PASS, "", id="missing-property"),
    pytest.param({"assumeRolePolicy": UNKNOWN}, Expect.UNKNOWN, "assumeRolePolicy", id="unknown-document"),
    pytest.param(trust("*", UNKNOWN), Expect.UNKNOWN, "Condition", id="unknown-condition"),
    pytest.param(
        trust("*", {"StringEquals": {"sts:ExternalId": UNKNOWN}}),
        Expect.PASS,
        "",
        id="condition-with-unknown-value-still-narrows",
    ),
]


@pytest.mark.parametrize(("props", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(ROLE, props), expected, fragment)


def test_no_threshold_config() -> None:
    assert RULE.defaults() == {}


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, ROLE, trust({"AWS": "*"})).reports) == 1
