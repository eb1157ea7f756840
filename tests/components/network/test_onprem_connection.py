"""OnpremConnection: each connection kind builds its gateway, the VPN where asked, and routes on every private table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.emr.ports import AccessPort
from components.network.onprem_connection import OnpremConnection, OnpremConnectionArgs
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

T_CGW = "aws:ec2/customerGateway:CustomerGateway"
T_VPN = "aws:ec2/vpnConnection:VpnConnection"
T_TGW = "aws:ec2transitgateway/transitGateway:TransitGateway"
T_ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
T_TGW_ROUTE = "aws:ec2transitgateway/route:Route"
T_VGW = "aws:ec2/vpnGateway:VpnGateway"
T_VPN_ROUTE = "aws:ec2/vpnConnectionRoute:VpnConnectionRoute"
T_DX = "aws:directconnect/gatewayAssociation:GatewayAssociation"
T_ROUTE = "aws:ec2/route:Route"
T_SG = "aws:ec2/securityGroup:SecurityGroup"
T_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
T_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

VPC = "vpc-0c000000000000001"
SUBNETS = ["subnet-0c00000000000000a", "subnet-0c00000000000000b", "subnet-0c00000000000000c"]
TABLES = ["rtb-0c0000000000000a1", "rtb-0c0000000000000a2"]
ONPREM = ["192.168.0.0/16", "172.20.0.0/16"]
PORTS = [AccessPort(8020, "tcp", "NameNode"), AccessPort(88, "udp", "KDC")]
DXGW = "5f294f92-bafb-4011-916d-9b0b00000000"
EXISTING_TGW = "tgw-0123456789abcdef0"


def _args(**kw: Any) -> OnpremConnectionArgs:
    base: dict[str, Any] = {
        "kind": "vpn",
        "vpc_id": VPC,
        "vpc_cidr": "10.70.0.0/16",
        "subnet_ids": SUBNETS,
        "route_table_ids": TABLES,
        "onprem_cidrs": ONPREM,
        "customer_gateway_ip": "203.0.113.10",
        "bgp_asn": 65010,
        "access_ports": PORTS,
    }
    return OnpremConnectionArgs(**{**base, **kw})


CASES: dict[str, OnpremConnectionArgs] = {
    "vpn-tgw-bgp": _args(),
    "vpn-tgw-static": _args(bgp_asn=None, static_routes=["192.168.0.0/17", "192.168.128.0/17"]),
    "vpn-vgw-static": _args(vpn_gateway="virtual_private_gateway", bgp_asn=None, static_routes=["192.168.0.0/16"]),
    "dx-gateway": _args(kind="direct_connect_gateway", customer_gateway_ip=None, bgp_asn=None,
                        direct_connect_gateway_id=DXGW),
    "existing-tgw": _args(kind="transit_gateway", customer_gateway_ip=None, bgp_asn=None,
                          transit_gateway_id=EXISTING_TGW),
}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest, recorded: dict[str, Plan]) -> tuple[str, OnpremConnectionArgs, Plan]:
    args = CASES[request.param]
    key = f"onprem-connection-{request.param}"
    if key not in recorded:
        recorded[key] = record(lambda: OnpremConnection("onprem-link", args, opts=in_region()), stack="test",
                               config={})
    return request.param, args, recorded[key]


def test_gateway_and_vpn_per_kind(case: tuple[str, OnpremConnectionArgs, Plan]) -> None:
    name, args, plan = case
    tgws, vgws, vpns, cgws = (plan.of_type(t) for t in (T_TGW, T_VGW, T_VPN, T_CGW))
    attachments, dx = plan.of_type(T_ATTACH), plan.of_type(T_DX)
    if name.startswith("vpn"):
        (cgw,), (vpn,) = cgws, vpns
        assert cgw.inputs["ipAddress"] == "203.0.113.10"
        assert cgw.inputs["type"] == vpn.inputs["type"] == "ipsec.1"
        assert vpn.inputs["customerGatewayId"] == cgw.id
        assert vpn.inputs["staticRoutesOnly"] is (args.bgp_asn is None)
        if args.bgp_asn is not None:
            assert cgw.inputs["bgpAsn"] == str(args.bgp_asn)
    else:
        assert vpns == cgws == []
    if name.startswith("vpn-tgw"):
        (tgw,) = tgws
        assert tgw.inputs["amazonSideAsn"] == 64512
        assert tgw.inputs["vpnEcmpSupport"] == "enable"
        assert vpns[0].inputs["transitGatewayId"] == tgw.id
        assert "vpnGatewayId" not in vpns[0].inputs
    else:
        assert tgws == []
    if name in ("vpn-vgw-static", "dx-gateway"):
        (vgw,) = vgws
        assert vgw.inputs["vpcId"] == VPC
        assert attachments == []
    else:
        (attach,) = attachments
        assert attach.inputs["vpcId"] == VPC
        assert attach.inputs["subnetIds"] == SUBNETS
        expected_tgw = EXISTING_TGW if name == "existing-tgw" else tgws[0].id
        assert attach.inputs["transitGatewayId"] == expected_tgw
    if name == "dx-gateway":
        (assoc,) = dx
        assert assoc.inputs["dxGatewayId"] == DXGW
        assert assoc.inputs["associatedGatewayId"] == vgws[0].id
        assert assoc.inputs["allowedPrefixes"] == ["10.70.0.0/16"], "only the compute VPC is advertised"
    else:
        assert dx == []


def test_static_routes_go_to_the_vpn(case: tuple[str, OnpremConnectionArgs, Plan]) -> None:
    name, args, plan = case
    tgw_routes, vpn_routes = plan.of_type(T_TGW_ROUTE), plan.of_type(T_VPN_ROUTE)
    if name == "vpn-tgw-static":
        (vpn,), (tgw,) = plan.of_type(T_VPN), plan.of_type(T_TGW)
        assert sorted(r.inputs["destinationCidrBlock"] for r in tgw_routes) == sorted(args.static_routes)
        for route in tgw_routes:
            assert route.inputs["transitGatewayAttachmentId"] == vpn.outputs["transitGatewayAttachmentId"]
            assert route.inputs["transitGatewayRouteTableId"] == tgw.outputs["associationDefaultRouteTableId"]
        assert vpn_routes == []
    elif name == "vpn-vgw-static":
        (vpn,) = plan.of_type(T_VPN)
        assert [r.inputs["destinationCidrBlock"] for r in vpn_routes] == list(args.static_routes)
        assert all(r.inputs["vpnConnectionId"] == vpn.id for r in vpn_routes)
        assert tgw_routes == []
    else:
        assert tgw_routes == vpn_routes == [], "BGP and existing gateways need no static routes here"


def test_every_private_table_routes_every_onprem_range_to_the_gateway(
    case: tuple[str, OnpremConnectionArgs, Plan],
) -> None:
    name, _args, plan = case
    routes = plan.of_type(T_ROUTE)
    assert sorted((r.inputs["routeTableId"], r.inputs["destinationCidrBlock"]) for r in routes) == sorted(
        (t, c) for t in TABLES for c in ONPREM
    )
    uses_tgw = name in ("vpn-tgw-bgp", "vpn-tgw-static", "existing-tgw")
    for route in routes:
        if uses_tgw:
            assert "gatewayId" not in route.inputs
            attach = plan.of_type(T_ATTACH)[0]
            assert route.inputs["transitGatewayId"] == attach.inputs["transitGatewayId"]
            assert attach.urn in route.dependencies, "a route to a transit gateway waits for the VPC's attachment"
        else:
            assert route.inputs["gatewayId"] == plan.of_type(T_VGW)[0].id


def test_access_group_sends_only_the_given_ports_to_the_onprem_ranges(
    case: tuple[str, OnpremConnectionArgs, Plan],
) -> None:
    _name, _args, plan = case
    (sg,) = plan.of_type(T_SG)
    assert sg.inputs["vpcId"] == VPC
    rules = [r for r in plan.of_type(T_EGRESS) if r.inputs["securityGroupId"] == sg.id]
    assert sorted((r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"])
                  for r in rules) == sorted((p.protocol, p.port, p.port, c) for p in PORTS for c in ONPREM)
    assert plan.of_type(T_INGRESS) == [], "nothing on-prem may open connections to the burst nodes"


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [
        ({"onprem_cidrs": []}, "onprem_cidrs"),
        ({"customer_gateway_ip": None}, "customer_gateway_ip"),
        ({"bgp_asn": None}, "static_routes"),
        ({"kind": "direct_connect_gateway", "customer_gateway_ip": None}, "direct_connect_gateway_id"),
        ({"kind": "transit_gateway", "customer_gateway_ip": None}, "transit_gateway_id"),
    ],
)
def test_wiring_errors_are_refused(run_program: Callable[..., Plan], kw: dict[str, Any], fragment: str) -> None:
    with pytest.raises(Exception, match=fragment):
        run_program(lambda: OnpremConnection("bad", _args(**kw), opts=in_region()))
