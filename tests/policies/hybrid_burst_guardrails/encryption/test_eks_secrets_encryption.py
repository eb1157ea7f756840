"""eks-secrets-encryption: aws.eks.Cluster encryptionConfig and the pulumi-eks component's encryptionConfigKeyArn."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.eks_secrets_encryption import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

AWS_EKS = "aws:eks/cluster:Cluster"
PULUMI_EKS = "eks:index:Cluster"
KEY = "arn:aws:kms:us-east-1:1:key/a"

CASES = [
    pytest.param(
        AWS_EKS,
        {"encryptionConfig": {"provider": {"keyArn": KEY}, "resources": ["secrets"]}},
        Expect.PASS,
        "",
        id="compliant-aws-eks",
    ),
    pytest.param(PULUMI_EKS, {"encryptionConfigKeyArn": KEY}, Expect.PASS, "", id="compliant-pulumi-eks"),
    pytest.param(
        AWS_EKS,
        {"encryptionConfig": {"provider": {"keyArn": KEY}, "resources": []}},
        Expect.FAIL,
        "'secrets'",
        id="non-compliant-no-secrets",
    ),
    pytest.param(
        AWS_EKS, {"encryptionConfig": {"resources": ["secrets"]}}, Expect.FAIL, "keyArn", id="non-compliant-no-key"
    ),
    pytest.param(AWS_EKS, {"name": "c"}, Expect.FAIL, "encryptionConfig is not set", id="missing-property-aws-eks"),
    pytest.param(
        PULUMI_EKS,
        {"skipDefaultNodeGroup": True},
        Expect.FAIL,
        "encryptionConfigKeyArn",
        id="missing-property-pulumi-eks",
    ),
    pytest.param(PULUMI_EKS, {"encryptionConfigKeyArn": UNKNOWN}, Expect.PASS, "", id="unknown-key-counts-as-set"),
    pytest.param(
        AWS_EKS,
        {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}, "resources": [UNKNOWN]}},
        Expect.UNKNOWN,
        "encryptionConfig.resources",
        id="unknown-resources",
    ),
    pytest.param(AWS_EKS, {"encryptionConfig": UNKNOWN}, Expect.UNKNOWN, "encryptionConfig", id="unknown-block"),
]


@pytest.mark.parametrize(("resource_type", "props", "expected", "fragment"), CASES)
def test_check(resource_type: str, props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resource_type, props), expected, fragment)


def test_no_thresholds_so_config_changes_nothing() -> None:
    props = {"encryptionConfigKeyArn": KEY}
    assert RULE.evaluate(PULUMI_EKS, props, {"anything": 1}).compliant


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, PULUMI_EKS, {}).reports) == 1
    assert run_resource_policy(RULE, AWS_EKS, {"encryptionConfig": UNKNOWN}).unknown is not None
