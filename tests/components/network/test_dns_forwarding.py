"""DnsForwarding: the on-prem domain goes to the on-prem DNS servers through an outbound endpoint, nothing else."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from components.network.dns_forwarding import DnsForwarding, DnsForwardingArgs
from scripts.offline.recorder import Plan
from tests.conftest import in_region

T_ENDPOINT = "aws:route53/resolverEndpoint:ResolverEndpoint"
T_RULE = "aws:route53/resolverRule:ResolverRule"
T_ASSOC = "aws:route53/resolverRuleAssociation:ResolverRuleAssociation"
T_SG = "aws:ec2/securityGroup:SecurityGroup"
T_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
T_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

VPC = "vpc-0c000000000000001"
SUBNETS = ["subnet-0c00000000000000a", "subnet-0c00000000000000b"]
SERVERS = ["192.168.1.10", "192.168.1.11"]
ARGS = DnsForwardingArgs(domain="corp.example.com", target_ips=SERVERS, vpc_id=VPC, subnet_ids=SUBNETS)


@pytest.fixture(scope="module")
def plan(recorded: dict[str, Plan]) -> Plan:
    from scripts.offline.recorder import record

    if "dns-forwarding" not in recorded:
        recorded["dns-forwarding"] = record(lambda: DnsForwarding("onprem-dns", ARGS, opts=in_region()),
                                            stack="test", config={})
    return recorded["dns-forwarding"]


def test_outbound_endpoint_in_every_given_subnet_behind_its_own_group(plan: Plan) -> None:
    (endpoint,), (sg,) = plan.of_type(T_ENDPOINT), plan.of_type(T_SG)
    assert endpoint.inputs["direction"] == "OUTBOUND"
    assert [ip["subnetId"] for ip in endpoint.inputs["ipAddresses"]] == SUBNETS
    assert endpoint.inputs["securityGroupIds"] == [sg.id]
    assert sg.inputs["vpcId"] == VPC


def test_forward_rule_for_the_domain_to_the_onprem_servers_associated_with_the_vpc(plan: Plan) -> None:
    (endpoint,), (rule,), (assoc,) = plan.of_type(T_ENDPOINT), plan.of_type(T_RULE), plan.of_type(T_ASSOC)
    assert rule.inputs["ruleType"] == "FORWARD"
    assert rule.inputs["domainName"] == "corp.example.com"
    assert rule.inputs["resolverEndpointId"] == endpoint.id
    assert rule.inputs["targetIps"] == [{"ip": ip, "port": 53} for ip in SERVERS]
    assert assoc.inputs["resolverRuleId"] == rule.id
    assert assoc.inputs["vpcId"] == VPC


def test_endpoint_group_sends_dns_to_the_servers_only(plan: Plan) -> None:
    rules = plan.of_type(T_EGRESS)
    assert sorted((r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"])
                  for r in rules) == sorted((p, 53, 53, f"{ip}/32") for p in ("tcp", "udp") for ip in SERVERS)
    assert plan.of_type(T_INGRESS) == []


@pytest.mark.parametrize(
    ("subnets", "targets", "fragment"),
    [(SUBNETS[:1], SERVERS, "two AZs"), (SUBNETS, [], "1-6"), (SUBNETS, [f"192.168.1.{i}" for i in range(7)], "1-6")],
)
def test_endpoint_limits(
    run_program: Callable[..., Plan], subnets: list[str], targets: list[str], fragment: str
) -> None:
    args = DnsForwardingArgs(domain="corp.example.com", target_ips=targets, vpc_id=VPC, subnet_ids=subnets)
    with pytest.raises(Exception, match=fragment):
        run_program(lambda: DnsForwarding("bad", args, opts=in_region()))
