"""iam-no-wildcard-resources: scopable actions on '*' fail; the cited star-only allow-list passes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.iam_no_wildcard_resources import RULE, STAR_ONLY_ACTIONS

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

POLICY = "aws:iam/policy:Policy"


def props(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


CASES = [
    pytest.param(props(allow("s3:GetObject", "arn:aws:s3:::lake/*")), None, Expect.PASS, "", id="compliant-scoped"),
    pytest.param(
        props(allow(["ec2:DescribeInstances", "ec2:Describe*", "cloudwatch:PutMetricData"])),
        None,
        Expect.PASS,
        "",
        id="compliant-star-only-actions",
    ),
    pytest.param(
        props(allow(["logs:CreateLogDelivery", "logs:GetLogDelivery"])),
        None,
        Expect.PASS,
        "",
        id="compliant-vended-log-delivery",
    ),
    pytest.param(
        props(allow(["logs:DescribeLogGroups", "logs:DescribeResourcePolicies"])),
        None,
        Expect.PASS,
        "",
        id="compliant-describe-log-groups-star-only-in-iam-data",
    ),
    pytest.param(
        props(allow("logs:DescribeLogStreams")),
        None,
        Expect.FAIL,
        "logs:DescribeLogStreams on *",
        id="describe-log-streams-can-be-scoped",
    ),
    pytest.param(
        props(allow("logs:DescribeLogGroups", "arn:aws:logs:us-east-1:123456789012:log-group:*")),
        None,
        Expect.PASS,
        "",
        id="compliant-account-log-groups",
    ),
    pytest.param(props(allow("s3:GetObject")), None, Expect.FAIL, "s3:GetObject on *", id="scopable-on-star"),
    pytest.param(
        props(allow(["ec2:DescribeInstances", "ec2:TerminateInstances"])),
        None,
        Expect.FAIL,
        "ec2:TerminateInstances",
        id="mixed-statement",
    ),
    pytest.param(
        props(allow("s3:GetObject", "arn:aws:s3:::*")),
        None,
        Expect.FAIL,
        "arn:aws:s3:::*",
        id="arn-with-star-resource-part",
    ),
    pytest.param(
        props({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}),
        None,
        Expect.FAIL,
        "NotResource",
        id="not-resource-with-allow",
    ),
    pytest.param(
        props({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), None, Expect.PASS, "", id="deny-is-fine"
    ),
    pytest.param({}, None, Expect.PASS, "", id="missing-property"),
    pytest.param({"policy": UNKNOWN}, None, Expect.UNKNOWN, "policy", id="unknown-document"),
    pytest.param(
        {"policy": {"Statement": [allow("s3:GetObject", UNKNOWN)]}},
        None,
        Expect.UNKNOWN,
        "Resource[0]",
        id="unknown-resource-arn",
    ),
    pytest.param(
        props(allow("ssm:DescribeParameters")),
        {"additionalStarOnlyActions": ["ssm:DescribeParameters"]},
        Expect.PASS,
        "",
        id="config-override-extends-allow-list",
    ),
]


@pytest.mark.parametrize(("policy_props", "config", "expected", "fragment"), CASES)
def test_check(policy_props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(POLICY, policy_props, config), expected, fragment)


def test_every_allow_list_entry_cites_the_service_authorization_reference() -> None:
    for action, source in STAR_ONLY_ACTIONS.items():
        assert ":" in action
        assert source.startswith("https://docs.aws.amazon.com/service-authorization/latest/reference/list_")


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, POLICY, props(allow("kms:Decrypt"))).reports) == 1
