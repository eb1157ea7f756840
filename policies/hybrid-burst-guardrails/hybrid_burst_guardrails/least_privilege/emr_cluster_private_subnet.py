"""EMR clusters run in subnets that do not map public IPs, judged across the stack.

Joins ``aws:emr/cluster:Cluster.ec2Attributes.subnetId``/``subnetIds`` (pulumi-aws 7.51.1
``ClusterEc2AttributesArgs``) to ``aws:ec2/subnet:Subnet`` resources of the stack (``mapPublicIpOnLaunch``), by
``propertyDependencies["ec2Attributes"]`` (which also holds security groups and the instance profile, so only
subnets are considered) or by the subnet's ``id`` output. Subnets outside the stack (ids from config) cannot be
judged here and are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_bool
from hybrid_burst_guardrails.core.links import value_matches
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block

RULE_ID = "emr-cluster-private-subnet"
DESCRIPTION = "EMR clusters must run in private subnets (no public IP mapping)."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Place clusters in private subnets (map_public_ip_on_launch=False) with a NAT gateway or VPC endpoints "
    "for egress; RegionalNetwork exposes private_subnet_ids for this."
)
CONFIG_SCHEMA: ConfigSchema = {}

CLUSTER = "aws:emr/cluster:Cluster"
SUBNET = "aws:ec2/subnet:Subnet"


def check(resources: Sequence[StackResource], _config: Config) -> Evaluation:
    ev = Evaluation()
    subnets = [r for r in resources if r.type == SUBNET]
    for cluster in (r for r in resources if r.type == CLUSTER):
        raw = cluster.props.get("ec2Attributes")
        if is_unknown(raw):
            ev.unknown(f"{cluster.name}.ec2Attributes", cluster.urn)
            continue
        attrs = as_mapping(first_block(raw)) or {}
        ids = [*as_list(attrs.get("subnetId")), *as_list(attrs.get("subnetIds"))]
        deps = set(cluster.deps_of("ec2Attributes"))
        used = [s for s in subnets if s.urn in deps or any(value_matches(i, s, ("id",)) for i in ids)]
        if not used and any(is_unknown(i) for i in ids) and not deps:
            ev.unknown(f"{cluster.name}.ec2Attributes.subnetIds", cluster.urn)
            continue
        for subnet in used:
            public = subnet.props.get("mapPublicIpOnLaunch")
            if is_unknown(public):
                ev.unknown(f"{subnet.name}.mapPublicIpOnLaunch", cluster.urn)
            elif provider_bool(public) is True:
                ev.fail(
                    f"Cluster '{cluster.name}' uses subnet '{subnet.name}', which maps public IPs on launch.",
                    cluster.urn,
                )
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER, SUBNET}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
