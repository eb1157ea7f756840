"""Configured values reach the resources: each shipped stack's recorded plan, walked resource by resource, against
that stack's validated config (issue 14 item 1: prod's EMR on EKS job log group kept a component default of 30 days
while ``observability.logRetentionDays`` said 365).

Every resource of a checked type must be matched to the config key it comes from; a resource the table does not
know fails the test too, so a new log group, alarm or lifecycle rule cannot slip past it.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.config import load_stack_config
from components.config.stack import StackConfig
from scripts.offline.recorder import Plan, RecordedResource, available_stacks, read_stack_config
from tests import plan_cache

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
NODE_GROUP = "eks:index:ManagedNodeGroup"
EKS_CLUSTER = "eks:index:Cluster"
FIS_TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
REGIONAL_NETWORK = "hybrid-burst:network:RegionalNetwork"


@pytest.fixture(scope="module", params=available_stacks())
def stack(request: pytest.FixtureRequest) -> tuple[Plan, StackConfig]:
    name = str(request.param)
    return plan_cache.recorded(name), load_stack_config(read_stack_config(name), stack=name)



def expected_retention(plan: Plan, cfg: StackConfig, group: RecordedResource) -> tuple[str, int]:
    """(config key, days) a log group's retention comes from."""
    component = plan.component_of(group)
    if component is not None and component.type == REGIONAL_NETWORK:
        side = component.name
        network = getattr(cfg.network, side)
        return f"network.{side}.flowLogRetentionDays", network.flow_log_retention_days
    return "observability.logRetentionDays", cfg.observability.log_retention_days


def test_every_log_group_keeps_the_configured_retention(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    groups = plan.of_type(LOG_GROUP)
    assert groups
    wrong = []
    for g in groups:
        key, days = expected_retention(plan, cfg, g)
        if g.inputs.get("retentionInDays") != days:
            wrong.append(f"{g.inputs.get('name')}: {g.inputs.get('retentionInDays')} days, {key} says {days}")
    assert not wrong, f"stack {cfg.stack}: " + "; ".join(wrong)


def test_every_metric_alarm_uses_the_configured_threshold_and_periods(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    th = cfg.observability.thresholds
    # metric -> (threshold, evaluation periods or None where the component fixes it and no key configures it)
    expected: dict[str, tuple[float, int | None]] = {
        "HDFSUtilization": (th.hdfs_utilization_percent, None),
        "ContainerPending": (float(th.pending_containers), th.pending_periods),
        "MRUnhealthyNodes": (float(th.unhealthy_nodes), None),
    }
    alarms = plan.of_type(METRIC_ALARM)
    assert alarms
    for alarm in alarms:
        metric = alarm.inputs["metricName"]
        assert metric in expected, f"{alarm.name}: metric {metric} is not tied to a config key in this test"
        threshold, periods = expected[metric]
        assert alarm.inputs["threshold"] == threshold, alarm.name
        if periods is not None:
            assert alarm.inputs["evaluationPeriods"] == periods, alarm.name


def _lifecycle_expectations(cfg: StackConfig) -> dict[str, dict[str, Any]]:
    life = cfg.lake.lifecycle
    common = {
        "noncurrentDays": life.noncurrent_version_expiration_days,
        "abortDays": life.abort_incomplete_multipart_days,
    }
    scratch = {"noncurrentDays": 1, "abortDays": 1}  # exchange is scratch by design (StorageZones)
    return {
        "access-logs": {**common, "expirationDays": life.access_logs_expiration_days},
        "logs": {**common, "expirationDays": life.logs_expiration_days},
        "results": {**common, "expirationDays": life.results_expiration_days},
        "exchange": {**scratch, "expirationDays": life.exchange_expiration_days},
        "raw": {
            **common,
            "transition": [{"storageClass": life.raw_transition_storage_class, "days": life.raw_transition_days}],
        },
        "curated": common,
        "artifacts": common,
    }


def test_every_lifecycle_rule_uses_the_configured_days(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    expectations = _lifecycle_expectations(cfg)
    configs = plan.of_type(LIFECYCLE)
    assert configs
    for lc in configs:
        (rule,) = lc.inputs["rules"]
        zone = rule["id"].removesuffix("-lifecycle")
        assert zone in expectations, f"{lc.name}: zone {zone} is not tied to config keys in this test"
        want = expectations[zone]
        got = {
            "noncurrentDays": rule["noncurrentVersionExpiration"]["noncurrentDays"],
            "abortDays": rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"],
        }
        if "expiration" in rule:
            got["expirationDays"] = rule["expiration"]["days"]
        if "transitions" in rule:
            got["transition"] = rule["transitions"]
        assert got == want, f"{lc.name}: {got} but hybrid-burst:lake.lifecycle says {want}"


def test_eks_node_groups_and_version_follow_the_config(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    groups = plan.of_type(NODE_GROUP)
    if not cfg.eks.enabled:
        assert not groups
        return
    pools = {"spot": cfg.eks.spot, "system": cfg.eks.system}
    assert {g.name.rsplit("-", 1)[-1] for g in groups} == set(pools)
    for g in groups:
        pool = pools[g.name.rsplit("-", 1)[-1]]
        assert g.inputs["scalingConfig"] == {
            "minSize": pool.min_size,
            "desiredSize": pool.desired_size,
            "maxSize": pool.max_size,
        }, g.name
        assert g.inputs["instanceTypes"] == list(pool.instance_types), g.name
    assert plan.one(EKS_CLUSTER).inputs["version"] == cfg.eks.kubernetes_version


def test_fis_drill_uses_the_configured_selection_mode(stack: tuple[Plan, StackConfig]) -> None:
    plan, cfg = stack
    for template in plan.of_type(FIS_TEMPLATE):
        modes = {t["selectionMode"] for t in template.inputs["targets"]}
        assert modes == {cfg.observability.fis.selection_mode}, template.name


def test_a_component_default_that_overrides_the_config_is_caught() -> None:
    """The walker is not vacuous: a stack whose EMR on EKS log group kept 30 days while the config says 365 (the
    old behaviour) is reported."""
    plan, cfg = plan_cache.recorded("prod"), load_stack_config(read_stack_config("prod"), stack="prod")
    group = next(g for g in plan.of_type(LOG_GROUP) if "emr-on-eks" in g.inputs["name"])
    group.inputs["retentionInDays"] = 30
    with pytest.raises(AssertionError, match=r"emr-on-eks.*30 days, observability.logRetentionDays says 365"):
        test_every_log_group_keeps_the_configured_retention((plan, cfg))
