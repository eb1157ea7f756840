"""ClusterTelemetry: encrypted log groups, a generated agent configuration that ships exactly those groups, a
shellcheck-clean bootstrap script, Spark's StatsD sink pointed at the agent, and least-privilege statements for
the cluster's instance role."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.observability.cluster_telemetry import (
    BOOTSTRAP_SCRIPT,
    STEP_LOG_FILES,
    ClusterTelemetry,
    ClusterTelemetryArgs,
)
from components.security import grants
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import BUCKET, BUCKET_ARN, KEY_ARN, record_once
from tests.conftest import in_region
from tests.tools import tool

T_GROUP = "aws:cloudwatch/logGroup:LogGroup"
T_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
T_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ARGS = ClusterTelemetryArgs(
    cluster_name="burst",
    artifacts_bucket_name=BUCKET,
    artifacts_bucket_arn=BUCKET_ARN,
    logs_kms_key_arn=KEY_ARN,
    log_retention_days=14,
    applications=("spark", "trino"),
    metrics_namespace="HybridBurst/Test",
    statsd_port=8200,
)
captured: dict[str, Any] = {}


@pytest.fixture(scope="module")
def plan() -> Plan:
    def program() -> None:
        tel = ClusterTelemetry("burst-telemetry", ARGS, opts=in_region())
        pulumi.export("instance_policy", grants.policy_document(tel.instance_statements))
        captured["configurations"] = tel.configurations
        captured["bootstrap"] = tel.bootstrap_action
        pulumi.export("bootstrap_path", tel.bootstrap_action.path)
        pulumi.export("bootstrap_args", tel.bootstrap_action.args)

    return record_once(program)


def _agent_config(plan: Plan) -> dict[str, Any]:
    obj = next(o for o in plan.of_type(T_OBJECT) if o.inputs["key"].endswith(".json"))
    return dict(json.loads(obj.inputs["content"]))


def test_every_log_group_is_kms_encrypted_with_the_given_retention(plan: Plan) -> None:
    groups = plan.of_type(T_GROUP)
    assert {g.inputs["name"].rsplit("/", 1)[1] for g in groups} == {"steps", *ARGS.applications}
    for g in groups:
        assert g.inputs["kmsKeyId"] == KEY_ARN
        assert g.inputs["retentionInDays"] == ARGS.log_retention_days
        assert g.region == "us-east-1"


def test_agent_config_ships_step_streams_and_app_logs_to_our_groups_only(plan: Plan) -> None:
    config = _agent_config(plan)
    group_names = {g.inputs["name"] for g in plan.of_type(T_GROUP)}
    collect = config["logs"]["logs_collected"]["files"]["collect_list"]
    assert {e["log_group_name"] for e in collect} == group_names
    steps = [e for e in collect if e["log_group_name"].endswith("/steps")]
    streams = {e["log_stream_name"] for e in steps}
    assert streams == set(STEP_LOG_FILES) == {"step-stdout", "step-stderr", "step-controller"}
    for entry in collect:
        assert entry["file_path"].startswith("/")


def test_agent_publishes_statsd_metrics_to_the_namespace_on_localhost(plan: Plan) -> None:
    metrics = _agent_config(plan)["metrics"]
    assert metrics["namespace"] == ARGS.metrics_namespace
    assert metrics["metrics_collected"]["statsd"]["service_address"] == f"127.0.0.1:{ARGS.statsd_port}"


def test_spark_statsd_sink_points_at_the_agent_with_jvm_sources(plan: Plan) -> None:
    by_class = {c["Classification"]: c["Properties"] for c in captured["configurations"]}
    sink = by_class["spark-metrics"]
    assert sink["*.sink.statsd.class"] == "org.apache.spark.metrics.sink.StatsdSink"
    assert (sink["*.sink.statsd.host"], sink["*.sink.statsd.port"]) == ("127.0.0.1", str(ARGS.statsd_port))
    assert sink["*.sink.statsd.prefix"] == ARGS.cluster_name
    assert sink["driver.source.jvm.class"] == sink["executor.source.jvm.class"]
    assert by_class["spark-defaults"]["spark.metrics.appStatusSource.enabled"] == "true"


def test_bootstrap_action_runs_the_uploaded_script_with_the_uploaded_config(plan: Plan) -> None:
    objects = {o.inputs["key"]: o for o in plan.of_type(T_OBJECT)}
    script = next(o for k, o in objects.items() if k.endswith(".sh"))
    assert script.inputs["content"] == BOOTSTRAP_SCRIPT.read_text()
    assert all(o.inputs["bucket"] == BUCKET for o in objects.values())
    config_key = next(k for k in objects if k.endswith(".json"))
    assert plan.outputs["bootstrap_path"] == f"s3://{BUCKET}/{script.inputs['key']}"
    assert plan.outputs["bootstrap_args"] == [f"s3://{BUCKET}/{config_key}"]


def test_bootstrap_script_passes_shellcheck() -> None:
    shellcheck = tool("shellcheck")
    result = subprocess.run(
        [shellcheck, "-s", "bash", str(BOOTSTRAP_SCRIPT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def _policy(plan: Plan) -> dict[str, Any]:
    return dict(json.loads(plan.outputs["instance_policy"]))


def test_telemetry_grants_nothing_itself(plan: Plan) -> None:
    """The statements go into the cluster's instance role policy; the component attaches no policy of its own."""
    assert plan.of_type(T_ROLE_POLICY) == []


def test_instance_role_writes_exactly_these_groups_and_one_namespace(plan: Plan) -> None:
    stmts = {s["Sid"]: s for s in _policy(plan)["Statement"]}
    logs = next(s for s in stmts.values() if "logs:PutLogEvents" in s["Action"])
    group_arns = {g.outputs["arn"] for g in plan.of_type(T_GROUP)}
    resources = logs["Resource"] if isinstance(logs["Resource"], list) else [logs["Resource"]]
    assert {r.removesuffix(":log-stream:*") for r in resources} == group_arns
    metric = next(s for s in stmts.values() if s["Action"] == ["cloudwatch:PutMetricData"])
    assert metric["Condition"] == {"StringEquals": {"cloudwatch:namespace": ARGS.metrics_namespace}}


def test_instance_role_policy_is_parliament_clean(plan: Plan) -> None:
    findings = analyze_policy_string(json.dumps(_policy(plan))).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_unknown_application_is_rejected(run_program: Any) -> None:
    def program() -> None:
        ClusterTelemetry(
            "bad",
            ClusterTelemetryArgs(
                cluster_name="x",
                artifacts_bucket_name=BUCKET,
                artifacts_bucket_arn=BUCKET_ARN,
                logs_kms_key_arn=KEY_ARN,
                applications=("flink",),
            ),
            opts=in_region(),
        )

    with pytest.raises(Exception, match="flink"):
        run_program(program)
