"""Every stack output, declared in one table: the contract ``scripts/ops`` (smoke checks, Spot drill) reads.

A name with ``{side}`` is exported once per site with its region's role (``onprem_vpc_id``, ``compute_vpc_id``); a
name with ``{cluster}`` once per site with its cluster's name (``onprem_cluster_id``, ``burst_cluster_id``). An
output whose value is ``None`` (EMR on EKS off, no Spot drill) is not exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi

from .sites import Site

if TYPE_CHECKING:
    from . import Platform

Value = Callable[["Platform", Site], Any]


@dataclass(frozen=True)
class StackOutput:
    name: str
    """Output name; ``{side}``/``{cluster}`` make it per site."""
    value: Value
    """The value, from the composed platform and (for per-site names) the site."""
    description: str


def _eks(attr: str) -> Value:
    return lambda p, _s: getattr(p.emr_on_eks, attr) if p.emr_on_eks is not None else None


OUTPUTS: tuple[StackOutput, ...] = (
    StackOutput("environment", lambda p, _s: p.cfg.environment, "Environment preset of the stack."),
    StackOutput("regions", lambda p, _s: {s.side: s.region for s in p.sites}, "Side -> region."),
    # network
    StackOutput("{side}_vpc_id", lambda p, s: p.network.vpc(s).vpc_id, "VPC of the side."),
    StackOutput("{side}_private_subnet_ids", lambda p, s: p.network.vpc(s).private_subnet_ids, "Private subnets."),
    StackOutput("peering_connection_id", lambda p, _s: p.network.peering.peering_connection_id, "The peering link."),
    StackOutput(
        "onprem_access_security_group_id",
        lambda p, _s: p.network.peering.onprem_access_security_group_id,
        "Security group admitting the compute CIDR on the peered ports.",
    ),
    # lake
    StackOutput("{side}_lake_bucket_names", lambda p, s: p.storage.zones[s.side].bucket_names, "Zone -> bucket."),
    StackOutput("{side}_data_key_arn", lambda p, s: p.storage.data_key_arn(s), "Key of the side's buckets."),
    StackOutput("catalog_key_arn", lambda p, _s: p.storage.catalog_key.key_arn, "Glue catalog key."),
    StackOutput("glue_database_names", lambda p, _s: p.storage.catalog.database_names, "Glue databases."),
    StackOutput(
        "glue_security_configuration_name",
        lambda p, _s: p.storage.catalog.security_configuration_name,
        "Glue security configuration.",
    ),
    StackOutput("emr_runtime_role_arn", lambda p, _s: p.lake.emr_runtime_role_arn, "Lake Formation runtime role."),
    StackOutput(
        "lake_formation_registration_role_arn",
        lambda p, _s: p.lake.registration_role_arn,
        "Role Lake Formation reads the registered zones with.",
    ),
    # emr
    StackOutput("{cluster}_cluster_id", lambda p, s: p.clusters.of(s).cluster_id, "EMR cluster id."),
    StackOutput("{cluster}_master_private_dns", lambda p, s: p.clusters.of(s).master_private_dns, "Primary node."),
    StackOutput("{cluster}_instance_role_name", lambda p, s: p.clusters.of(s).instance_role_name, "Instance role."),
    StackOutput(
        "{cluster}_security_configuration_name",
        lambda p, s: p.clusters.of(s).security_configuration_name,
        "EMR security configuration.",
    ),
    StackOutput("burst_task_fleet_id", lambda p, _s: p.clusters.burst.task_fleet_id, "Burst task fleet."),
    StackOutput("onprem_namenode_name", lambda p, _s: p.clusters.endpoints.namenode_name, "Stable NameNode name."),
    StackOutput("onprem_metastore_name", lambda p, _s: p.clusters.endpoints.metastore_name, "Stable metastore name."),
    # eks
    StackOutput("eks_cluster_name", _eks("cluster_name"), "EKS cluster (EMR on EKS on)."),
    StackOutput("emr_virtual_cluster_id", _eks("virtual_cluster_id"), "EMR virtual cluster (EMR on EKS on)."),
    StackOutput("emr_on_eks_job_role_arn", _eks("job_role_arn"), "Job execution role (EMR on EKS on)."),
    StackOutput("emr_on_eks_namespace", _eks("namespace_name"), "Namespace of the jobs (EMR on EKS on)."),
    # operations
    StackOutput("{side}_alarm_topic_arn", lambda p, s: p.operations.alarm_topics[s.side].topic_arn, "Alarm topic."),
    StackOutput("dashboard_name", lambda p, _s: p.operations.dashboard.dashboard_name, "CloudWatch dashboard."),
    StackOutput(
        "burst_spot_drill_template_id",
        lambda p, _s: p.operations.spot_drill.template_id if p.operations.spot_drill is not None else None,
        "FIS experiment template (drill on).",
    ),
)


def stack_outputs(platform: Platform) -> dict[str, Any]:
    """Output name -> value, expanded over the sites."""
    out: dict[str, Any] = {}
    for entry in OUTPUTS:
        per_site = "{side}" in entry.name or "{cluster}" in entry.name
        for site in platform.sites if per_site else (platform.sites.compute,):
            value = entry.value(platform, site)
            if value is not None:
                out[entry.name.format(side=site.side, cluster=site.cluster)] = value
    return out


def export(platform: Platform) -> None:
    for name, value in stack_outputs(platform).items():
        pulumi.export(name, value)
