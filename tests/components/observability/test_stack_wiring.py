"""The real program: every stack's plan holds the telemetry log groups, the alarm topics, the alarms, the event
rules, the dashboard and (where enabled) the FIS template, wired to the clusters and thresholds of its config."""

from __future__ import annotations

import json

import pytest

from components.config import load_stack_config
from components.config.stack import StackConfig
from scripts.offline.recorder import Plan, read_stack_config
from tests.components.observability.conftest import record_stack_once

STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="module", params=STACKS)
def stack(request: pytest.FixtureRequest) -> tuple[Plan, StackConfig]:
    name = str(request.param)
    return record_stack_once(name), load_stack_config(read_stack_config(name), stack=name)


def test_every_log_group_is_kms_encrypted_with_retention(stack: tuple[Plan, StackConfig]) -> None:
    plan, _ = stack
    groups = plan.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert groups
    for g in groups:
        assert g.inputs.get("kmsKeyId"), g.urn
        assert g.inputs.get("retentionInDays"), g.urn


def test_observability_resources_exist_per_region(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    topics = plan.of_type("aws:sns/topic:Topic")
    assert {t.region for t in topics if "alarms" in t.inputs["name"]} == {cfg.regions.onprem, cfg.regions.compute}
    assert all(t.inputs.get("kmsMasterKeyId") for t in topics)
    assert len(plan.of_type("aws:cloudwatch/dashboard:Dashboard")) == 1
    assert {r.region for r in plan.of_type("aws:cloudwatch/eventRule:EventRule")} == {
        cfg.regions.onprem,
        cfg.regions.compute,
    }
    step_groups = [g for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"].endswith("/steps")]
    assert len(step_groups) == 2


def test_alarms_use_the_configured_thresholds_and_point_at_their_regions_topic(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    topic_by_region = {t.region: t.outputs["arn"] for t in plan.of_type("aws:sns/topic:Topic")}
    cluster_ids = {c.outputs["id"] for c in plan.of_type("aws:emr/cluster:Cluster")}
    alarms = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarms
    th = cfg.observability.thresholds
    expected = {
        "HDFSUtilization": th.hdfs_utilization_percent,
        "ContainerPending": th.pending_containers,
        "MRUnhealthyNodes": th.unhealthy_nodes,
    }
    for alarm in alarms:
        assert alarm.inputs["threshold"] == expected[alarm.inputs["metricName"]]
        assert alarm.inputs["alarmActions"] == [topic_by_region[alarm.region]]
        assert alarm.inputs["dimensions"]["JobFlowId"] in cluster_ids
    for composite in plan.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"):
        assert composite.inputs["alarmActions"] == [topic_by_region[composite.region]]


def test_dashboard_references_only_our_clusters(stack: tuple[Plan, StackConfig]) -> None:
    plan, _ = stack
    cluster_ids = {c.outputs["id"] for c in plan.of_type("aws:emr/cluster:Cluster")}
    body = json.loads(plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    referenced = {
        row[3]
        for w in body["widgets"]
        if w["type"] == "metric"
        for row in w["properties"]["metrics"]
        if row[0] == "AWS/ElasticMapReduce"
    }
    assert referenced == cluster_ids


def test_fis_template_follows_config(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    templates = plan.of_type("aws:fis/experimentTemplate:ExperimentTemplate")
    task = cfg.emr.burst.task
    enabled = cfg.observability.fis.enabled and task is not None and task.spot_share > 0
    assert len(templates) == (1 if enabled else 0)
    if templates:
        (target,) = templates[0].inputs["targets"]
        assert target["selectionMode"] == cfg.observability.fis.selection_mode
        degraded = [c for c in plan.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm") if "burst" in c.name]
        assert templates[0].inputs["stopConditions"][0]["value"] == degraded[0].outputs["arn"]


def test_instance_roles_get_the_telemetry_grant(stack: tuple[Plan, StackConfig]) -> None:
    """Each cluster's instance role policy ships its own log groups and publishes to the metrics namespace; no
    policy is attached to the role from outside the cluster."""
    plan, cfg = stack
    assert [p for p in plan.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-telemetry-publish")] == []
    groups = {g.inputs["name"]: g.outputs["arn"] for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for cluster in ("onprem", "burst"):
        policy = plan.one("aws:iam/rolePolicy:RolePolicy", f"{cluster}-roles-instance")
        statements = json.loads(policy.inputs["policy"])["Statement"]
        logs = next(s for s in statements if "logs:PutLogEvents" in s["Action"])
        own = {arn for name, arn in groups.items() if f"/emr/{cluster}/" in name}
        assert own
        assert {r.removesuffix(":log-stream:*") for r in logs["Resource"]} == own
        metric = next(s for s in statements if s["Action"] == ["cloudwatch:PutMetricData"])
        assert metric["Condition"] == {"StringEquals": {"cloudwatch:namespace": cfg.observability.metrics_namespace}}
