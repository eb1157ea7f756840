"""ClusterAlarms: the EMR health alarms of one cluster and the composite "cluster degraded" alarm."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import naming

# EMR metrics: namespace AWS/ElasticMapReduce, dimension JobFlowId, published every five minutes
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/UsingEMR_ViewingMetrics.html).
EMR_NAMESPACE = "AWS/ElasticMapReduce"
EMR_PERIOD_SECONDS = 300


@dataclass(frozen=True, kw_only=True)
class ClusterAlarmsArgs:
    cluster_name: str
    """Logical cluster name (``onprem``, ``burst``); part of every alarm name. Required."""
    cluster_id: pulumi.Input[str]
    """EMR cluster id (``j-...``), the ``JobFlowId`` dimension. Required."""
    topic_arn: pulumi.Input[str]
    """SNS topic notified on ALARM and OK. Required."""
    hdfs_utilization_percent: float = 80.0
    """``HDFSUtilization`` above this percentage alarms. Default: 80."""
    pending_containers: int = 50
    """``ContainerPending`` above this count ... Default: 50."""
    pending_periods: int = 3
    """... for this many consecutive 5-minute periods alarms. Default: 3."""
    unhealthy_nodes: int = 0
    """``MRUnhealthyNodes`` above this count alarms. Default: 0."""


class ClusterAlarms(pulumi.ComponentResource):
    """HDFS utilization, sustained pending containers and unhealthy nodes, each notifying the topic, and a
    composite alarm in ALARM when any of them is (the FIS drill's stop condition)."""

    alarm_arns: dict[str, pulumi.Output[str]]
    degraded_alarm_arn: pulumi.Output[str]
    degraded_alarm_name: pulumi.Output[str]
    all_alarm_arns: list[pulumi.Output[str]]

    def __init__(self, name: str, args: ClusterAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:observability:ClusterAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        prefix = naming.resource_name(pulumi.get_stack(), args.cluster_name)
        dims = {"JobFlowId": args.cluster_id}
        # (role, metric, threshold, consecutive periods, missing data, description)
        specs: list[tuple[str, str, float, int, str, str]] = [
            (
                "hdfs-utilization", "HDFSUtilization", args.hdfs_utilization_percent, 2, "missing",
                f"HDFS of {args.cluster_name} is above {args.hdfs_utilization_percent}% used",
            ),
            (
                "containers-pending", "ContainerPending", float(args.pending_containers), args.pending_periods,
                "notBreaching",
                (
                    f"YARN on {args.cluster_name} has had more than {args.pending_containers} containers pending "
                    f"for {args.pending_periods * EMR_PERIOD_SECONDS // 60} minutes (burst capacity not arriving)"
                ),
            ),
            (
                "unhealthy-nodes", "MRUnhealthyNodes", float(args.unhealthy_nodes), 1, "notBreaching",
                f"{args.cluster_name} has more than {args.unhealthy_nodes} unhealthy nodes",
            ),
        ]
        alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for role, metric, threshold, periods, missing, description in specs:
            alarms[role] = aws.cloudwatch.MetricAlarm(
                f"{name}-{role}",
                name=f"{prefix}-{role}",
                alarm_description=description,
                namespace=EMR_NAMESPACE,
                metric_name=metric,
                dimensions=dims,
                statistic="Maximum",
                period=EMR_PERIOD_SECONDS,
                evaluation_periods=periods,
                threshold=threshold,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data=missing,
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                opts=child,
            )
        rule = pulumi.Output.all(*[a.name for a in alarms.values()]).apply(
            lambda names: " OR ".join(f'ALARM("{n}")' for n in names)
        )
        degraded = aws.cloudwatch.CompositeAlarm(
            f"{name}-degraded",
            alarm_name=f"{prefix}-degraded",
            alarm_description=f"{args.cluster_name} is degraded: HDFS full, containers starved or nodes unhealthy",
            alarm_rule=rule,
            alarm_actions=[args.topic_arn],
            ok_actions=[args.topic_arn],
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(alarms.values())),
        )
        self.alarm_arns = {role: a.arn for role, a in alarms.items()}
        self.degraded_alarm_arn = degraded.arn
        self.degraded_alarm_name = degraded.alarm_name
        self.all_alarm_arns = [*self.alarm_arns.values(), degraded.arn]
        self.register_outputs(
            {"alarm_arns": self.alarm_arns, "degraded_alarm_arn": self.degraded_alarm_arn}
        )
