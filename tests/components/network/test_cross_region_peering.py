"""CrossRegionPeering invariants: both sides, routes both ways, rules scoped to the peer CIDR, right regions.

Checked on the component built directly (literal VPC and route-table ids) and in every real stack, where the
expected route tables are the private route tables of the two RegionalNetworks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from components.config import load_stack_config
from components.network.cross_region_peering import DEFAULT_PEER_PORTS, CrossRegionPeering, CrossRegionPeeringArgs
from scripts.offline.recorder import Plan, RecordedResource, read_stack_config, record
from tests import plan_cache
from tests.conftest import provider
from tests.stacks import proxy_stacks

T_PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
T_ACCEPTER = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
T_OPTIONS = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
T_ROUTE = "aws:ec2/route:Route"
T_SG = "aws:ec2/securityGroup:SecurityGroup"
T_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
T_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
T_TABLE = "aws:ec2/routeTable:RouteTable"
T_VPC = "aws:ec2/vpc:Vpc"
COMPONENT = "hybrid-burst:network:CrossRegionPeering"
NETWORK = "hybrid-burst:network:RegionalNetwork"


@dataclass(frozen=True)
class Expect:
    name: str
    compute_region: str
    onprem_region: str
    compute_cidr: str
    onprem_cidr: str
    dns: bool
    access_cidrs: tuple[str, ...] = ()
    """Sources of the on-prem access group: the burst subnets in a stack, the whole compute CIDR by default."""

    @property
    def sources(self) -> list[str]:
        return sorted(self.access_cidrs or (self.compute_cidr,))


@dataclass
class Case:
    plan: Plan
    expect: Expect
    component: RecordedResource
    compute_vpc_id: str
    onprem_vpc_id: str
    compute_tables: Sequence[str]
    onprem_tables: Sequence[str]

    def of(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.plan.descendants(self.component) if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.of(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]


COMPUTE_TABLES = ["rtb-0c0000000000000a1", "rtb-0c0000000000000a2", "rtb-0c0000000000000a3"]
ONPREM_TABLES = ["rtb-0a0000000000000b1", "rtb-0a0000000000000b2"]


def _component_program(expect: Expect) -> Callable[[], None]:
    def program() -> None:
        CrossRegionPeering(
            expect.name,
            CrossRegionPeeringArgs(
                requester_provider=provider("compute", expect.compute_region),
                accepter_provider=provider("onprem", expect.onprem_region),
                requester_vpc_id="vpc-0c000000000000001",
                requester_cidr=expect.compute_cidr,
                requester_route_table_ids=COMPUTE_TABLES,
                accepter_vpc_id="vpc-0a000000000000001",
                accepter_cidr=expect.onprem_cidr,
                accepter_region=expect.onprem_region,
                accepter_route_table_ids=ONPREM_TABLES,
                allow_remote_dns_resolution=expect.dns,
                access_cidrs=expect.access_cidrs,
            ),
        )

    return program


COMPONENT_CASES = {
    "component": Expect("link", "us-east-1", "us-west-1", "10.20.0.0/16", "10.10.0.0/16", dns=True),
    "component-no-dns": Expect("link", "eu-west-1", "eu-central-1", "172.16.0.0/16", "192.168.0.0/16", dns=False),
    "component-subnets": Expect(
        "link", "us-east-1", "us-west-1", "10.20.0.0/16", "10.10.0.0/16", dns=True,
        access_cidrs=("10.20.0.0/20", "10.20.16.0/20"),
    ),
}
CASES = [*COMPONENT_CASES, *proxy_stacks()]


def _case(recorded: dict[str, Plan], case_id: str) -> Case:
    if case_id in COMPONENT_CASES:
        expect = COMPONENT_CASES[case_id]
        if case_id not in recorded:
            recorded[case_id] = record(_component_program(expect), stack="test", config={})
        plan = recorded[case_id]
        return Case(
            plan, expect, plan.one(COMPONENT), "vpc-0c000000000000001", "vpc-0a000000000000001",
            COMPUTE_TABLES, ONPREM_TABLES,
        )
    cfg = load_stack_config(read_stack_config(case_id), stack=case_id)
    assert cfg.regions.onprem is not None
    assert cfg.network.onprem is not None
    plan = plan_cache.recorded(case_id)
    expect = Expect(
        name=plan.one(COMPONENT).name,
        compute_region=cfg.regions.compute,
        onprem_region=cfg.regions.onprem,
        compute_cidr=cfg.network.compute.cidr,
        onprem_cidr=cfg.network.onprem.cidr,
        dns=cfg.network.allow_remote_dns_resolution,
        access_cidrs=tuple(cfg.network.compute.subnet_cidrs()),
    )

    def network(side: str) -> tuple[str, list[str]]:
        net = plan.one(NETWORK, side)
        kids = plan.descendants(net)
        vpc = next(r for r in kids if r.type == T_VPC)
        private = [r.id for r in kids if r.type == T_TABLE and r.name.startswith(f"{side}-private-rt-")]
        return vpc.id, private

    compute_vpc, compute_tables = network("compute")
    onprem_vpc, onprem_tables = network("onprem")
    return Case(plan, expect, plan.one(COMPONENT), compute_vpc, onprem_vpc, compute_tables, onprem_tables)


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest, recorded: dict[str, Plan]) -> Case:
    return _case(recorded, request.param)


def test_requester_in_compute_region_and_accepter_in_onprem_region(case: Case) -> None:
    request = case.one(T_PEERING)
    accept = case.one(T_ACCEPTER)
    assert request.region == case.expect.compute_region
    assert request.inputs["vpcId"] == case.compute_vpc_id
    assert request.inputs["peerVpcId"] == case.onprem_vpc_id
    assert request.inputs["peerRegion"] == case.expect.onprem_region
    # Cross-region peering cannot be auto-accepted by the requester; the accepter side accepts it.
    assert request.inputs["autoAccept"] is False
    assert accept.region == case.expect.onprem_region
    assert accept.inputs["autoAccept"] is True
    assert accept.inputs["vpcPeeringConnectionId"] == request.id
    assert case.expect.compute_region != case.expect.onprem_region


def test_routes_both_ways_on_every_private_route_table(case: Case) -> None:
    request = case.one(T_PEERING)
    accept = case.one(T_ACCEPTER)
    routes = case.of(T_ROUTE)
    to_onprem = [r for r in routes if r.inputs["destinationCidrBlock"] == case.expect.onprem_cidr]
    to_compute = [r for r in routes if r.inputs["destinationCidrBlock"] == case.expect.compute_cidr]
    assert len(to_onprem) + len(to_compute) == len(routes), "every route goes to the peer CIDR"

    assert sorted(r.inputs["routeTableId"] for r in to_onprem) == sorted(case.compute_tables)
    assert sorted(r.inputs["routeTableId"] for r in to_compute) == sorted(case.onprem_tables)
    for route in to_onprem:
        assert route.region == case.expect.compute_region
        assert route.inputs["vpcPeeringConnectionId"] == request.id
    for route in to_compute:
        assert route.region == case.expect.onprem_region
        # The accepter's id is the peering connection id (pulumi_aws: import by pcx-... id).
        assert route.inputs["vpcPeeringConnectionId"] == accept.id
        assert route.property_dependencies["vpcPeeringConnectionId"] == [accept.urn]


def test_routes_and_dns_options_wait_for_the_accepter(case: Case) -> None:
    accept = case.one(T_ACCEPTER)
    waiting = case.of(T_ROUTE) + case.of(T_OPTIONS)
    assert waiting
    for res in waiting:
        assert accept.urn in res.dependencies, f"{res.name} must wait until the peering is active"


def test_dns_resolution_options_each_side_with_its_own_regions_provider(case: Case) -> None:
    options = case.of(T_OPTIONS)
    if not case.expect.dns:
        assert options == []
        return
    request = case.one(T_PEERING)
    accept = case.one(T_ACCEPTER)
    requester_side = [o for o in options if "requester" in o.inputs]
    accepter_side = [o for o in options if "accepter" in o.inputs]
    assert len(requester_side) == len(accepter_side) == 1
    assert len(options) == 2, "each options resource sets one side only"
    (req,), (acc,) = requester_side, accepter_side
    assert req.region == case.expect.compute_region
    assert req.provider_urn == request.provider_urn
    assert req.inputs["requester"] == {"allowRemoteVpcDnsResolution": True}
    assert req.inputs["vpcPeeringConnectionId"] == request.id
    assert acc.region == case.expect.onprem_region
    assert acc.provider_urn == accept.provider_urn
    assert acc.inputs["accepter"] == {"allowRemoteVpcDnsResolution": True}
    assert acc.inputs["vpcPeeringConnectionId"] == accept.id


def test_onprem_access_group_admits_only_the_burst_subnets_on_the_peered_ports(case: Case) -> None:
    sg = case.one(T_SG)
    assert sg.region == case.expect.onprem_region
    assert sg.inputs["vpcId"] == case.onprem_vpc_id
    assert "ingress" not in sg.inputs, "rules are separate resources, not inline"
    rules = [r for r in case.plan.of_type(T_INGRESS) if r.inputs.get("securityGroupId") == sg.id]
    assert sorted((r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in rules) == sorted(
        (p.port, p.port, source) for p in DEFAULT_PEER_PORTS for source in case.expect.sources
    )
    assert sorted(p.port for p in DEFAULT_PEER_PORTS) == [8020, 9083, 9866]
    for rule in rules:
        assert rule.region == case.expect.onprem_region
        assert rule.inputs["ipProtocol"] == "tcp"
        assert rule.inputs["cidrIpv4"] in case.expect.sources
        assert "cidrIpv6" not in rule.inputs
        assert "referencedSecurityGroupId" not in rule.inputs
        assert "prefixListId" not in rule.inputs
    # Nothing anywhere in the plan opens this group wider.
    for rule in case.plan.of_type(T_INGRESS) + case.plan.of_type(T_EGRESS):
        if rule.inputs.get("securityGroupId") == sg.id:
            assert rule.inputs.get("cidrIpv4") != "0.0.0.0/0"


def test_everything_is_parented_to_the_component(case: Case) -> None:
    children = case.plan.children(case.component)
    assert {r.urn for r in children} == {r.urn for r in case.plan.descendants(case.component)}
    assert children
    for child in children:
        assert child.custom
        assert child.name.startswith(f"{case.expect.name}-")
        assert child.region in {case.expect.compute_region, case.expect.onprem_region}
        assert child.provider is not None


def test_stack_access_group_is_narrower_than_the_compute_vpc(recorded: dict[str, Plan]) -> None:
    """Issue 13 item 3: in every proxy stack the sources are the burst subnets, each inside, none equal to, the VPC."""
    import ipaddress

    for stack in proxy_stacks():
        case = _case(recorded, stack)
        vpc = ipaddress.ip_network(case.expect.compute_cidr)
        assert case.expect.access_cidrs
        for source in case.expect.access_cidrs:
            assert ipaddress.ip_network(source).subnet_of(vpc)
            assert ipaddress.ip_network(source) != vpc


@pytest.mark.parametrize("stack", proxy_stacks())
def test_stack_exports_the_peering_and_the_access_group(recorded: dict[str, Plan], stack: str) -> None:
    case = _case(recorded, stack)
    assert case.plan.outputs["peering_connection_id"] == case.one(T_PEERING).id
    assert case.plan.outputs["onprem_access_security_group_id"] == case.one(T_SG).id
