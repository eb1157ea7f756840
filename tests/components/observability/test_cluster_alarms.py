"""ClusterAlarms: EMR alarms on our cluster id with the given thresholds, all notifying the topic, plus a
composite "degraded" alarm over exactly those alarms."""

from __future__ import annotations

import pytest

from components.observability.cluster_alarms import EMR_NAMESPACE, ClusterAlarms, ClusterAlarmsArgs
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import BURST_ID, record_once
from tests.conftest import in_region

TOPIC = "arn:aws:sns:us-east-1:123456789012:hybrid-burst-test-alarms"
ARGS = ClusterAlarmsArgs(
    cluster_name="burst",
    cluster_id=BURST_ID,
    topic_arn=TOPIC,
    hdfs_utilization_percent=72.5,
    pending_containers=33,
    pending_periods=4,
    unhealthy_nodes=2,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return record_once(lambda: ClusterAlarms("burst-alarms", ARGS, opts=in_region()))


def test_alarms_watch_our_cluster_with_the_given_thresholds(plan: Plan) -> None:
    alarms = {a.inputs["metricName"]: a for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {"HDFSUtilization", "ContainerPending", "MRUnhealthyNodes"}
    for alarm in alarms.values():
        assert alarm.inputs["namespace"] == EMR_NAMESPACE
        assert alarm.inputs["dimensions"] == {"JobFlowId": BURST_ID}
        assert alarm.inputs["alarmActions"] == [TOPIC]
        assert alarm.inputs["okActions"] == [TOPIC]
    assert alarms["HDFSUtilization"].inputs["threshold"] == ARGS.hdfs_utilization_percent
    assert alarms["ContainerPending"].inputs["threshold"] == ARGS.pending_containers
    assert alarms["ContainerPending"].inputs["evaluationPeriods"] == ARGS.pending_periods
    assert alarms["MRUnhealthyNodes"].inputs["threshold"] == ARGS.unhealthy_nodes


def test_composite_degraded_alarm_covers_every_alarm_and_notifies(plan: Plan) -> None:
    names = {a.inputs["name"] for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    composite = plan.one("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    rule = composite.inputs["alarmRule"]
    assert {part.strip()[len('ALARM("'):-2] for part in rule.split(" OR ")} == names
    assert composite.inputs["alarmActions"] == [TOPIC]
