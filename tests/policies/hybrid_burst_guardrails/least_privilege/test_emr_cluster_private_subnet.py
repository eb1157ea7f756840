"""emr-cluster-private-subnet: clusters joined to subnets of the stack through ec2Attributes."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.least_privilege.emr_cluster_private_subnet import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

CLUSTER = "aws:emr/cluster:Cluster"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"

PRIVATE_A = StackResource.of(SUBNET, "private-a", {"id": "subnet-0aaa", "mapPublicIpOnLaunch": False})
PRIVATE_B = StackResource.of(SUBNET, "private-b", {"id": "subnet-0bbb"})
PUBLIC = StackResource.of(SUBNET, "public-a", {"id": "subnet-0ccc", "mapPublicIpOnLaunch": True})
PENDING = StackResource.of(SUBNET, "pending", {"id": UNKNOWN, "mapPublicIpOnLaunch": UNKNOWN})
SECURITY_GROUP = StackResource.of(SG, "primary-sg", {"id": "sg-1"})


def cluster(ids: Any, deps: list[StackResource] | None = None, key: str = "subnetIds") -> StackResource:
    return StackResource.of(
        CLUSTER,
        "burst",
        {"ec2Attributes": {key: ids, "emrManagedMasterSecurityGroup": "sg-1"}},
        property_dependencies={"ec2Attributes": [d.urn for d in (deps or [])]},
    )


CASES = [
    pytest.param(
        [cluster(["subnet-0aaa", "subnet-0bbb"]), PRIVATE_A, PRIVATE_B], Expect.PASS, "", id="compliant-by-id"
    ),
    pytest.param(
        [cluster([UNKNOWN, UNKNOWN], [PRIVATE_A, PRIVATE_B, SECURITY_GROUP]), PRIVATE_A, PRIVATE_B, SECURITY_GROUP],
        Expect.PASS,
        "",
        id="compliant-by-property-dependencies",
    ),
    pytest.param(
        [cluster(["subnet-0aaa", "subnet-0ccc"]), PRIVATE_A, PUBLIC],
        Expect.FAIL,
        "public-a",
        id="non-compliant-one-public-subnet",
    ),
    pytest.param(
        [cluster("subnet-0ccc", key="subnetId"), PUBLIC],
        Expect.FAIL,
        "maps public IPs",
        id="non-compliant-single-subnet-id",
    ),
    pytest.param([StackResource.of(CLUSTER, "burst", {}), PUBLIC], Expect.PASS, "", id="missing-property"),
    pytest.param([cluster(["subnet-from-config"]), PUBLIC], Expect.PASS, "", id="subnet-outside-stack-skipped"),
    pytest.param(
        [cluster([UNKNOWN]), PUBLIC],
        Expect.UNKNOWN,
        "burst.ec2Attributes.subnetIds",
        id="unknown-ids-without-dependencies",
    ),
    pytest.param(
        [cluster([UNKNOWN], [PENDING]), PENDING],
        Expect.UNKNOWN,
        "pending.mapPublicIpOnLaunch",
        id="unknown-map-public-ip",
    ),
]


@pytest.mark.parametrize(("resources", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources), expected, fragment)


def test_only_the_cluster_in_a_public_subnet_is_reported() -> None:
    good = StackResource.of(CLUSTER, "onprem", {"ec2Attributes": {"subnetId": "subnet-0aaa"}})
    bad = StackResource.of(CLUSTER, "burst", {"ec2Attributes": {"subnetIds": ["subnet-0ccc"]}})
    evaluation = RULE.evaluate([good, bad, PRIVATE_A, PUBLIC])
    assert [v.urn for v in evaluation.violations] == [bad.urn]


def test_no_threshold_config() -> None:
    assert RULE.config_schema == {}


def test_stack_policy_callback_uses_property_dependencies() -> None:
    run = run_stack_policy(RULE, [cluster([UNKNOWN], [PUBLIC]), PUBLIC])
    assert [urn for _, urn in run.reports] == [cluster([]).urn]
