"""emr-primary-fleet-on-demand: no Spot capacity, no bid price, on the primary node."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.emr_primary_fleet_on_demand import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy
from tests.policies.hybrid_burst_guardrails.spot.fleet_builders import CLUSTER, GOOD_SPOT_SPEC, cluster, fleet

CASES = [
    pytest.param(cluster(), Expect.PASS, "", id="compliant"),
    pytest.param(
        cluster(primary=fleet(["m5.xlarge"], spot=1, spec=GOOD_SPOT_SPEC)),
        Expect.FAIL,
        "targetSpotCapacity is 1",
        id="spot-primary-fleet",
    ),
    pytest.param(
        {"masterInstanceGroup": {"instanceType": "m5.xlarge", "bidPrice": "0.30"}},
        Expect.FAIL,
        "'0.30'",
        id="spot-primary-group",
    ),
    pytest.param({"masterInstanceGroup": {"instanceType": "m5.xlarge"}}, Expect.PASS, "", id="on-demand-group"),
    pytest.param({"releaseLabel": "emr-7.5.0"}, Expect.PASS, "", id="missing-property"),
    pytest.param(
        cluster(primary=fleet(["m5.xlarge"], spot=UNKNOWN)),
        Expect.UNKNOWN,
        "targetSpotCapacity",
        id="unknown-spot-capacity",
    ),
    pytest.param(
        {"masterInstanceGroup": {"instanceType": "m5.xlarge", "bidPrice": UNKNOWN}},
        Expect.UNKNOWN,
        "bidPrice",
        id="unknown-bid",
    ),
]


@pytest.mark.parametrize(("props", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(CLUSTER, props), expected, fragment)


def test_no_threshold_config() -> None:
    assert RULE.config_schema == {}


def test_resource_policy_callback() -> None:
    run = run_resource_policy(RULE, CLUSTER, cluster(primary=fleet(["m5.xlarge"], spot=1)))
    assert len(run.reports) == 1
