"""CrossRegionPeering: the private link between the burst compute VPC and the on-prem proxy VPC."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.emr.ports import PEERED_PORTS
from components.emr.tags import EMR_MANAGED_TAG


@dataclass(frozen=True)
class PeerPort:
    port: int
    description: str


# What the burst cluster needs from the on-prem cluster and nothing more (components/emr/ports.py).
DEFAULT_PEER_PORTS: tuple[PeerPort, ...] = tuple(PeerPort(port, text) for port, text in PEERED_PORTS.items())


@dataclass(frozen=True, kw_only=True)
class CrossRegionPeeringArgs:
    requester_provider: aws.Provider
    """Provider of the burst compute region (the requester side). Required."""
    accepter_provider: aws.Provider
    """Provider of the on-prem proxy region (the accepter side). Required."""
    requester_vpc_id: pulumi.Input[str]
    requester_cidr: str
    requester_route_table_ids: Sequence[pulumi.Input[str]]
    """Every private route table of the compute VPC: each gets a route to the on-prem CIDR. Required."""
    accepter_vpc_id: pulumi.Input[str]
    accepter_cidr: str
    accepter_region: str
    accepter_route_table_ids: Sequence[pulumi.Input[str]]
    """Every private route table of the on-prem VPC: each gets a route back to the compute CIDR. Required."""
    accepter_account_id: pulumi.Input[str] | None = None
    """Account owning the on-prem VPC. Default: the same account as the requester."""
    allow_remote_dns_resolution: bool = True
    """Resolve each side's private DNS names to private IPs from the other side. Default: on, both sides."""
    peer_ports: Sequence[PeerPort] = field(default=DEFAULT_PEER_PORTS)
    """TCP ports the compute VPC may reach on the on-prem cluster. Default: 8020, 9866 and 9083 only."""
    access_cidrs: Sequence[str] = ()
    """Sources the on-prem access group admits on ``peer_ports``: the burst cluster's subnets. A security group
    rule cannot reference a group across a cross-region peering ("You cannot reference the security group of a peer
    VPC that's in a different Region", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html),
    so the narrowest source is the burst subnets' CIDRs. Default: the whole ``requester_cidr``."""


class CrossRegionPeering(pulumi.ComponentResource):
    """VPC peering requested from the compute region and accepted in the on-prem region, routes both ways on every
    private route table, DNS resolution across the link, and a security group for the on-prem cluster that admits
    only the burst subnets (``access_cidrs``) on the peered ports."""

    peering_connection_id: pulumi.Output[str]
    onprem_access_security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: CrossRegionPeeringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:network:CrossRegionPeering", name, None, opts)
        requester = pulumi.ResourceOptions(parent=self, provider=args.requester_provider)

        peering = aws.ec2.VpcPeeringConnection(
            f"{name}-request",
            vpc_id=args.requester_vpc_id,
            peer_vpc_id=args.accepter_vpc_id,
            peer_region=args.accepter_region,
            peer_owner_id=args.accepter_account_id,
            auto_accept=False,  # cross-region peering must be accepted from the peer region
            tags={"Name": f"{name}", "side": "requester"},
            opts=requester,
        )
        accepter_res = aws.ec2.VpcPeeringConnectionAccepter(
            f"{name}-accept",
            vpc_peering_connection_id=peering.id,
            auto_accept=True,
            tags={"Name": f"{name}", "side": "accepter"},
            opts=pulumi.ResourceOptions(parent=self, provider=args.accepter_provider),
        )
        after_accept_requester = pulumi.ResourceOptions(
            parent=self, provider=args.requester_provider, depends_on=[accepter_res]
        )
        after_accept_accepter = pulumi.ResourceOptions(
            parent=self, provider=args.accepter_provider, depends_on=[accepter_res]
        )

        # Each side's peering options can only be set from that side's region once the peering is active
        # (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html).
        if args.allow_remote_dns_resolution:
            aws.ec2.PeeringConnectionOptions(
                f"{name}-requester-dns",
                vpc_peering_connection_id=peering.id,
                requester=aws.ec2.PeeringConnectionOptionsRequesterArgs(allow_remote_vpc_dns_resolution=True),
                opts=after_accept_requester,
            )
            aws.ec2.PeeringConnectionOptions(
                f"{name}-accepter-dns",
                vpc_peering_connection_id=accepter_res.id,
                accepter=aws.ec2.PeeringConnectionOptionsAccepterArgs(allow_remote_vpc_dns_resolution=True),
                opts=after_accept_accepter,
            )

        for i, table_id in enumerate(args.requester_route_table_ids):
            aws.ec2.Route(
                f"{name}-to-onprem-{i}",
                route_table_id=table_id,
                destination_cidr_block=args.accepter_cidr,
                vpc_peering_connection_id=peering.id,
                opts=after_accept_requester,
            )
        for i, table_id in enumerate(args.accepter_route_table_ids):
            aws.ec2.Route(
                f"{name}-to-compute-{i}",
                route_table_id=table_id,
                destination_cidr_block=args.requester_cidr,
                vpc_peering_connection_id=accepter_res.id,
                opts=after_accept_accepter,
            )

        accepter = pulumi.ResourceOptions(parent=self, provider=args.accepter_provider)
        access = aws.ec2.SecurityGroup(
            f"{name}-onprem-access",
            vpc_id=args.accepter_vpc_id,
            description="Burst compute VPC to the on-prem lake: HDFS and Hive metastore only",
            tags={"Name": f"{name}-onprem-access", **EMR_MANAGED_TAG},
            opts=accepter,
        )
        sources = list(args.access_cidrs) or [args.requester_cidr]
        for port in args.peer_ports:
            for i, source in enumerate(sources):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-onprem-{port.port}-{i}",
                    security_group_id=access.id,
                    ip_protocol="tcp",
                    from_port=port.port,
                    to_port=port.port,
                    cidr_ipv4=source,
                    description=f"{port.description} from burst subnet {source}",
                    opts=accepter,
                )

        self.peering_connection_id = peering.id
        self.onprem_access_security_group_id = access.id
        self.register_outputs(
            {
                "peering_connection_id": self.peering_connection_id,
                "onprem_access_security_group_id": self.onprem_access_security_group_id,
            }
        )
