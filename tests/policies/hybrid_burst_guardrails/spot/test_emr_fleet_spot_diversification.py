"""emr-fleet-spot-diversification: task and core thresholds, family = part before the dot."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.emr import family_of
from hybrid_burst_guardrails.spot.emr_fleet_spot_diversification import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy
from tests.policies.hybrid_burst_guardrails.spot.fleet_builders import (
    CLUSTER,
    CORE_TYPES,
    INSTANCE_FLEET,
    TASK_TYPES,
    cluster,
    fleet,
)

EIGHT_M5 = [f"m5.{s}" for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")]

CASES = [
    pytest.param(INSTANCE_FLEET, fleet(TASK_TYPES, spot=20), None, Expect.PASS, "", id="compliant-task"),
    pytest.param(CLUSTER, cluster(core=fleet(CORE_TYPES, spot=4)), None, Expect.PASS, "", id="compliant-core"),
    pytest.param(
        INSTANCE_FLEET, fleet(TASK_TYPES[:4], spot=20), None, Expect.FAIL, "4 instance type(s)", id="task-too-few-types"
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet([*EIGHT_M5, "m5a.xlarge", "m5a.2xlarge"], spot=20),
        None,
        Expect.FAIL,
        "2 families (m5, m5a)",
        id="eight-m5-sizes-are-one-family",
    ),
    pytest.param(
        CLUSTER,
        cluster(core=fleet(["m5.xlarge", "m5.2xlarge"], spot=2)),
        None,
        Expect.FAIL,
        "core fleet",
        id="core-too-few",
    ),
    pytest.param(
        INSTANCE_FLEET, fleet(["m5.xlarge"], on_demand=5), None, Expect.PASS, "", id="on-demand-only-not-concerned"
    ),
    pytest.param(
        INSTANCE_FLEET,
        {"instanceTypeConfigs": [{"instanceType": "m5.xlarge"}]},
        None,
        Expect.PASS,
        "",
        id="missing-capacity-means-no-spot",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(["m5.xlarge"], spot=UNKNOWN),
        None,
        Expect.UNKNOWN,
        "targetSpotCapacity",
        id="unknown-spot-capacity",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet([*TASK_TYPES[:3], UNKNOWN], spot=10),
        None,
        Expect.UNKNOWN,
        "instanceType",
        id="unknown-instance-type",
    ),
    pytest.param(
        INSTANCE_FLEET, fleet(UNKNOWN, spot=10), None, Expect.UNKNOWN, "instanceTypeConfigs", id="unknown-type-list"
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES[:4], spot=20),
        {"taskMinInstanceTypes": 4, "taskMinFamilies": 2},
        Expect.PASS,
        "",
        id="config-override-dev-thresholds",
    ),
    pytest.param(
        INSTANCE_FLEET,
        fleet(TASK_TYPES, spot=20),
        {"taskMinInstanceTypes": 15},
        Expect.FAIL,
        "needs >= 15",
        id="config-override-prod-thresholds",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


@pytest.mark.parametrize(
    ("instance_type", "family"), [("m5.xlarge", "m5"), ("m6i.2xlarge", "m6i"), ("m5a.large", "m5a"), ("x", "x")]
)
def test_family_is_the_part_before_the_dot(instance_type: str, family: str) -> None:
    assert family_of(instance_type) == family


def test_known_types_meeting_the_threshold_decide_despite_unknown_entries() -> None:
    props = fleet([*TASK_TYPES, UNKNOWN], spot=10)
    assert_outcome(RULE.evaluate(INSTANCE_FLEET, props), Expect.PASS)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, INSTANCE_FLEET, fleet(["m5.xlarge"], spot=3)).reports) == 1
