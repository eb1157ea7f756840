"""cloudwatch-log-group-retention: retention at least the stack's minimum; never-expire per config."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.observability.cloudwatch_log_group_retention import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

LG = "aws:cloudwatch/logGroup:LogGroup"
PROD = {"minRetentionDays": 365, "allowNeverExpire": False}


def group(retention: Any = None, **extra: Any) -> dict[str, Any]:
    props = {"name": "/hybrid-burst/prod/emr-on-eks", "kmsKeyId": "k", **extra}
    if retention is not None:
        props["retentionInDays"] = retention
    return props


CASES = [
    pytest.param(group(365), PROD, Expect.PASS, "", id="compliant"),
    pytest.param(group(400.0), PROD, Expect.PASS, "", id="compliant-float-over-grpc"),
    pytest.param(group(30), None, Expect.PASS, "", id="compliant-default-minimum"),
    pytest.param(
        group(30), PROD, Expect.FAIL, "retentionInDays is 30; this stack's minimum is 365", id="non-compliant"
    ),
    pytest.param(group("30"), PROD, Expect.FAIL, "read as 30", id="non-compliant-string"),
    pytest.param(group("0365"), PROD, Expect.FAIL, "read as 245", id="non-compliant-octal-string"),
    pytest.param(group(), PROD, Expect.FAIL, "unset (never expire)", id="missing-property"),
    pytest.param(group(0), PROD, Expect.FAIL, "never expire", id="non-compliant-zero"),
    pytest.param(group("a year"), PROD, Expect.FAIL, "cannot read", id="invalid-string"),
    pytest.param(group(365, logGroupClass="DELIVERY"), PROD, Expect.FAIL, "forced by logGroupClass", id="delivery"),
    pytest.param(group(UNKNOWN), PROD, Expect.UNKNOWN, "retentionInDays", id="unknown-retention"),
    pytest.param(group(), None, Expect.PASS, "", id="config-default-never-expire-allowed"),
    pytest.param(group(7), {"minRetentionDays": 7}, Expect.PASS, "", id="config-override-dev-minimum"),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(LG, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, LG, group(30), PROD).reports) == 1
    assert run_resource_policy(RULE, LG, group(UNKNOWN), PROD).unknown is not None
