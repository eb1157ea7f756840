"""BurstDashboard: one CloudWatch dashboard per environment with the metrics that matter for bursting.

EMR metrics (namespace ``AWS/ElasticMapReduce``, dimension ``JobFlowId``):
https://docs.aws.amazon.com/emr/latest/ManagementGuide/UsingEMR_ViewingMetrics.html - YARNMemoryAvailablePercentage,
ContainerPending, AppsRunning, AppsPending, HDFSUtilization, CoreNodesRunning, TaskNodesRunning, IsIdle,
MRUnhealthyNodes. Fleet capacity in units (TaskUnitsRequested/TaskUnitsRunning, published with managed scaling):
https://docs.aws.amazon.com/emr/latest/ManagementGuide/managed-scaling-metrics.html.
Dashboard body structure: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html.

VPC peering connections publish no CloudWatch metrics, so peering traffic is measured from the compute VPC's
flow logs with a metric filter (bytes whose destination is the on-prem CIDR).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming

EMR_NAMESPACE = "AWS/ElasticMapReduce"
PEERING_NAMESPACE = "HybridBurst/Network"
PEERING_METRIC = "PeeringBytesToOnprem"

# Default VPC flow-log record format (v2), space separated
# (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html#flow-logs-default).
_FLOW_FIELDS = (
    "version", "account", "eni", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes",
    "start", "end", "action", "status",
)


@dataclass(frozen=True, kw_only=True)
class DashboardCluster:
    name: str
    """Logical cluster name (``onprem``, ``burst``); also the StatsD prefix of its Spark metrics."""
    region: str
    """Region of the cluster (its metrics live there)."""
    cluster_id: pulumi.Input[str]
    """EMR cluster id (``j-...``)."""
    has_task_fleet: bool = False
    """Show the Spot task-fleet capacity (requested vs running units) for this cluster."""


@dataclass(frozen=True, kw_only=True)
class BurstDashboardArgs:
    clusters: Sequence[DashboardCluster]
    """The clusters to show. Required (at least one)."""
    alarm_arns: Sequence[pulumi.Input[str]] = ()
    """Alarms whose state the dashboard shows. Default: none (no alarm widget)."""
    metrics_namespace: str = "HybridBurst/Spark"
    """Namespace of the Spark StatsD metrics. Default: HybridBurst/Spark."""
    peering_flow_log_group_name: pulumi.Input[str] | None = None
    """Flow-log group of the VPC that sends burst traffic over the peering (in this provider's region).
    Default: none (no peering widget and no metric filter)."""
    peering_remote_cidr: str | None = None
    """CIDR on the far side of the peering (the on-prem VPC). Required with ``peering_flow_log_group_name``."""
    region: str = "us-east-1"
    """Region of the provider in ``opts`` (home region of the dashboard and the peering metric). Default: us-east-1."""


def dst_prefix_pattern(cidr: str) -> str:
    """A space-delimited metric-filter pattern matching flow records whose destination lies in ``cidr``
    (filter syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)."""
    net = ipaddress.IPv4Network(cidr)
    octets = -(-net.prefixlen // 8)  # round up to whole octets
    blocks: list[ipaddress.IPv4Network] = list(net.subnets(new_prefix=octets * 8)) if net.prefixlen % 8 else [net]
    if len(blocks) > 16:
        raise ValueError(f"{cidr}: too many /{octets * 8} blocks for a metric filter; use an octet-aligned CIDR")
    alternatives = []
    for block in blocks:
        prefix = ".".join(str(block.network_address).split(".")[:octets])
        alternatives.append(f'dstaddr="{prefix}.*"')
    fields = list(_FLOW_FIELDS)
    fields[fields.index("dstaddr")] = " || ".join(alternatives) if len(alternatives) > 1 else alternatives[0]
    return "[" + ", ".join(fields) + "]"


def dashboard_body(
    clusters: Sequence[tuple[str, str, str, bool]],
    *,
    home_region: str,
    alarm_arns: Sequence[str],
    metrics_namespace: str,
    peering_region: str | None,
) -> dict[str, Any]:
    """The dashboard JSON. ``clusters`` holds (name, region, cluster id, has task fleet)."""
    if not clusters:
        raise ValueError("a dashboard needs at least one cluster")
    widgets: list[dict[str, Any]] = []

    def emr(metrics: Sequence[tuple[str, str]], title: str, *, task_only: bool = False, stat: str = "Average") -> None:
        rows: list[list[Any]] = []
        for name, region, cid, has_task in clusters:
            if task_only and not has_task:
                continue
            for metric, label in metrics:
                rows.append([EMR_NAMESPACE, metric, "JobFlowId", cid, {"region": region, "label": f"{name} {label}"}])
        if rows:
            widgets.append(_metric_widget(title, rows, home_region, stat))

    emr([("YARNMemoryAvailablePercentage", "YARN memory available %")], "YARN memory available (%)")
    emr([("ContainerPending", "containers pending")], "Containers pending")
    emr([("AppsRunning", "apps running"), ("AppsPending", "apps pending")], "YARN applications")
    emr([("HDFSUtilization", "HDFS used %")], "HDFS utilization (%)", stat="Maximum")
    emr([("CoreNodesRunning", "core nodes"), ("TaskNodesRunning", "task nodes")], "Nodes running")
    emr([("IsIdle", "idle"), ("MRUnhealthyNodes", "unhealthy nodes")], "Idle and unhealthy nodes", stat="Maximum")
    emr(
        [("TaskUnitsRequested", "task units requested"), ("TaskUnitsRunning", "task units running")],
        "Spot task fleet: target vs provisioned (units)",
        task_only=True,
    )

    # Spark StatsD metrics: the metric name starts with the cluster name (the sink prefix).
    for title, terms, stat in (
        ("Spark JVM heap used", "jvm heap used", "Average"),
        ("Spark GC time", "jvm Generation time", "Sum"),
        ("Spark tasks completed", "threadpool completeTasks", "Sum"),
    ):
        rows = [
            [
                {
                    "expression": f"SEARCH('{{{metrics_namespace},InstanceId}} {name} {terms}', '{stat}', 60)",
                    "id": f"{name}{i}",
                    "label": name,
                    "region": region,
                }
            ]
            for i, (name, region, _, _) in enumerate(clusters)
        ]
        widgets.append(_metric_widget(title, rows, home_region, stat))

    if peering_region is not None:
        widgets.append(
            _metric_widget(
                "Peering traffic to on-prem (bytes)",
                [[PEERING_NAMESPACE, PEERING_METRIC, {"region": peering_region, "label": "bytes to on-prem"}]],
                home_region,
                "Sum",
            )
        )
    if alarm_arns:
        widgets.append(
            {
                "type": "alarm",
                "width": 24,
                "height": 4,
                "properties": {
                    "title": "Alarm status",
                    "alarms": sorted(alarm_arns),
                    "sortBy": "stateUpdatedTimestamp",
                },
            }
        )
    for i, widget in enumerate(widgets):
        widget.setdefault("width", 12)
        widget.setdefault("height", 6)
        widget["x"] = 0 if widget["width"] == 24 else (i % 2) * 12
        widget["y"] = i // 2 * 6
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


def _metric_widget(title: str, rows: list[list[Any]], region: str, stat: str) -> dict[str, Any]:
    return {
        "type": "metric",
        "properties": {
            "title": title,
            "metrics": rows,
            "region": region,
            "stat": stat,
            "period": 300,
            "view": "timeSeries",
            "stacked": False,
        },
    }


class BurstDashboard(pulumi.ComponentResource):
    """The environment's dashboard (and the flow-log metric filter behind its peering widget)."""

    dashboard_name: pulumi.Output[str]
    dashboard_body: pulumi.Output[str]

    def __init__(self, name: str, args: BurstDashboardArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:observability:BurstDashboard", name, None, opts)
        if not args.clusters:
            raise ValueError("BurstDashboardArgs.clusters needs at least one cluster")
        if (args.peering_flow_log_group_name is None) != (args.peering_remote_cidr is None):
            raise ValueError(
                "BurstDashboardArgs: give both peering_flow_log_group_name and peering_remote_cidr, or neither"
            )
        child = pulumi.ResourceOptions(parent=self)
        peering_region: str | None = None
        if args.peering_flow_log_group_name is not None and args.peering_remote_cidr is not None:
            aws.cloudwatch.LogMetricFilter(
                f"{name}-peering-bytes",
                name=naming.resource_name(pulumi.get_stack(), "peering-bytes"),
                log_group_name=args.peering_flow_log_group_name,
                pattern=dst_prefix_pattern(args.peering_remote_cidr),
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    namespace=PEERING_NAMESPACE, name=PEERING_METRIC, value="$bytes", unit="Bytes"
                ),
                opts=child,
            )
            peering_region = args.region

        meta = [(c.name, c.region, c.has_task_fleet) for c in args.clusters]
        n = len(meta)
        body = pulumi.Output.all(*[c.cluster_id for c in args.clusters], *args.alarm_arns).apply(
            lambda vals: json.dumps(
                dashboard_body(
                    [(m[0], m[1], str(cid), m[2]) for m, cid in zip(meta, vals[:n], strict=True)],
                    home_region=args.region,
                    alarm_arns=[str(a) for a in vals[n:]],
                    metrics_namespace=args.metrics_namespace,
                    peering_region=peering_region,
                ),
                sort_keys=True,
            )
        )
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=naming.resource_name(pulumi.get_stack()),
            dashboard_body=body,
            opts=child,
        )
        self.dashboard_name = dashboard.dashboard_name
        self.dashboard_body = body
        self.register_outputs({"dashboard_name": self.dashboard_name})
