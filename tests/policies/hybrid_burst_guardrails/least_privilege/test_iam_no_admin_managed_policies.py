"""iam-no-admin-managed-policies: every attachment form, every partition."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.iam_no_admin_managed_policies import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

ROLE_ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_ATTACH = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_ATTACH = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
ROLE = "aws:iam/role:Role"
EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
EMR_SERVICE = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"

CASES = [
    pytest.param(ROLE_ATTACH, {"policyArn": EMR_SERVICE}, None, Expect.PASS, "", id="compliant-scoped-managed"),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::123456789012:policy/FullAccessLookalike"},
        None,
        Expect.PASS,
        "",
        id="customer-managed-not-judged-by-name",
    ),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        None,
        Expect.FAIL,
        "AdministratorAccess",
        id="admin-aws",
    ),
    pytest.param(
        USER_ATTACH,
        {"policyArn": "arn:aws-cn:iam::aws:policy/AdministratorAccess"},
        None,
        Expect.FAIL,
        "aws-cn",
        id="admin-aws-cn",
    ),
    pytest.param(
        GROUP_ATTACH,
        {"policyArn": "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"},
        None,
        Expect.FAIL,
        "PowerUserAccess",
        id="power-user-gov",
    ),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
        None,
        Expect.FAIL,
        "AmazonS3FullAccess",
        id="full-access",
    ),
    pytest.param(
        ROLE,
        {"managedPolicyArns": [EMR_SERVICE, "arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2"]},
        None,
        Expect.FAIL,
        "AmazonEMRFullAccessPolicy_v2",
        id="role-managed-policy-arns",
    ),
    pytest.param(
        EXCLUSIVE,
        {"policyArns": ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"]},
        None,
        Expect.FAIL,
        "AdministratorAccess-Amplify",
        id="exclusive-attachments-admin-variant",
    ),
    pytest.param(ROLE, {"name": "r"}, None, Expect.PASS, "", id="missing-property"),
    pytest.param(ROLE_ATTACH, {"policyArn": UNKNOWN}, None, Expect.PASS, "", id="unknown-arn-is-a-stack-policy"),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
        {"allowedPolicyNames": ["AmazonS3FullAccess"]},
        Expect.PASS,
        "",
        id="config-override-exception",
    ),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        {"deniedPolicyNames": ["ReadOnly*"]},
        Expect.FAIL,
        "ReadOnlyAccess",
        id="config-override-deny-prefix",
    ),
    pytest.param(
        ROLE_ATTACH,
        {"policyArn": "arn:aws:iam::aws:policy/CloudWatchFullAccess"},
        {"denyFullAccessPolicies": False},
        Expect.PASS,
        "",
        id="config-override-full-access-off",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    run = run_resource_policy(RULE, ROLE_ATTACH, {"policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"})
    assert len(run.reports) == 1
    assert run.unknown is None
