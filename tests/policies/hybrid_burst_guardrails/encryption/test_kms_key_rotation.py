"""kms-key-rotation: symmetric keys rotate; asymmetric, HMAC and custom-key-store keys are not applicable."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.kms_key_rotation import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

KEY = "aws:kms/key:Key"

CASES = [
    pytest.param({"enableKeyRotation": True}, None, Expect.PASS, "", id="compliant"),
    pytest.param(
        {"enableKeyRotation": True, "rotationPeriodInDays": 180}, None, Expect.PASS, "", id="compliant-period"
    ),
    pytest.param({"enableKeyRotation": False}, None, Expect.FAIL, "not enabled", id="non-compliant"),
    pytest.param({}, None, Expect.FAIL, "not enabled", id="missing-property"),
    pytest.param(
        {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},
        None,
        Expect.PASS,
        "",
        id="asymmetric-not-applicable",
    ),
    pytest.param(
        {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
        None,
        Expect.PASS,
        "",
        id="hmac-not-applicable",
    ),
    pytest.param({"customKeyStoreId": "cks-1234567890abcdef0"}, None, Expect.PASS, "", id="custom-key-store"),
    pytest.param({"enableKeyRotation": UNKNOWN}, None, Expect.UNKNOWN, "enableKeyRotation", id="unknown-value"),
    pytest.param({"customerMasterKeySpec": UNKNOWN}, None, Expect.UNKNOWN, "customerMasterKeySpec", id="unknown-spec"),
    pytest.param(
        {"enableKeyRotation": True, "rotationPeriodInDays": 730},
        None,
        Expect.FAIL,
        "730",
        id="period-above-default-maximum",
    ),
    pytest.param(
        {"enableKeyRotation": True, "rotationPeriodInDays": 730},
        {"maxRotationPeriodDays": 1000},
        Expect.PASS,
        "",
        id="config-override-longer-period",
    ),
    pytest.param(
        {"enableKeyRotation": True},
        {"maxRotationPeriodDays": 180},
        Expect.FAIL,
        "default period",
        id="config-override-shorter-period-than-aws-default",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(KEY, props, config), expected, fragment)


def test_other_types_are_ignored() -> None:
    assert RULE.evaluate("aws:kms/alias:Alias", {}).compliant


def test_resource_policy_callback() -> None:
    assert run_resource_policy(RULE, KEY, {"enableKeyRotation": True}).reports == []
    failing = run_resource_policy(RULE, KEY, {"enableKeyRotation": False})
    assert len(failing.reports) == 1
    pending = run_resource_policy(RULE, KEY, {"enableKeyRotation": UNKNOWN})
    assert pending.reports == []
    assert pending.unknown is not None
