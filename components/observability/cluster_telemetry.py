"""ClusterTelemetry: one EMR cluster's log groups, CloudWatch-agent configuration and bootstrap action.

The CloudWatch agent on every node ships the EMR step logs (``step-stdout``, ``step-stderr``, ``step-controller``)
and the application logs to KMS-encrypted log groups, and listens for StatsD on localhost so that Spark's StatsD
sink can publish driver/executor JVM, GC and task metrics to one custom namespace.

Why StatsD: Spark ships ``org.apache.spark.metrics.sink.StatsdSink`` (no extra jar on the nodes,
https://spark.apache.org/docs/latest/monitoring.html#metrics) and the agent has a built-in StatsD listener
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-custom-metrics-statsd.html),
so the pipeline is configuration only. The JMX route needs a JMX port per JVM (executors come and go on Spot
nodes), and the custom-sink route from the AWS blog needs a third-party jar on every node.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.security import grants

BOOTSTRAP_SCRIPT = Path(__file__).parent / "bootstrap" / "cloudwatch-agent.sh"

# EMR writes each step's logs under /mnt/var/log/hadoop/steps/<step-id>/
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-manage-view-web-log-files.html).
STEP_LOG_FILES: Mapping[str, str] = {
    "step-stdout": "/mnt/var/log/hadoop/steps/s-*/stdout",
    "step-stderr": "/mnt/var/log/hadoop/steps/s-*/stderr",
    "step-controller": "/mnt/var/log/hadoop/steps/s-*/controller",
}

# Application log files on EMR nodes (same page: /var/log/<application>; YARN container logs hold the Spark
# executors' and drivers' (cluster mode) output).
APPLICATION_LOG_FILES: Mapping[str, Sequence[str]] = {
    "spark": (
        "/var/log/hadoop-yarn/containers/application_*/container_*/stderr",
        "/var/log/spark/*.out",
    ),
    "trino": ("/var/log/trino/server.log",),
    "hive": ("/var/log/hive/user/hadoop/hive.log",),
}


@dataclass(frozen=True, kw_only=True)
class ClusterTelemetryArgs:
    cluster_name: str
    """The cluster's logical name (``onprem``, ``burst``); names the log groups, the S3 prefix and the StatsD
    prefix of its Spark metrics. Required."""
    artifacts_bucket_name: pulumi.Input[str]
    """Bucket that holds the bootstrap script and the generated agent configuration. Required."""
    artifacts_bucket_arn: pulumi.Input[str]
    """ARN of that bucket (for the instance role's read grant). Required."""
    logs_kms_key_arn: pulumi.Input[str]
    """KMS key of every log group created here (must admit ``logs.<region>.amazonaws.com``). Required."""
    log_retention_days: int = 30
    """Retention of every log group created here. Default: 30 days."""
    applications: Sequence[str] = ("spark",)
    """Applications whose logs get a group of their own (keys of ``APPLICATION_LOG_FILES``). Default: spark."""
    metrics_namespace: str = "HybridBurst/Spark"
    """Custom CloudWatch namespace of the Spark metrics. Default: HybridBurst/Spark."""
    statsd_port: int = 8125
    """UDP port of the agent's StatsD listener (localhost only). Default: 8125."""
    artifacts_prefix: str = "observability"
    """Key prefix in the artifacts bucket; objects go under ``<prefix>/<cluster_name>/``. Default: observability."""
    artifacts_kms_key_arn: pulumi.Input[str] | None = None
    """SSE-KMS key of the artifacts bucket, if any (the instance role then gets decrypt on it). Default: none."""


def log_group_names(stack: str, cluster_name: str, applications: Sequence[str]) -> dict[str, str]:
    """Deterministic log group names: ``steps`` plus one per application."""
    return {
        "steps": naming.log_group(stack, "emr", cluster_name, "steps"),
        **{app: naming.log_group(stack, "emr", cluster_name, app) for app in applications},
    }


def agent_config(
    *,
    groups: Mapping[str, str],
    applications: Sequence[str],
    metrics_namespace: str,
    statsd_port: int,
) -> dict[str, Any]:
    """The CloudWatch agent configuration (schema:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html).

    ``logs.logs_collected.files.collect_list[]`` maps each file to a group and stream; ``metrics`` publishes the
    StatsD metrics (and nothing else) to ``metrics_namespace`` with the instance id as dimension.
    """
    collect: list[dict[str, Any]] = [
        {"file_path": path, "log_group_name": groups["steps"], "log_stream_name": stream, "timezone": "UTC"}
        for stream, path in STEP_LOG_FILES.items()
    ]
    collect.extend(
        {"file_path": path, "log_group_name": groups[app], "log_stream_name": "{instance_id}", "timezone": "UTC"}
        for app in applications
        for path in APPLICATION_LOG_FILES[app]
    )
    return {
        "agent": {"metrics_collection_interval": 60, "run_as_user": "root"},
        "logs": {"logs_collected": {"files": {"collect_list": collect}}, "force_flush_interval": 15},
        "metrics": {
            "namespace": metrics_namespace,
            "append_dimensions": {"InstanceId": "${aws:InstanceId}"},
            "metrics_collected": {
                "statsd": {
                    # Localhost only: nothing outside the node can inject metrics.
                    "service_address": f"127.0.0.1:{statsd_port}",
                    "metrics_collection_interval": 30,
                    "metrics_aggregation_interval": 60,
                }
            },
        },
    }


def spark_metrics_configurations(cluster_name: str, statsd_port: int) -> list[dict[str, Any]]:
    """EMR configuration classifications that turn on Spark's StatsD sink and the JVM/app-status sources.

    ``spark-metrics`` writes ``metrics.properties``; ``spark-defaults`` bounds metric names with the application
    name instead of the random application id (https://spark.apache.org/docs/latest/monitoring.html#metrics,
    https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-spark-configure.html).
    """
    return [
        {
            "Classification": "spark-metrics",
            "Properties": {
                "*.sink.statsd.class": "org.apache.spark.metrics.sink.StatsdSink",
                "*.sink.statsd.host": "127.0.0.1",
                "*.sink.statsd.port": str(statsd_port),
                "*.sink.statsd.period": "30",
                "*.sink.statsd.unit": "seconds",
                "*.sink.statsd.prefix": cluster_name,
                # Driver/executor JVM memory and GC (JvmSource); task counts come from the executor source and,
                # on the driver, from the app-status source enabled below.
                "driver.source.jvm.class": "org.apache.spark.metrics.source.JvmSource",
                "executor.source.jvm.class": "org.apache.spark.metrics.source.JvmSource",
            },
        },
        {
            "Classification": "spark-defaults",
            "Properties": {
                "spark.metrics.namespace": "${spark.app.name}",
                "spark.metrics.appStatusSource.enabled": "true",
            },
        },
    ]


class ClusterTelemetry(pulumi.ComponentResource):
    """Log groups, generated agent configuration and the bootstrap action for one EMR cluster.

    Create it before the cluster and pass ``bootstrap_action``, ``configurations`` and ``instance_statements``
    (what the nodes need to ship these logs and metrics) to the cluster, which puts the statements into its
    instance role's policy.
    """

    log_group_arns: dict[str, pulumi.Output[str]]
    log_group_names: dict[str, str]
    agent_config_s3_uri: pulumi.Output[str]
    bootstrap_action: aws.emr.ClusterBootstrapActionArgs
    configurations: list[dict[str, Any]]
    """EMR classifications for Spark's StatsD sink (empty when Spark is not among ``applications``)."""
    instance_statements: list[grants.Statement | list[grants.Statement]]
    """What the cluster's instance role needs: write exactly these log groups, publish to exactly the metrics
    namespace, read the agent script and configuration (and decrypt them)."""

    def __init__(self, name: str, args: ClusterTelemetryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:observability:ClusterTelemetry", name, None, opts)
        unknown = sorted(set(args.applications) - set(APPLICATION_LOG_FILES))
        if unknown:
            raise ValueError(
                f"ClusterTelemetryArgs.applications: no log files known for {unknown}; "
                f"use some of {sorted(APPLICATION_LOG_FILES)}"
            )
        child = pulumi.ResourceOptions(parent=self)
        names = log_group_names(pulumi.get_stack(), args.cluster_name, args.applications)
        groups = {
            role: aws.cloudwatch.LogGroup(
                f"{name}-{role}-logs",
                name=group_name,
                retention_in_days=args.log_retention_days,
                kms_key_id=args.logs_kms_key_arn,
                opts=child,
            )
            for role, group_name in names.items()
        }

        prefix = f"{args.artifacts_prefix.strip('/')}/{args.cluster_name}"
        config = agent_config(
            groups=names,
            applications=args.applications,
            metrics_namespace=args.metrics_namespace,
            statsd_port=args.statsd_port,
        )
        config_object = aws.s3.BucketObjectv2(
            f"{name}-agent-config",
            bucket=args.artifacts_bucket_name,
            key=f"{prefix}/cloudwatch-agent.json",
            content=json.dumps(config, indent=2, sort_keys=True),
            content_type="application/json",
            opts=child,
        )
        script_object = aws.s3.BucketObjectv2(
            f"{name}-agent-bootstrap",
            bucket=args.artifacts_bucket_name,
            key=f"{prefix}/cloudwatch-agent.sh",
            content=BOOTSTRAP_SCRIPT.read_text(),
            content_type="text/x-shellscript",
            opts=child,
        )
        config_uri = pulumi.Output.concat("s3://", config_object.bucket, "/", config_object.key)
        self.bootstrap_action = aws.emr.ClusterBootstrapActionArgs(
            name="hybrid-burst-cloudwatch-agent",
            path=pulumi.Output.concat("s3://", script_object.bucket, "/", script_object.key),
            args=[config_uri],
        )
        self.configurations = (
            spark_metrics_configurations(args.cluster_name, args.statsd_port) if "spark" in args.applications else []
        )

        statements: list[grants.Statement | list[grants.Statement]] = [
            grants.logs_write([g.arn for g in groups.values()], sid=f"ship {args.cluster_name} logs"),
            grants.put_metric_data(args.metrics_namespace, sid="publish spark metrics"),
            # EMR fetches the script and the script fetches the config with the instance role's credentials.
            grants.statement(
                "read telemetry artifacts",
                ["s3:GetObject"],
                [
                    pulumi.Output.concat(args.artifacts_bucket_arn, "/", config_object.key),
                    pulumi.Output.concat(args.artifacts_bucket_arn, "/", script_object.key),
                ],
            ),
        ]
        if args.artifacts_kms_key_arn is not None:
            statements.append(grants.kms_use([args.artifacts_kms_key_arn], decrypt_only=True, sid="decrypt artifacts"))
        self.instance_statements = statements

        self.log_group_names = names
        self.log_group_arns = {role: g.arn for role, g in groups.items()}
        self.agent_config_s3_uri = config_uri
        self.register_outputs({"log_group_arns": self.log_group_arns, "agent_config_s3_uri": self.agent_config_s3_uri})

