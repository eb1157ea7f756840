"""BurstDashboard: valid dashboard JSON whose EMR metrics reference only our clusters, with every widget the
burst needs, and a peering metric filter on the flow-log group."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.observability.burst_dashboard import (
    EMR_NAMESPACE,
    PEERING_METRIC,
    BurstDashboard,
    BurstDashboardArgs,
    DashboardCluster,
    dst_prefix_pattern,
)
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import BURST_ID, ONPREM_ID, record_once
from tests.conftest import in_region

ALARM = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:hybrid-burst-test-burst-degraded"
CLUSTERS = (
    DashboardCluster(name="onprem", region="us-west-1", cluster_id=ONPREM_ID),
    DashboardCluster(name="burst", region="us-east-1", cluster_id=BURST_ID, has_task_fleet=True),
)
REQUIRED_EMR_METRICS = {
    "YARNMemoryAvailablePercentage", "ContainerPending", "AppsRunning", "AppsPending", "HDFSUtilization",
    "CoreNodesRunning", "TaskNodesRunning", "IsIdle", "MRUnhealthyNodes", "TaskUnitsRequested", "TaskUnitsRunning",
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return record_once(
        lambda: BurstDashboard(
            "burst",
            BurstDashboardArgs(
                clusters=CLUSTERS,
                alarm_arns=[ALARM],
                peering_flow_log_group_name="/hybrid-burst/test/vpc/compute/flow-logs",
                peering_remote_cidr="10.10.0.0/16",
                region="us-east-1",
            ),
            opts=in_region(),
        )
    )


def _body(plan: Plan) -> dict[str, Any]:
    return dict(json.loads(plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]))


def _metric_rows(body: dict[str, Any]) -> list[list[Any]]:
    return [row for w in body["widgets"] if w["type"] == "metric" for row in w["properties"]["metrics"]]


def test_body_is_valid_dashboard_json(plan: Plan) -> None:
    body = _body(plan)
    assert body["widgets"]
    for widget in body["widgets"]:
        assert widget["type"] in {"metric", "alarm"}
        assert {"x", "y", "width", "height", "properties"} <= set(widget)
        assert widget["x"] >= 0
        assert widget["x"] + widget["width"] <= 24
        if widget["type"] == "metric":
            assert widget["properties"]["region"]
            assert widget["properties"]["metrics"]


def test_emr_metrics_reference_only_our_clusters_in_their_regions(plan: Plan) -> None:
    regions = {c.cluster_id: c.region for c in CLUSTERS}
    seen: set[str] = set()
    for row in _metric_rows(_body(plan)):
        if row[0] != EMR_NAMESPACE:
            continue
        _, metric, dim, cid, opts = row
        assert dim == "JobFlowId"
        assert cid in regions, f"{metric} references a foreign cluster {cid}"
        assert opts["region"] == regions[cid]
        seen.add(metric)
    assert seen >= REQUIRED_EMR_METRICS


def test_task_fleet_capacity_only_for_clusters_with_a_task_fleet(plan: Plan) -> None:
    with_fleet = {c.cluster_id for c in CLUSTERS if c.has_task_fleet}
    for row in _metric_rows(_body(plan)):
        if row[0] == EMR_NAMESPACE and row[1].startswith("TaskUnits"):
            assert row[3] in with_fleet


def test_spark_searches_and_peering_and_alarm_widgets(plan: Plan) -> None:
    body = _body(plan)
    expressions = [r[0]["expression"] for r in _metric_rows(body) if isinstance(r[0], dict)]
    assert expressions
    assert all("HybridBurst/Spark" in e for e in expressions)
    assert {c.name for c in CLUSTERS} <= {e.split("} ")[1].split()[0] for e in expressions}
    assert any(r[1] == PEERING_METRIC for r in _metric_rows(body) if isinstance(r[0], str))
    alarm_widgets = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert alarm_widgets[0]["properties"]["alarms"] == [ALARM]


def test_peering_metric_filter_counts_bytes_to_the_remote_cidr(plan: Plan) -> None:
    mf = plan.one("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert mf.inputs["logGroupName"] == "/hybrid-burst/test/vpc/compute/flow-logs"
    assert 'dstaddr="10.10.*"' in mf.inputs["pattern"]
    assert mf.inputs["metricTransformation"]["value"] == "$bytes"


@pytest.mark.parametrize(
    ("cidr", "prefixes"),
    [("10.10.0.0/16", ["10.10."]), ("10.10.0.0/23", ["10.10.0.", "10.10.1."]), ("10.0.0.0/9", None)],
)
def test_dst_prefix_pattern(cidr: str, prefixes: list[str] | None) -> None:
    if prefixes is None:
        with pytest.raises(ValueError, match="octet-aligned"):
            dst_prefix_pattern(cidr)
        return
    pattern = dst_prefix_pattern(cidr)
    assert pattern.startswith("[")
    assert pattern.endswith("]")
    assert pattern.count("dstaddr=") == len(prefixes)
    for p in prefixes:
        assert f'dstaddr="{p}*"' in pattern
