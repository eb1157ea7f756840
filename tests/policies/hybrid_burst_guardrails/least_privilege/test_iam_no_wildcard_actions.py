"""iam-no-wildcard-actions: '*' and 'service:*' (also in lists), NotAction with Allow, across document carriers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.iam_no_wildcard_actions import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE = "aws:iam/role:Role"
BUCKET = "arn:aws:s3:::lake-raw/*"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = BUCKET, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


CASES = [
    pytest.param(
        POLICY, {"policy": doc(allow(["s3:GetObject", "s3:PutObject"]))}, None, Expect.PASS, "", id="compliant"
    ),
    pytest.param(POLICY, {"policy": doc(allow("s3:Get*"))}, None, Expect.PASS, "", id="partial-wildcard-is-fine"),
    pytest.param(
        POLICY,
        {"policy": doc({"Effect": "Deny", "Action": "*", "Resource": "*"})},
        None,
        Expect.PASS,
        "",
        id="deny-star-is-fine",
    ),
    pytest.param(POLICY, {"policy": doc(allow("*"))}, None, Expect.FAIL, "wildcard action(s) *", id="star"),
    pytest.param(
        ROLE_POLICY,
        {"policy": doc(allow(["s3:GetObject", "s3:*"]))},
        None,
        Expect.FAIL,
        "s3:*",
        id="service-star-inside-list",
    ),
    pytest.param(USER_POLICY, {"policy": doc(allow("S3:*"))}, None, Expect.FAIL, "S3:*", id="case-insensitive"),
    pytest.param(
        GROUP_POLICY,
        {"policy": doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})},
        None,
        Expect.FAIL,
        "NotAction",
        id="not-action-with-allow",
    ),
    pytest.param(
        ROLE,
        {
            "inlinePolicies": [
                {"name": "ok", "policy": doc(allow("s3:GetObject"))},
                {"name": "bad", "policy": doc(allow("glue:*"))},
            ]
        },
        None,
        Expect.FAIL,
        "inlinePolicies[1].policy",
        id="role-inline-policies",
    ),
    pytest.param(
        POLICY,
        {"policy": {"Statement": allow("ec2:*")}},
        None,
        Expect.FAIL,
        "ec2:*",
        id="dict-document-single-statement",
    ),
    pytest.param(POLICY, {"name": "p"}, None, Expect.PASS, "", id="missing-property"),
    pytest.param(POLICY, {"policy": "{"}, None, Expect.FAIL, "not valid JSON", id="invalid-json"),
    pytest.param(POLICY, {"policy": UNKNOWN}, None, Expect.UNKNOWN, "policy", id="unknown-document"),
    pytest.param(
        POLICY,
        {"policy": {"Statement": [allow(["s3:GetObject", UNKNOWN])]}},
        None,
        Expect.UNKNOWN,
        "Action[1]",
        id="unknown-action-element",
    ),
    pytest.param(ROLE, {"inlinePolicies": UNKNOWN}, None, Expect.UNKNOWN, "inlinePolicies", id="unknown-inline"),
    pytest.param(
        POLICY,
        {"policy": doc(allow("cloudwatch:*"))},
        {"allowedServiceWildcards": ["cloudwatch:*"]},
        Expect.PASS,
        "",
        id="config-override-tolerated-service-wildcard",
    ),
    pytest.param(
        POLICY,
        {"policy": doc(allow("*"))},
        {"allowedServiceWildcards": ["cloudwatch:*"]},
        Expect.FAIL,
        "*",
        id="config-override-never-tolerates-star",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback_reports_then_notes_unknowns() -> None:
    props = {"inlinePolicies": [{"name": "a", "policy": doc(allow("*"))}, {"name": "b", "policy": UNKNOWN}]}
    run = run_resource_policy(RULE, ROLE, props)
    assert len(run.reports) == 1
    assert run.unknown is not None
    assert "inlinePolicies[1].policy" in run.unknown.message
