"""eks-spot-nodegroup-diversification: aws.eks.NodeGroup and pulumi-eks ManagedNodeGroup with SPOT capacity."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.eks_spot_nodegroup_diversification import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
MANAGED = "eks:index:ManagedNodeGroup"
FIVE = ["m5.xlarge", "m5a.xlarge", "m6i.xlarge", "m6a.xlarge", "m7i.xlarge"]

CASES = [
    pytest.param(NODE_GROUP, {"capacityType": "SPOT", "instanceTypes": FIVE}, None, Expect.PASS, "", id="compliant"),
    pytest.param(
        MANAGED, {"capacityType": "SPOT", "instanceTypes": FIVE}, None, Expect.PASS, "", id="compliant-pulumi-eks"
    ),
    pytest.param(
        NODE_GROUP,
        {"capacityType": "SPOT", "instanceTypes": FIVE[:2]},
        None,
        Expect.FAIL,
        "2 instance type(s)",
        id="too-few",
    ),
    pytest.param(
        MANAGED,
        {"capacityType": "SPOT", "launchTemplate": {"id": "lt-1"}},
        None,
        Expect.FAIL,
        "launch template only",
        id="missing-instance-types",
    ),
    pytest.param(
        NODE_GROUP,
        {"capacityType": "ON_DEMAND", "instanceTypes": ["m5.xlarge"]},
        None,
        Expect.PASS,
        "",
        id="on-demand-not-concerned",
    ),
    pytest.param(NODE_GROUP, {"instanceTypes": ["m5.xlarge"]}, None, Expect.PASS, "", id="missing-capacity-type"),
    pytest.param(
        NODE_GROUP,
        {"capacityType": UNKNOWN, "instanceTypes": ["m5.xlarge"]},
        None,
        Expect.UNKNOWN,
        "capacityType",
        id="unknown-capacity-type",
    ),
    pytest.param(
        NODE_GROUP,
        {"capacityType": "SPOT", "instanceTypes": [*FIVE[:3], UNKNOWN, UNKNOWN]},
        None,
        Expect.UNKNOWN,
        "instanceTypes",
        id="unknown-types-could-reach-threshold",
    ),
    pytest.param(
        NODE_GROUP,
        {"capacityType": "SPOT", "instanceTypes": FIVE[:3]},
        {"minInstanceTypes": 3},
        Expect.PASS,
        "",
        id="config-override-dev",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert (
        len(run_resource_policy(RULE, MANAGED, {"capacityType": "SPOT", "instanceTypes": ["m5.xlarge"]}).reports) == 1
    )
