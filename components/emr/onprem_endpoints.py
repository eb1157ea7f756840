"""OnpremEndpoints: stable, plan-time names for the on-prem NameNode and Hive metastore.

The burst cluster's configuration needs the on-prem primary node's address. Wired directly, the burst
cluster would wait for the on-prem cluster to exist and the deploy would take two cluster creations in a row.
Instead the burst side refers to names that are known at plan time - ``namenode.<zone>`` and
``metastore.<zone>`` in a Route 53 private hosted zone associated with both VPCs - and the records are pointed at
the on-prem primary once it exists. The burst bootstrap waits for the names to resolve, so neither cluster's
creation depends on the other's (docs/adr/0005-parallel-cluster-creation.md).

The records are CNAMEs to the on-prem cluster's ``master_public_dns``: for a cluster in a private subnet EMR
returns the primary node's *private* DNS name there ("The DNS name of the master node. If the cluster is on a
private subnet, this is the private DNS name", aws_emr_cluster ``master_public_dns`` in
pulumi_aws/emr/cluster.py, from the EMR API ``Cluster.MasterPublicDnsName``). A CNAME (not an A record) keeps
that canonical name visible to the burst bootstrap, which mounts the HDFS authority the metastore actually
returns in table locations. Resolving the on-prem private name from the burst VPC needs the peering's remote
DNS resolution (``network.allowRemoteDnsResolution``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

RECORDS = ("namenode", "metastore")


@dataclass(frozen=True, kw_only=True)
class OnpremEndpointsArgs:
    zone_name: str
    """Private zone name (plan-time constant), e.g. ``onprem.hybrid-burst.internal``. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the provider in ``opts`` (the burst compute VPC) the zone is created with. Required."""
    other_vpc_id: pulumi.Input[str]
    """The other VPC (the on-prem proxy VPC) to associate across regions. Required."""
    other_vpc_region: str
    """Region of ``other_vpc_id``. Required."""
    other_provider: aws.Provider
    """Provider of ``other_vpc_region`` (for the association). Required."""
    target_dns_name: pulumi.Input[str]
    """What the records point at: the on-prem cluster's ``master_public_dns`` (its private DNS name). Required."""
    ttl_seconds: int = 60
    """TTL of the records. Default: 60 s (a replaced on-prem cluster is picked up within a minute)."""


class OnpremEndpoints(pulumi.ComponentResource):
    """Private zone + cross-region association + ``namenode``/``metastore`` records."""

    zone_id: pulumi.Output[str]
    zone_name: str
    namenode_name: str
    metastore_name: str

    def __init__(self, name: str, args: OnpremEndpointsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:emr:OnpremEndpoints", name, None, opts)
        zone = aws.route53.Zone(
            f"{name}-zone",
            name=args.zone_name,
            comment="hybrid-burst: stable names of the on-prem NameNode and Hive metastore",
            vpcs=[aws.route53.ZoneVpcArgs(vpc_id=args.vpc_id)],
            opts=pulumi.ResourceOptions(
                parent=self,
                # Further VPCs are attached with ZoneAssociation; the inline list must not fight it
                # (terraform-provider-aws docs of aws_route53_zone_association).
                ignore_changes=["vpcs"],
            ),
        )
        aws.route53.ZoneAssociation(
            f"{name}-assoc-{args.other_vpc_region}",
            zone_id=zone.zone_id,
            vpc_id=args.other_vpc_id,
            vpc_region=args.other_vpc_region,
            opts=pulumi.ResourceOptions(parent=self, provider=args.other_provider),
        )
        names: dict[str, str] = {}
        for record in RECORDS:
            fqdn = f"{record}.{args.zone_name}"
            aws.route53.Record(
                f"{name}-{record}",
                zone_id=zone.zone_id,
                name=fqdn,
                type="CNAME",
                ttl=args.ttl_seconds,
                records=[args.target_dns_name],
                opts=pulumi.ResourceOptions(parent=self),
            )
            names[record] = fqdn
        self.zone_id = zone.zone_id
        self.zone_name = args.zone_name
        self.namenode_name = names["namenode"]
        self.metastore_name = names["metastore"]
        self.register_outputs(
            {
                "zone_id": self.zone_id,
                "namenode_name": self.namenode_name,
                "metastore_name": self.metastore_name,
            }
        )
