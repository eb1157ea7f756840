"""emr-cluster-multiple-subnets: fleet clusters list several subnets; unknown ids still count."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.emr_cluster_multiple_subnets import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy
from tests.policies.hybrid_burst_guardrails.spot.fleet_builders import CLUSTER, cluster

GROUP_CLUSTER = {"masterInstanceGroup": {"instanceType": "m5.xlarge"}, "ec2Attributes": {"subnetId": "subnet-a"}}

CASES = [
    pytest.param(cluster(), None, Expect.PASS, "", id="compliant"),
    pytest.param(
        cluster(subnet_ids=[UNKNOWN, UNKNOWN, UNKNOWN]), None, Expect.PASS, "", id="unknown-ids-count-by-length"
    ),
    pytest.param(cluster(subnet_ids=["subnet-a"]), None, Expect.FAIL, "1 subnet(s)", id="non-compliant-one-subnet"),
    pytest.param(
        {**cluster(), "ec2Attributes": {"subnetId": "subnet-a"}},
        None,
        Expect.FAIL,
        "1 subnet(s)",
        id="single-subnet-id",
    ),
    pytest.param({**cluster(), "ec2Attributes": {}}, None, Expect.FAIL, "0 subnet(s)", id="missing-property"),
    pytest.param(GROUP_CLUSTER, None, Expect.PASS, "", id="instance-group-cluster-not-concerned"),
    pytest.param(cluster(subnet_ids=UNKNOWN), None, Expect.UNKNOWN, "subnetIds", id="unknown-list"),
    pytest.param(
        cluster(subnet_ids=["subnet-a", "subnet-b"]),
        {"minSubnets": 3},
        Expect.FAIL,
        "needs >= 3",
        id="config-override-prod-three-azs",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(CLUSTER, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, CLUSTER, cluster(subnet_ids=["subnet-a"])).reports) == 1
