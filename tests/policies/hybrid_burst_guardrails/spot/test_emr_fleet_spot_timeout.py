"""emr-fleet-spot-timeout: timeoutAction and timeoutDurationMinutes (5..max) on every Spot fleet."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.emr_fleet_spot_timeout import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy
from tests.policies.hybrid_burst_guardrails.spot.fleet_builders import (
    CLUSTER,
    CORE_TYPES,
    GOOD_SPOT_SPEC,
    INSTANCE_FLEET,
    TASK_TYPES,
    cluster,
    fleet,
)


def spec(**overrides: Any) -> dict[str, Any]:
    out = {**GOOD_SPOT_SPEC, **overrides}
    return {k: v for k, v in out.items() if v is not None}


CASES = [
    pytest.param(INSTANCE_FLEET, fleet(TASK_TYPES, spot=10, spec=spec()), None, Expect.PASS, "", id="compliant"),
    pytest.param(
        CLUSTER,
        cluster(core=fleet(CORE_TYPES, spot=2, spec=spec(timeoutAction="TERMINATE_CLUSTER"))),
        None,
        Expect.PASS,
        "",
        id="compliant-terminate",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutAction=None)),
        None,
        Expect.FAIL,
        "timeoutAction is unset",
        id="missing-action",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutDurationMinutes=None)),
        None,
        Expect.FAIL,
        "no timeoutDurationMinutes",
        id="missing-duration",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10),
        None,
        Expect.FAIL,
        "without spotSpecifications",
        id="missing-specifications",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutDurationMinutes=240)),
        None,
        Expect.FAIL,
        "240",
        id="duration-above-default-maximum",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutDurationMinutes=2)),
        None,
        Expect.FAIL,
        "allowed 5-60",
        id="duration-below-aws-minimum",
    ),
    pytest.param(INSTANCE_FLEET, fleet(TASK_TYPES, on_demand=4), None, Expect.PASS, "", id="no-spot-not-concerned"),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutDurationMinutes=UNKNOWN)),
        None,
        Expect.UNKNOWN,
        "timeoutDurationMinutes",
        id="unknown-duration",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutAction="TERMINATE_CLUSTER")),
        {"allowedTimeoutActions": ["SWITCH_TO_ON_DEMAND"]},
        Expect.FAIL,
        "'TERMINATE_CLUSTER'",
        id="config-override-prod-actions",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=spec(timeoutDurationMinutes=240)),
        {"maxTimeoutDurationMinutes": 300},
        Expect.PASS,
        "",
        id="config-override-longer-timeout",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    run = run_resource_policy(RULE, INSTANCE_FLEET, fleet(TASK_TYPES, spot=1, spec=spec(timeoutAction=None)))
    assert len(run.reports) == 1
