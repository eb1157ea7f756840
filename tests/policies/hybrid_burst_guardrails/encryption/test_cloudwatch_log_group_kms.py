"""cloudwatch-log-group-kms: presence of kmsKeyId; an unknown ARN counts as set."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.cloudwatch_log_group_kms import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

CASES = [
    pytest.param({"kmsKeyId": "arn:aws:kms:us-east-1:1:key/a", "retentionInDays": 30}, Expect.PASS, id="compliant"),
    pytest.param({"kmsKeyId": ""}, Expect.FAIL, id="non-compliant-empty"),
    pytest.param({"retentionInDays": 30}, Expect.FAIL, id="missing-property"),
    pytest.param({"kmsKeyId": UNKNOWN}, Expect.PASS, id="unknown-key-arn-is-a-key-being-created"),
]


@pytest.mark.parametrize(("props", "expected"), CASES)
def test_check(props: dict[str, Any], expected: Expect) -> None:
    assert_outcome(RULE.evaluate(LOG_GROUP, props), expected, "kmsKeyId")


def test_no_config_override_exists() -> None:
    assert RULE.config_schema == {}


def test_resource_policy_callback_with_sdk_proxy() -> None:
    assert run_resource_policy(RULE, LOG_GROUP, {"kmsKeyId": UNKNOWN}).unknown is None
    assert len(run_resource_policy(RULE, LOG_GROUP, {}).reports) == 1
