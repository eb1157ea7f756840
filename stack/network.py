"""The network: a logs key and a ``RegionalNetwork`` per site, and the link to the on-prem lake.

Proxy mode: the cross-region peering to the proxy VPC (its security group admits the peered ports of
``components/emr/ports.py`` from the burst subnets). External mode: the compute VPC's ``OnpremConnection`` (VPN,
Direct Connect gateway or transit gateway; an access group with the Hadoop ports to the on-prem CIDRs) and
``DnsForwarding`` of the on-prem domain to the on-prem DNS servers
(docs/adr/0009-onprem-connection-modes-and-kerberos.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.config.onprem import OnpremConfig
from components.emr.ports import onprem_access_ports
from components.network.cross_region_peering import CrossRegionPeering, CrossRegionPeeringArgs
from components.network.dns_forwarding import DnsForwarding, DnsForwardingArgs
from components.network.onprem_connection import OnpremConnection, OnpremConnectionArgs
from components.network.regional_network import RegionalNetwork, RegionalNetworkArgs
from components.security.kms_key import KmsKey, KmsKeyArgs, logs_service_grant

from .sites import Site, Sites


@dataclass(frozen=True)
class Network:
    logs_keys: Mapping[str, KmsKey]
    """Side -> the key of its flow logs, EMR logs, log groups and alarm topic."""
    vpcs: Mapping[str, RegionalNetwork]
    """Side -> its VPC."""
    peering: CrossRegionPeering | None
    """Proxy mode: the cross-region peering to the proxy VPC."""
    onprem_link: OnpremConnection | None = None
    """External mode: the compute VPC's private link to the data centre."""
    dns_forwarding: DnsForwarding | None = None
    """External mode: the on-prem domain forwarded to the on-prem DNS servers."""

    @property
    def onprem_access_security_group_id(self) -> pulumi.Output[str]:
        """Proxy: the proxy cluster's group admitting the burst subnets; external: the burst nodes' egress group."""
        if self.peering is not None:
            return self.peering.onprem_access_security_group_id
        assert self.onprem_link is not None
        return self.onprem_link.access_security_group_id

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
    if sites.onprem is None:
        link, dns = _external_link(cfg.onprem, sites.compute, vpcs[sites.compute.side])
        return Network(logs_keys=logs_keys, vpcs=vpcs, peering=None, onprem_link=link, dns_forwarding=dns)
    onprem, compute = sites.onprem, sites.compute
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


def _external_link(onprem: OnpremConfig, compute: Site, vpc: RegionalNetwork) -> tuple[OnpremConnection, DnsForwarding]:
    """The link to an external on-prem Hadoop, from ``hybrid-burst:onprem`` (validated: every part is present)."""
    connection, hdfs, dns = onprem.connection, onprem.hdfs, onprem.dns
    assert connection is not None
    assert hdfs is not None
    assert dns is not None
    in_compute = pulumi.ResourceOptions(provider=compute.provider)
    vpn = connection.vpn
    kind = {"vpn": "vpn", "directConnectGateway": "direct_connect_gateway", "transitGateway": "transit_gateway"}
    link = OnpremConnection(
        "onprem-link",
        OnpremConnectionArgs(
            kind=kind[connection.type],  # type: ignore[arg-type]
            vpc_id=vpc.vpc_id,
            vpc_cidr=compute.network.cidr,
            subnet_ids=vpc.private_subnet_ids,
            route_table_ids=vpc.private_route_table_ids,
            onprem_cidrs=onprem.cidrs,
            customer_gateway_ip=vpn.customer_gateway_ip if vpn else None,
            vpn_gateway="virtual_private_gateway" if vpn and vpn.attach_to == "virtualPrivateGateway"
            else "transit_gateway",
            bgp_asn=vpn.bgp_asn if vpn else None,
            static_routes=vpn.static_routes if vpn else (),
            amazon_side_asn=vpn.amazon_side_asn if vpn else 64512,
            direct_connect_gateway_id=connection.direct_connect_gateway_id,
            transit_gateway_id=connection.transit_gateway_id,
            access_ports=onprem_access_ports(
                namenode_ports=sorted({port for _host, port in hdfs.hosts()}),
                metastore_ports=sorted({port for _host, port in onprem.metastore_hosts()}),
                kerberos=onprem.kerberos.enabled,
            ),
        ),
        opts=in_compute,
    )
    forwarding = DnsForwarding(
        "onprem-dns",
        DnsForwardingArgs(
            domain=dns.domain,
            target_ips=dns.server_ips,
            vpc_id=vpc.vpc_id,
            subnet_ids=vpc.private_subnet_ids,
        ),
        opts=in_compute,
    )
    return link, forwarding
