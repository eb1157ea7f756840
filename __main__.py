"""hybrid-burst: compose the platform for one stack.

1. Load and validate the stack config once (fail before any resource is registered).
2. One explicit provider per region.
3. Compose the components; export outputs.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.config import ConfigError, from_pulumi
from components.network.cross_region_peering import CrossRegionPeering, CrossRegionPeeringArgs
from components.network.regional_network import RegionalNetwork, RegionalNetworkArgs
from components.platform.providers import build_providers
from components.security.kms_key import KmsKey, KmsKeyArgs, logs_service_grant

try:
    cfg = from_pulumi()
except ConfigError as err:
    # RunError: the CLI prints the message without a traceback and exits non-zero.
    raise pulumi.RunError(str(err)) from None

providers = build_providers(cfg)
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=providers.compute)).account_id

# --- per-region log keys (flow logs, EMR logs, alarms) -------------------------------------------------------
logs_keys: dict[str, KmsKey] = {}
for side, region, provider in (
    ("onprem", cfg.regions.onprem, providers.onprem),
    ("compute", cfg.regions.compute, providers.compute),
):
    logs_keys[side] = KmsKey(
        f"{side}-logs",
        KmsKeyArgs(
            account_id=account_id,
            region=region,
            purpose=f"{side}-logs",
            service_grants=[logs_service_grant(region)],
            protect=cfg.protect,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

# --- network ------------------------------------------------------------------------------------------------
networks: dict[str, RegionalNetwork] = {}
for side, region, provider in (
    ("onprem", cfg.regions.onprem, providers.onprem),
    ("compute", cfg.regions.compute, providers.compute),
):
    net_cfg = getattr(cfg.network, side)
    networks[side] = RegionalNetwork(
        side,
        RegionalNetworkArgs(
            region=region,
            cidr=net_cfg.cidr,
            private_subnet_cidrs=net_cfg.subnet_cidrs(),
            az_names=net_cfg.az_names,
            nat_gateway=net_cfg.nat_gateway,
            public_subnet_cidr=net_cfg.public_subnet_cidr() if net_cfg.nat_gateway else None,
            interface_endpoints=net_cfg.interface_endpoints,
            flow_log_retention_days=net_cfg.flow_log_retention_days,
            logs_kms_key_arn=logs_keys[side].key_arn,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

peering = CrossRegionPeering(
    "burst-link",
    CrossRegionPeeringArgs(
        requester_provider=providers.compute,
        accepter_provider=providers.onprem,
        requester_vpc_id=networks["compute"].vpc_id,
        requester_cidr=cfg.network.compute.cidr,
        requester_route_table_ids=networks["compute"].private_route_table_ids,
        accepter_vpc_id=networks["onprem"].vpc_id,
        accepter_cidr=cfg.network.onprem.cidr,
        accepter_region=cfg.regions.onprem,
        accepter_route_table_ids=networks["onprem"].private_route_table_ids,
        allow_remote_dns_resolution=cfg.network.allow_remote_dns_resolution,
    ),
)

# --- outputs ------------------------------------------------------------------------------------------------
pulumi.export("environment", cfg.environment)
pulumi.export("regions", {"onprem": cfg.regions.onprem, "compute": cfg.regions.compute})
for side, net in networks.items():
    pulumi.export(f"{side}_vpc_id", net.vpc_id)
    pulumi.export(f"{side}_private_subnet_ids", net.private_subnet_ids)
pulumi.export("peering_connection_id", peering.peering_connection_id)
pulumi.export("onprem_access_security_group_id", peering.onprem_access_security_group_id)
