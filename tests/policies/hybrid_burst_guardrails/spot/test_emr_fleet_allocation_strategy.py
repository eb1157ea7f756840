"""emr-fleet-allocation-strategy: every Spot fleet sets price-capacity-optimized or capacity-optimized."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.emr_fleet_allocation_strategy import RULE

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

LOWEST = {**GOOD_SPOT_SPEC, "allocationStrategy": "lowest-price"}

CASES = [
    pytest.param(
        INSTANCE_FLEET, fleet(TASK_TYPES, spot=10, spec=GOOD_SPOT_SPEC), None, Expect.PASS, "", id="compliant-task"
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec={**GOOD_SPOT_SPEC, "allocationStrategy": "capacity-optimized"}),
        None,
        Expect.PASS,
        "",
        id="compliant-capacity-optimized",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=LOWEST),
        None,
        Expect.FAIL,
        "'lowest-price'",
        id="lowest-price-fails",
    ),
    pytest.param(
        CLUSTER,
        cluster(core=fleet(CORE_TYPES, spot=2, spec=LOWEST)),
        None,
        Expect.FAIL,
        "core fleet",
        id="core-fleet-lowest-price",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10),
        None,
        Expect.FAIL,
        "without launchSpecifications",
        id="missing-launch-specifications",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec={"timeoutAction": "SWITCH_TO_ON_DEMAND"}),
        None,
        Expect.FAIL,
        "unset",
        id="missing-strategy",
    ),
    pytest.param(
        CLUSTER,
        cluster(core=fleet(CORE_TYPES, on_demand=2)),
        None,
        Expect.PASS,
        "",
        id="on-demand-fleets-not-concerned",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec={**GOOD_SPOT_SPEC, "allocationStrategy": UNKNOWN}),
        None,
        Expect.UNKNOWN,
        "allocationStrategy",
        id="unknown-strategy",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=UNKNOWN),
        None,
        Expect.UNKNOWN,
        "launchSpecifications",
        id="unknown-launch-specifications",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=10, spec=GOOD_SPOT_SPEC),
        {"allowedStrategies": ["capacity-optimized"]},
        Expect.FAIL,
        "price-capacity-optimized",
        id="config-override-capacity-optimized-only",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, INSTANCE_FLEET, fleet(TASK_TYPES, spot=1, spec=LOWEST)).reports) == 1
