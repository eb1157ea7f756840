"""cloudwatch-alarm-actions: actions enabled (read as the provider reads it) and alarm/OK actions present."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.observability.cloudwatch_alarm_actions import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

MA = "aws:cloudwatch/metricAlarm:MetricAlarm"
CA = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"


def alarm(**props: Any) -> dict[str, Any]:
    return {"name": "hdfs-utilization", "alarmActions": [TOPIC], "okActions": [TOPIC], **props}


CASES = [
    pytest.param(MA, alarm(), None, Expect.PASS, "", id="compliant"),
    pytest.param(CA, alarm(actionsEnabled="true"), None, Expect.PASS, "", id="compliant-composite-string-true"),
    pytest.param(MA, alarm(alarmActions=[UNKNOWN]), None, Expect.PASS, "", id="compliant-unknown-topic-arn-is-set"),
    pytest.param(MA, alarm(actionsEnabled="false"), None, Expect.FAIL, "reads as false", id="non-compliant-string"),
    pytest.param(MA, alarm(actionsEnabled="0"), None, Expect.FAIL, "notify no one", id="non-compliant-string-zero"),
    pytest.param(MA, alarm(actionsEnabled=False), None, Expect.FAIL, "notify no one", id="non-compliant-false"),
    pytest.param(MA, alarm(actionsEnabled="nope"), None, Expect.FAIL, "cannot read", id="invalid-string"),
    pytest.param(MA, {"name": "x"}, None, Expect.FAIL, "no alarmActions", id="missing-property"),
    pytest.param(MA, alarm(actionsEnabled=UNKNOWN), None, Expect.UNKNOWN, "actionsEnabled", id="unknown-enabled"),
    pytest.param(MA, alarm(okActions=[]), None, Expect.PASS, "", id="config-default-ok-actions-optional"),
    pytest.param(
        MA,
        alarm(okActions=[]),
        {"requireOkActions": True},
        Expect.FAIL,
        "no okActions",
        id="config-override-require-ok",
    ),
]


@pytest.mark.parametrize(("type_", "props", "config", "expected", "fragment"), CASES)
def test_check(
    type_: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(type_, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, MA, alarm(actionsEnabled="False")).reports) == 1
