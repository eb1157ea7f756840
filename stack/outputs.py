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
    StackOutput("onprem_mode", lambda p, _s: p.cfg.onprem.mode, "proxy (two-region proxy) or external."),
    StackOutput(
        "peering_connection_id",
        lambda p, _s: p.network.peering.peering_connection_id if p.network.peering is not None else None,
        "The peering link (proxy mode).",
    ),
    StackOutput(
        "onprem_access_security_group_id",
        lambda p, _s: p.network.onprem_access_security_group_id,
        "Proxy: the group admitting the burst subnets on the peered ports; external: the burst nodes' egress group.",
    ),
    StackOutput(
        "onprem_cidrs",
        lambda p, _s: list(p.cfg.onprem.cidrs) if p.cfg.onprem.external else None,
        "On-prem ranges routed over the link (external mode).",
    ),
    StackOutput(
        "onprem_gateway_id",
        lambda p, _s: p.network.onprem_link.gateway_id if p.network.onprem_link is not None else None,
        "Transit or virtual private gateway to on-prem (external mode).",
    ),
    StackOutput(
        "onprem_vpn_connection_id",
        lambda p, _s: p.network.onprem_link.vpn_connection_id if p.network.onprem_link is not None else None,
        "Site-to-Site VPN connection (external mode, connection type vpn).",
    ),
    StackOutput(
        "onprem_dns_resolver_rule_id",
        lambda p, _s: p.network.dns_forwarding.rule_id if p.network.dns_forwarding is not None else None,
        "Resolver rule forwarding the on-prem domain (external mode).",
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
    StackOutput("onprem_namenode_name", lambda p, _s: p.clusters.names.namenode, "NameNode the burst side mounts."),
    StackOutput("onprem_metastore_name", lambda p, _s: p.clusters.names.metastore, "Metastore of the onprem catalog."),
    # eks
    StackOutput("eks_cluster_name", _eks("cluster_name"), "EKS cluster (EMR on EKS on)."),
    StackOutput("emr_virtual_cluster_id", _eks("virtual_cluster_id"), "EMR virtual cluster (EMR on EKS on)."),
    StackOutput("emr_on_eks_job_role_arn", _eks("job_role_arn"), "Job execution role (EMR on EKS on)."),
    StackOutput("emr_on_eks_namespace", _eks("namespace_name"), "Namespace of the jobs (EMR on EKS on)."),
    StackOutput("emr_on_eks_job_log_group_name", _eks("job_log_group_name"), "Job log group (EMR on EKS on)."),
    StackOutput(
        "emr_on_eks_release_label",
        lambda p, _s: f"{p.cfg.emr.release_label}-latest" if p.emr_on_eks is not None else None,
        "EMR on EKS release label (EMR on EKS on).",
    ),
    StackOutput(
        "emr_on_eks_s3_log_uri",
        lambda p, _s: p.eks_workloads.job_template.s3_log_uri if p.eks_workloads is not None else None,
        "S3 prefix of the jobs' logs (EMR on EKS on).",
    ),
    StackOutput(
        "emr_on_eks_pod_templates",
        lambda p, _s: {
            "driver": p.eks_workloads.job_template.driver_pod_template_uri,
            "executor": p.eks_workloads.job_template.executor_pod_template_uri,
        } if p.eks_workloads is not None else None,
        "Driver/executor pod templates in S3 (EMR on EKS on).",
    ),
    StackOutput(
        "emr_on_eks_job_template_id",
        lambda p, _s: p.eks_workloads.job_template.job_template_id if p.eks_workloads is not None else None,
        "The lake pipeline's job template (EMR on EKS on).",
    ),
    # the lake pipeline and the engines' catalogs
    StackOutput("lake_pipeline_entry_point", lambda p, _s: p.storage.pipeline.entry_point_uri, "The Spark job in S3."),
    StackOutput(
        "lake_warehouse_uri",
        lambda p, _s: p.storage.bucket(p.sites.compute, p.cfg.emr.settings.lake_catalogs.warehouse_zone).s3_uri(
            "iceberg"
        ),
        "Iceberg warehouse of the Glue catalogs.",
    ),
    StackOutput(
        "burst_lake_formation",
        lambda p, _s: p.cfg.emr.settings.lake_formation,
        "EMR's Lake Formation integration on the burst cluster (steps need the runtime role).",
    ),
    StackOutput(
        "burst_spark_iceberg_catalog",
        lambda p, _s: p.cfg.emr.settings.lake_catalogs.spark_iceberg_catalog_name,
        "Spark's Iceberg catalog on Glue.",
    ),
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
