"""vpc-default-security-group-closed: every VPC has a managed default security group with no rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.least_privilege.vpc_default_security_group_closed import RULE

from scripts.offline.layout import policy_config
from scripts.offline.recorder import available_stacks
from tests import plan_cache
from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

VPC = "aws:ec2/vpc:Vpc"
DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

V = StackResource.of(VPC, "compute-vpc", {"id": "vpc-0abc", "cidrBlock": "10.60.0.0/16"})
V2 = StackResource.of(VPC, "onprem-vpc", {"id": "vpc-0def", "cidrBlock": "10.50.0.0/16"})


def dsg(name: str = "compute-default-sg", vpc: str = "vpc-0abc", **props: Any) -> StackResource:
    return StackResource.of(DSG, name, {"id": "sg-0default", "vpcId": vpc, "ingress": [], "egress": [], **props})


OPEN_INGRESS = [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]
OPEN_EGRESS = [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]

CASES = [
    pytest.param([V, dsg()], None, Expect.PASS, "", id="compliant"),
    pytest.param([V, V2, dsg(), dsg("onprem-default-sg", "vpc-0def")], None, Expect.PASS, "", id="compliant-two-vpcs"),
    pytest.param(
        [V, StackResource.of(DSG, "d", {"id": "sg-1", "vpcId": UNKNOWN}, property_dependencies={"vpcId": [V.urn]})],
        None,
        Expect.PASS,
        "",
        id="compliant-linked-by-dependency",
    ),
    pytest.param([V, dsg(ingress=OPEN_INGRESS)], None, Expect.FAIL, "1 ingress rule", id="non-compliant-ingress"),
    pytest.param([V, dsg(egress=OPEN_EGRESS)], None, Expect.FAIL, "1 egress rule", id="non-compliant-egress"),
    pytest.param(
        [V, dsg(), StackResource.of(INGRESS_RULE, "allow-all", {"securityGroupId": "sg-0default", "ipProtocol": "-1"})],
        None,
        Expect.FAIL,
        "adds a rule to the default security group",
        id="non-compliant-separate-rule-resource",
    ),
    pytest.param([V], None, Expect.FAIL, "has no aws.ec2.DefaultSecurityGroup", id="missing-default-sg"),
    pytest.param([V, V2, dsg()], None, Expect.FAIL, "VPC onprem-vpc", id="missing-for-one-vpc"),
    pytest.param([V, dsg(ingress=UNKNOWN)], None, Expect.UNKNOWN, "ingress", id="unknown-ingress"),
    pytest.param(
        [V, StackResource.of(DSG, "d", {"id": "sg-1", "vpcId": UNKNOWN})],
        None,
        Expect.UNKNOWN,
        "compute-vpc",
        id="unknown-vpc-id",
    ),
    pytest.param(
        [V], {"requireManagedDefaultSecurityGroup": False}, Expect.PASS, "", id="config-override-not-required"
    ),
    pytest.param(
        [V, dsg(ingress=OPEN_INGRESS)],
        {"requireManagedDefaultSecurityGroup": False},
        Expect.FAIL,
        "ingress",
        id="config-override-rules-still-judged",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_violation_points_at_the_vpc() -> None:
    run = run_stack_policy(RULE, [V, V2, dsg()])
    assert [urn for _, urn in run.reports] == [V2.urn]


@pytest.mark.parametrize("stack", available_stacks())
def test_every_shipped_stack_closes_every_default_security_group(stack: str) -> None:
    """Issue 14: each VPC of each stack manages its default group with no rules, at the stack's own level."""
    plan = plan_cache.recorded(stack)
    resources = [
        StackResource(
            urn=r.urn,
            type=r.type,
            name=r.name,
            props=r.outputs,
            parent=r.parent,
            dependencies=tuple(r.dependencies),
            property_dependencies={k: tuple(v) for k, v in r.property_dependencies.items()},
        )
        for r in plan.resources
    ]
    vpcs = [r for r in resources if r.type == VPC]
    assert vpcs, f"{stack}: no VPC recorded"
    assert len([r for r in resources if r.type == DSG]) == len(vpcs), "one default group per VPC"
    # No per-stack override: the rule runs at the stack's `all` level (mandatory in staging and prod).
    entry = json.loads(policy_config(stack).read_text())[RULE.id]
    assert "enforcementLevel" not in entry
    config = {k: v for k, v in entry.items() if k != "enforcementLevel"}
    assert_outcome(RULE.evaluate(resources, config), Expect.PASS, "")
    assert_outcome(RULE.evaluate(resources, None), Expect.PASS, "")
