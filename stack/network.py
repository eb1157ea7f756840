"""The network: a logs key and a ``RegionalNetwork`` per side, and the peering link between them (its security
group admits the peered ports of ``components/emr/ports.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.network.cross_region_peering import CrossRegionPeering, CrossRegionPeeringArgs
from components.network.regional_network import RegionalNetwork, RegionalNetworkArgs
from components.security.kms_key import KmsKey, KmsKeyArgs, logs_service_grant

from .sites import Site, Sites


@dataclass(frozen=True)
class Network:
    logs_keys: Mapping[str, KmsKey]
    """Side -> the key of its flow logs, EMR logs, log groups and alarm topic."""
    vpcs: Mapping[str, RegionalNetwork]
    """Side -> its VPC."""
    peering: CrossRegionPeering

    def logs_key_arn(self, site: Site) -> pulumi.Output[str]:
        return self.logs_keys[site.side].key_arn

    def vpc(self, site: Site) -> RegionalNetwork:
        return self.vpcs[site.side]


def build_network(cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str]) -> Network:
    logs_keys = {
        s.side: KmsKey(
            f"{s.side}-logs",
            KmsKeyArgs(
                account_id=account_id,
                region=s.region,
                purpose=f"{s.side}-logs",
                service_grants=[logs_service_grant(s.region)],
                protect=cfg.protect,
            ),
            opts=pulumi.ResourceOptions(provider=s.provider),
        )
        for s in sites
    }
    vpcs = {
        s.side: RegionalNetwork(
            s.side,
            RegionalNetworkArgs(
                region=s.region,
                cidr=s.network.cidr,
                private_subnet_cidrs=s.network.subnet_cidrs(),
                az_names=s.network.az_names,
                nat_gateway=s.network.nat_gateway,
                public_subnet_cidr=s.network.public_subnet_cidr() if s.network.nat_gateway else None,
                interface_endpoints=s.network.interface_endpoints,
                flow_log_retention_days=s.network.flow_log_retention_days,
                logs_kms_key_arn=logs_keys[s.side].key_arn,
            ),
            opts=pulumi.ResourceOptions(provider=s.provider),
        )
        for s in sites
    }
    onprem, compute = sites.proxy, sites.compute
    peering = CrossRegionPeering(
        "burst-link",
        CrossRegionPeeringArgs(
            requester_provider=compute.provider,
            accepter_provider=onprem.provider,
            requester_vpc_id=vpcs[compute.side].vpc_id,
            requester_cidr=compute.network.cidr,
            requester_route_table_ids=vpcs[compute.side].private_route_table_ids,
            accepter_vpc_id=vpcs[onprem.side].vpc_id,
            accepter_cidr=onprem.network.cidr,
            accepter_region=onprem.region,
            accepter_route_table_ids=vpcs[onprem.side].private_route_table_ids,
            allow_remote_dns_resolution=cfg.network.allow_remote_dns_resolution,
            # The burst cluster's subnets only (every private subnet of the compute VPC), not the whole VPC CIDR.
            access_cidrs=compute.network.subnet_cidrs(),
        ),
    )
    return Network(logs_keys=logs_keys, vpcs=vpcs, peering=peering)
