"""OnpremConnection: the compute VPC's private link to an on-prem data centre (``onprem.mode: external``).

Three ways in, one per ``ConnectionKind``:

- ``vpn``: an AWS Site-to-Site VPN. A customer gateway for the on-prem device (``ipsec.1``, its public IP, its BGP ASN
  for dynamic routing) and a VPN connection that terminates on a new transit gateway attached to the compute VPC's
  private subnets, or on a virtual private gateway attached to the VPC
  (https://docs.aws.amazon.com/vpn/latest/s2svpn/SetUpVPNConnections.html). Static routing sets
  ``static_routes_only`` and adds the on-prem prefixes as transit-gateway routes to the VPN attachment, or as VPN
  connection routes on the virtual private gateway
  (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html).
- ``direct_connect_gateway``: a virtual private gateway on the compute VPC associated with an existing Direct Connect
  gateway (https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html); ``allowed_prefixes`` is
  the compute VPC's CIDR.
- ``transit_gateway``: the compute VPC attached to an existing transit gateway that already reaches the data centre.

In every case each private route table of the compute VPC gets a route per on-prem CIDR to the gateway. The gateway
and the VPN tunnels' options keep AWS's defaults (IKEv1/v2, AES, SHA, DH groups negotiated): the on-prem device's
configuration is downloaded from the VPN connection after the deploy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.emr.ports import AccessPort

ConnectionKind = Literal["vpn", "direct_connect_gateway", "transit_gateway"]
VpnGatewayKind = Literal["transit_gateway", "virtual_private_gateway"]


@dataclass(frozen=True, kw_only=True)
class OnpremConnectionArgs:
    kind: ConnectionKind
    """How the VPC reaches on-prem. Required."""
    vpc_id: pulumi.Input[str]
    """The compute VPC (in the region of the provider in ``opts``). Required."""
    vpc_cidr: str
    """The compute VPC's CIDR (the prefix a Direct Connect gateway may advertise to on-prem). Required."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets for a transit-gateway attachment (one per AZ). Required."""
    route_table_ids: Sequence[pulumi.Input[str]]
    """Every private route table of the VPC: each gets a route per on-prem CIDR. Required."""
    onprem_cidrs: Sequence[str]
    """The on-prem ranges. Required (at least one)."""
    # -- vpn ---------------------------------------------------------------------------------------------------------
    customer_gateway_ip: str | None = None
    """Public IPv4 of the on-prem VPN device. Required with ``kind="vpn"``."""
    vpn_gateway: VpnGatewayKind = "transit_gateway"
    """Where the VPN terminates. Default: a new transit gateway."""
    bgp_asn: int | None = None
    """The on-prem device's ASN (dynamic routing). Default: none - then ``static_routes`` is required."""
    static_routes: Sequence[str] = ()
    """On-prem prefixes for static routing. Default: none - then ``bgp_asn`` is required."""
    amazon_side_asn: int = 64512
    """ASN of the new transit or virtual private gateway. Default: 64512."""
    # -- existing gateways -------------------------------------------------------------------------------------------
    direct_connect_gateway_id: str | None = None
    """Existing Direct Connect gateway. Required with ``kind="direct_connect_gateway"``."""
    transit_gateway_id: str | None = None
    """Existing transit gateway. Required with ``kind="transit_gateway"``."""
    access_ports: Sequence[AccessPort] = ()
    """What the burst cluster may open to on-prem: each (port, protocol) becomes an egress rule to every on-prem CIDR
    in the access security group. Default: none (the group is created empty)."""
    tags: dict[str, str] = field(default_factory=dict)
    """Extra tags (the provider's default_tags apply). Default: none."""


class OnpremConnection(pulumi.ComponentResource):
    """The gateway (transit, virtual private, or an existing one), the VPN if any, and the VPC's routes to on-prem."""

    gateway_id: pulumi.Output[str]
    """The transit gateway or virtual private gateway id the VPC routes on-prem traffic to."""
    vpn_connection_id: pulumi.Output[str] | None
    customer_gateway_id: pulumi.Output[str] | None
    transit_gateway_attachment_id: pulumi.Output[str] | None
    """The compute VPC's attachment (transit gateway kinds)."""
    access_security_group_id: pulumi.Output[str]
    """Security group for the burst nodes: egress to the on-prem CIDRs on ``access_ports`` only, no ingress."""

    def __init__(self, name: str, args: OnpremConnectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:network:OnpremConnection", name, None, opts)
        _validate(args)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"Name": name, **args.tags}

        tgw_id: pulumi.Output[str] | None = None
        vgw_id: pulumi.Output[str] | None = None
        tgw_route_table_id: pulumi.Output[str] | None = None
        attachment: aws.ec2transitgateway.VpcAttachment | None = None
        uses_tgw = args.kind == "transit_gateway" or (args.kind == "vpn" and args.vpn_gateway == "transit_gateway")

        if args.kind == "vpn" and args.vpn_gateway == "transit_gateway":
            tgw = aws.ec2transitgateway.TransitGateway(
                f"{name}-tgw",
                description=f"{name}: compute VPC <-> on-prem",
                amazon_side_asn=args.amazon_side_asn,
                # ECMP across both tunnels with BGP (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html).
                vpn_ecmp_support="enable",
                dns_support="enable",
                auto_accept_shared_attachments="disable",
                default_route_table_association="enable",
                default_route_table_propagation="enable",
                tags=tags,
                opts=child,
            )
            tgw_id = tgw.id
            tgw_route_table_id = tgw.association_default_route_table_id
        elif args.kind == "transit_gateway":
            assert args.transit_gateway_id is not None
            tgw_id = pulumi.Output.from_input(args.transit_gateway_id)

        if uses_tgw:
            assert tgw_id is not None
            attachment = aws.ec2transitgateway.VpcAttachment(
                f"{name}-attachment",
                transit_gateway_id=tgw_id,
                vpc_id=args.vpc_id,
                subnet_ids=list(args.subnet_ids),
                dns_support="enable",
                tags=tags,
                opts=child,
            )
        else:
            vgw = aws.ec2.VpnGateway(
                f"{name}-vgw",
                vpc_id=args.vpc_id,
                amazon_side_asn=str(args.amazon_side_asn),
                tags=tags,
                opts=child,
            )
            vgw_id = vgw.id

        if args.kind == "direct_connect_gateway":
            assert vgw_id is not None
            aws.directconnect.GatewayAssociation(
                f"{name}-dx",
                dx_gateway_id=args.direct_connect_gateway_id,
                associated_gateway_id=vgw_id,
                # Only the compute VPC is advertised to on-prem over the Direct Connect gateway.
                allowed_prefixes=[args.vpc_cidr],
                opts=child,
            )

        vpn: aws.ec2.VpnConnection | None = None
        cgw: aws.ec2.CustomerGateway | None = None
        if args.kind == "vpn":
            cgw = aws.ec2.CustomerGateway(
                f"{name}-cgw",
                type="ipsec.1",
                ip_address=args.customer_gateway_ip,
                # A customer gateway needs an ASN even for static routing; 65000 is EC2's console default.
                bgp_asn=str(args.bgp_asn if args.bgp_asn is not None else 65000),
                tags=tags,
                opts=child,
            )
            vpn = aws.ec2.VpnConnection(
                f"{name}-vpn",
                type="ipsec.1",
                customer_gateway_id=cgw.id,
                transit_gateway_id=tgw_id,
                vpn_gateway_id=vgw_id,
                static_routes_only=args.bgp_asn is None,
                tags=tags,
                opts=child,
            )
            if args.bgp_asn is None:
                for i, prefix in enumerate(args.static_routes):
                    if tgw_route_table_id is not None:
                        aws.ec2transitgateway.Route(
                            f"{name}-tgw-route-{i}",
                            destination_cidr_block=prefix,
                            transit_gateway_attachment_id=vpn.transit_gateway_attachment_id,
                            transit_gateway_route_table_id=tgw_route_table_id,
                            opts=child,
                        )
                    else:
                        aws.ec2.VpnConnectionRoute(
                            f"{name}-vpn-route-{i}",
                            destination_cidr_block=prefix,
                            vpn_connection_id=vpn.id,
                            opts=child,
                        )

        gateway_id = tgw_id if tgw_id is not None else vgw_id
        assert gateway_id is not None
        route_opts = pulumi.ResourceOptions(parent=self, depends_on=[attachment] if attachment is not None else None)
        for t, table_id in enumerate(args.route_table_ids):
            for c, cidr in enumerate(args.onprem_cidrs):
                aws.ec2.Route(
                    f"{name}-to-onprem-{t}-{c}",
                    route_table_id=table_id,
                    destination_cidr_block=cidr,
                    transit_gateway_id=gateway_id if uses_tgw else None,
                    gateway_id=None if uses_tgw else gateway_id,
                    opts=route_opts,
                )

        access = aws.ec2.SecurityGroup(
            f"{name}-access",
            vpc_id=args.vpc_id,
            description="Burst nodes to the on-prem lake: the Hadoop (and Kerberos) ports only, to the on-prem CIDRs",
            tags={"Name": f"{name}-access"},
            opts=child,
        )
        for port in args.access_ports:
            for c, cidr in enumerate(args.onprem_cidrs):
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-access-{port.protocol}-{port.port}-{c}",
                    security_group_id=access.id,
                    ip_protocol=port.protocol,
                    from_port=port.port,
                    to_port=port.port,
                    cidr_ipv4=cidr,
                    description=f"{port.description} on-prem ({cidr})",
                    opts=child,
                )

        self.gateway_id = gateway_id
        self.vpn_connection_id = vpn.id if vpn is not None else None
        self.customer_gateway_id = cgw.id if cgw is not None else None
        self.transit_gateway_attachment_id = attachment.id if attachment is not None else None
        self.access_security_group_id = access.id
        self.register_outputs(
            {
                "gateway_id": self.gateway_id,
                "vpn_connection_id": self.vpn_connection_id,
                "customer_gateway_id": self.customer_gateway_id,
                "transit_gateway_attachment_id": self.transit_gateway_attachment_id,
                "access_security_group_id": self.access_security_group_id,
            }
        )


def _validate(args: OnpremConnectionArgs) -> None:
    """Wiring errors (the config model rejects bad input first, naming the key)."""
    if not args.onprem_cidrs:
        raise ValueError("OnpremConnectionArgs.onprem_cidrs: give at least one on-prem range")
    if args.kind == "vpn":
        if args.customer_gateway_ip is None:
            raise ValueError("OnpremConnectionArgs: a VPN needs customer_gateway_ip")
        if args.bgp_asn is None and not args.static_routes:
            raise ValueError("OnpremConnectionArgs: a VPN needs bgp_asn (dynamic) or static_routes (static routing)")
    if args.kind == "direct_connect_gateway" and args.direct_connect_gateway_id is None:
        raise ValueError("OnpremConnectionArgs: kind direct_connect_gateway needs direct_connect_gateway_id")
    if args.kind == "transit_gateway" and args.transit_gateway_id is None:
        raise ValueError("OnpremConnectionArgs: kind transit_gateway needs transit_gateway_id")
    if args.kind != "vpn" and args.vpn_gateway != "transit_gateway":
        raise ValueError("OnpremConnectionArgs.vpn_gateway applies to kind vpn only")
