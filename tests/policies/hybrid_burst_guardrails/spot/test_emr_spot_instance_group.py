"""emr-spot-instance-group: task InstanceGroup and core group with a bidPrice."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.emr_spot_instance_group import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy
from tests.policies.hybrid_burst_guardrails.spot.fleet_builders import CLUSTER

GROUP = "aws:emr/instanceGroup:InstanceGroup"

CASES = [
    pytest.param(GROUP, {"instanceType": "m5.xlarge", "instanceCount": 4}, Expect.PASS, "", id="compliant-on-demand"),
    pytest.param(
        GROUP,
        {"instanceType": "m5.xlarge", "bidPrice": "0.25"},
        Expect.FAIL,
        "single-type (m5.xlarge)",
        id="spot-task-group",
    ),
    pytest.param(
        CLUSTER,
        {"coreInstanceGroup": {"instanceType": "r5.2xlarge", "bidPrice": "0.40"}},
        Expect.FAIL,
        "coreInstanceGroup.bidPrice",
        id="spot-core-group",
    ),
    pytest.param(GROUP, {"instanceType": "m5.xlarge", "bidPrice": ""}, Expect.PASS, "", id="empty-bid-is-on-demand"),
    pytest.param(CLUSTER, {"releaseLabel": "emr-7.5.0"}, Expect.PASS, "", id="missing-property"),
    pytest.param(
        GROUP, {"instanceType": "m5.xlarge", "bidPrice": UNKNOWN}, Expect.UNKNOWN, "bidPrice", id="unknown-bid"
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "expected", "fragment"), CASES)
def test_check(resource_type: str, props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resource_type, props), expected, fragment)


def test_no_threshold_config() -> None:
    assert RULE.config_schema == {}


def test_resource_policy_callback() -> None:
    run = run_resource_policy(RULE, GROUP, {"instanceType": "m5.xlarge", "bidPrice": "0.25"})
    assert "instance fleet" in run.reports[0][0].lower()
