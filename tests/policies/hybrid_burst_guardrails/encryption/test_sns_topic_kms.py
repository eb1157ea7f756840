"""sns-topic-kms: kmsMasterKeyId set; the AWS managed key is configurable."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.sns_topic_kms import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

TOPIC = "aws:sns/topic:Topic"

CASES = [
    pytest.param({"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/a"}, None, Expect.PASS, "", id="compliant"),
    pytest.param({"kmsMasterKeyId": "alias/aws/sns"}, None, Expect.PASS, "", id="aws-managed-key-allowed-by-default"),
    pytest.param({"displayName": "alerts"}, None, Expect.FAIL, "not set", id="missing-property"),
    pytest.param({"kmsMasterKeyId": None}, None, Expect.FAIL, "not set", id="non-compliant-null"),
    pytest.param({"kmsMasterKeyId": UNKNOWN}, None, Expect.PASS, "", id="unknown-key-counts-as-set"),
    pytest.param(
        {"kmsMasterKeyId": "alias/aws/sns"},
        {"allowAwsManagedKey": False},
        Expect.FAIL,
        "alias/aws/sns",
        id="config-override-customer-managed-only",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(TOPIC, props, config), expected, fragment)


def test_resource_policy_callback_uses_configured_value() -> None:
    run = run_resource_policy(RULE, TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}, {"allowAwsManagedKey": False})
    assert len(run.reports) == 1
