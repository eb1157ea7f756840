"""Operations: per side an encrypted alarm topic, the cluster's alarms and EMR event rules; one dashboard; the FIS
Spot drill on the burst task fleet. Docs: docs/observability.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.observability.alarm_topic import AlarmTopic, AlarmTopicArgs, TopicSubscriptionSpec
from components.observability.burst_dashboard import BurstDashboard, BurstDashboardArgs, DashboardCluster
from components.observability.cluster_alarms import ClusterAlarms, ClusterAlarmsArgs
from components.observability.emr_event_rules import EmrEventRules, EmrEventRulesArgs
from components.resilience.spot_interruption_drill import SpotInterruptionDrill, SpotInterruptionDrillArgs

from .emr import Clusters
from .network import Network
from .sites import Sites


@dataclass(frozen=True)
class Operations:
    alarm_topics: Mapping[str, AlarmTopic]
    """Side -> its alarm topic."""
    cluster_alarms: Mapping[str, ClusterAlarms]
    """Cluster -> its alarms."""
    dashboard: BurstDashboard
    spot_drill: SpotInterruptionDrill | None
    """None unless the FIS drill is on and the burst task fleet has Spot capacity."""


def build_operations(
    cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], network: Network, clusters: Clusters
) -> Operations:
    obs = cfg.observability
    th = obs.thresholds
    alarm_topics: dict[str, AlarmTopic] = {}
    cluster_alarms: dict[str, ClusterAlarms] = {}
    for site in sites:
        opts = pulumi.ResourceOptions(provider=site.provider)
        cluster = clusters.of(site)
        alarm_topics[site.side] = AlarmTopic(
            f"{site.side}-alarms",
            AlarmTopicArgs(
                account_id=account_id,
                region=site.region,
                purpose=f"{site.side}-alarms",
                subscriptions=[
                    TopicSubscriptionSpec(protocol=sub.protocol, endpoint=sub.endpoint) for sub in obs.subscriptions
                ],
                protect=cfg.protect,
            ),
            opts=opts,
        )
        cluster_alarms[site.cluster] = ClusterAlarms(
            f"{site.cluster}-alarms",
            ClusterAlarmsArgs(
                cluster_name=site.cluster,
                cluster_id=cluster.cluster_id,
                topic_arn=alarm_topics[site.side].topic_arn,
                hdfs_utilization_percent=th.hdfs_utilization_percent,
                pending_containers=th.pending_containers,
                pending_periods=th.pending_periods,
                unhealthy_nodes=th.unhealthy_nodes,
            ),
            opts=opts,
        )
        EmrEventRules(
            f"{site.side}-emr-events",
            EmrEventRulesArgs(
                cluster_ids=[cluster.cluster_id],
                topic_arn=alarm_topics[site.side].topic_arn,
                logs_kms_key_arn=network.logs_key_arn(site),
                log_retention_days=obs.log_retention_days,
                spot_interruptions=site.uses_spot,
            ),
            opts=opts,
        )

    compute = sites.compute
    in_compute = pulumi.ResourceOptions(provider=compute.provider)
    dashboard = BurstDashboard(
        "burst",
        BurstDashboardArgs(
            clusters=[
                DashboardCluster(
                    name=site.cluster,
                    region=site.region,
                    cluster_id=clusters.of(site).cluster_id,
                    has_task_fleet=site.capacity.task is not None,
                )
                for site in sites
            ],
            alarm_arns=[arn for alarms in cluster_alarms.values() for arn in alarms.all_alarm_arns],
            metrics_namespace=obs.metrics_namespace,
            # The peering widget measures traffic to the proxy VPC; external mode has no peering (its traffic is on
            # the VPN/Direct Connect link, whose own metrics are in the VPN and transit gateway namespaces).
            peering_flow_log_group_name=network.vpc(compute).flow_log_group_name if sites.onprem is not None else None,
            peering_remote_cidr=sites.onprem.network.cidr if sites.onprem is not None else None,
            region=compute.region,
        ),
        opts=in_compute,
    )

    spot_drill = None
    task = compute.capacity.task
    if obs.fis.enabled and task is not None and task.spot_share > 0:
        spot_drill = SpotInterruptionDrill(
            f"{compute.cluster}-spot-drill",
            SpotInterruptionDrillArgs(
                cluster_id=clusters.of(compute).cluster_id,
                account_id=account_id,
                region=compute.region,
                stop_alarm_arn=cluster_alarms[compute.cluster].degraded_alarm_arn,
                logs_kms_key_arn=network.logs_key_arn(compute),
                selection_mode=obs.fis.selection_mode,
                log_retention_days=obs.log_retention_days,
            ),
            opts=in_compute,
        )
    return Operations(
        alarm_topics=alarm_topics, cluster_alarms=cluster_alarms, dashboard=dashboard, spot_drill=spot_drill
    )
