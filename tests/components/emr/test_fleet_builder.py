"""Fleet plans from every stack's config: invariants, EMR API validation (botocore), pulumi args, cost."""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.config import emr as emr_config
from components.config.emr import ClusterCapacityConfig, FleetRequest
from components.config.stack import deep_merge
from components.emr import fleet_builder as fb
from components.emr import instance_catalog
from components.emr.fleet_builder import ClusterFleets, FleetPlan, InstanceTypeConfig
from scripts.offline.recorder import Plan, read_stack_config
from tests.conftest import in_region

ENVS = ("dev", "staging", "prod")
CLUSTERS = ("onprem", "burst")
P = "hybrid-burst"


def capacity(env: str, cluster: str) -> ClusterCapacityConfig:
    """A stack's capacity config: the preset under the stack file's emr overrides (settings left out: not ours)."""
    given = read_stack_config(env).get(f"{P}:emr", {})
    merged = deep_merge(emr_config._CAPACITY_PRESETS[env], {k: v for k, v in given.items() if k != "settings"})
    return ClusterCapacityConfig.model_validate(merged[cluster])


def az_count(env: str, side: str) -> int:
    net = read_stack_config(env).get(f"{P}:network", {}).get(side, {})
    return int(net.get("azCount", 3))


def fleets(env: str, cluster: str) -> ClusterFleets:
    return fb.plan_cluster_fleets(cluster, capacity(env, cluster))


CASES = [pytest.param(env, cluster, id=f"{env}-{cluster}") for env in ENVS for cluster in CLUSTERS]


# --- invariants per stack ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_fleet_invariants(env: str, cluster: str) -> None:
    cap = capacity(env, cluster)
    plan = fleets(env, cluster)
    primary = plan.primary
    assert primary.role == "MASTER"
    assert (primary.target_on_demand_capacity, primary.target_spot_capacity) == (1, 0)
    assert primary.spot_allocation_strategy is None
    assert "SpotSpecification" not in primary.run_job_flow_fleet()["LaunchSpecifications"]
    assert primary.instance_types == tuple(cap.primary.instance_types)
    assert plan.core.role == "CORE"
    assert plan.core.target_spot_capacity == cap.core.spot_units
    requests: list[tuple[FleetPlan, FleetRequest]] = [(plan.core, cap.core)]
    if cap.task is not None:
        assert plan.task is not None
        assert plan.task.role == "TASK"
        requests.append((plan.task, cap.task))
    for fleet, request in requests:
        assert fleet.target_capacity == request.target_units
        assert fleet.target_spot_capacity == round(request.target_units * request.spot_share)
        n = len(fleet.instance_type_configs)
        assert 1 <= n <= min(request.max_types, 30)
        assert len(set(fleet.instance_types)) == n
        assert fleet.families <= set(request.families)
        # Round-robin diversity: the cap keeps as many families as there are types (up to all of them).
        available = {instance_catalog.family_of(s.instance_type) for s in request.selection().matching}
        assert len(fleet.families) == min(n, len(available))
        smallest_part = min(u for u in (fleet.target_on_demand_capacity, fleet.target_spot_capacity) if u > 0)
        for c in fleet.instance_type_configs:
            spec = instance_catalog.spec(c.instance_type)
            assert c.weighted_capacity == spec.vcpu
            assert c.weighted_capacity <= smallest_part
            assert spec.architecture == request.architecture
            if spec.has_instance_store:
                assert c.ebs_volumes == ()
            else:
                assert [(v.volume_type, v.size_gb) for v in c.ebs_volumes] == [("gp3", max(64, 8 * spec.vcpu))]
        assert fleet.on_demand_allocation_strategy == "lowest-price"
        if fleet.target_spot_capacity:
            assert fleet.spot_allocation_strategy == "price-capacity-optimized"
            assert fleet.spot_timeout_action == request.spot_timeout_action
            assert fleet.spot_timeout_minutes == request.spot_timeout_minutes
        else:
            assert fleet.spot_allocation_strategy is None


@pytest.mark.parametrize("env", ENVS)
def test_core_is_on_demand_and_task_fleets_are_diversified(env: str) -> None:
    for cluster in CLUSTERS:
        plan = fleets(env, cluster)
        assert plan.core.target_spot_capacity == 0, "core fleets stay On-Demand (HDFS, Trino exchange)"
    task = fleets(env, "burst").task
    assert task is not None
    assert task.target_spot_capacity > 0
    assert 15 <= len(task.instance_type_configs) <= 30
    assert len(task.families) >= 3


def test_dev_burst_task_fleet_meets_the_done_when() -> None:
    task = fleets("dev", "burst").task
    assert task is not None
    assert len(task.instance_type_configs) >= 15
    assert len(task.families) >= 3
    subnets = az_count("dev", "compute")
    assert task.capacity_pools(subnets) == len(task.instance_type_configs) * subnets


def test_task_timeout_action_per_environment() -> None:
    actions = {env: fleets(env, "burst").task.spot_timeout_action for env in ENVS}  # type: ignore[union-attr]
    assert actions == {"dev": "TERMINATE_CLUSTER", "staging": "SWITCH_TO_ON_DEMAND", "prod": "SWITCH_TO_ON_DEMAND"}


# --- botocore validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_every_stack_passes_botocore_validation(env: str, cluster: str) -> None:
    side = "onprem" if cluster == "onprem" else "compute"
    subnets = fb.placeholder_subnet_ids(az_count(env, side))
    fb.validate_with_botocore(fleets(env, cluster), subnets, release_label="emr-7.5.0")


def _broken_task(**changes: Any) -> ClusterFleets:
    plan = fleets("dev", "burst")
    assert plan.task is not None
    return dataclasses.replace(plan, task=dataclasses.replace(plan.task, **changes))


def _thirty_one_types() -> tuple[InstanceTypeConfig, ...]:
    specs = [s for s in instance_catalog.catalog().values() if s.architecture == "x86_64" and s.vcpu <= 16][:31]
    return tuple(InstanceTypeConfig(s.instance_type, s.vcpu, fb.ebs_volumes_for(s)) for s in specs)


@pytest.mark.parametrize(
    ("broken", "needle"),
    [
        pytest.param(
            lambda: _broken_task(instance_type_configs=_thirty_one_types()), "lists 31 instance types", id="31-types"
        ),
        pytest.param(
            lambda: _broken_task(spot_timeout_action="TERMINATE"), "'TERMINATE' is not one of", id="timeout-action"
        ),
        pytest.param(
            lambda: _broken_task(spot_allocation_strategy="cheapest"), "'cheapest' is not one of", id="strategy"
        ),
        pytest.param(lambda: _broken_task(spot_timeout_minutes=2), "5-1440 minutes", id="timeout-minutes"),
        pytest.param(
            lambda: _broken_task(target_spot_capacity=-1),
            "Invalid value for parameter Instances.InstanceFleets[*].TargetSpotCapacity, value: -1",
            id="negative-target",
        ),
        pytest.param(
            lambda: _broken_task(instance_type_configs=(InstanceTypeConfig("", 4, ()),)),
            "Invalid length for parameter Instances.InstanceFleets[*].InstanceTypeConfigs[0].InstanceType",
            id="empty-type",
        ),
    ],
)
def test_broken_task_fleet_fails_naming_the_fleet(broken: Callable[[], ClusterFleets], needle: str) -> None:
    with pytest.raises(ValueError, match="does not validate against the EMR API model") as caught:
        fb.validate_with_botocore(broken(), fb.placeholder_subnet_ids(3), release_label="emr-7.5.0")
    message = str(caught.value)
    assert "fleet burst-task [TASK] (hybrid-burst:emr.burst.task)" in message
    assert needle in message


def test_spot_primary_fails_validation() -> None:
    plan = fleets("dev", "burst")
    spot_primary = dataclasses.replace(
        plan,
        primary=dataclasses.replace(
            plan.primary,
            target_on_demand_capacity=0,
            target_spot_capacity=1,
            spot_allocation_strategy="price-capacity-optimized",
            spot_timeout_minutes=10,
            spot_timeout_action="SWITCH_TO_ON_DEMAND",
        ),
    )
    with pytest.raises(ValueError, match=r"fleet burst-primary \[MASTER\].*exactly 1 On-Demand unit"):
        fb.validate_with_botocore(spot_primary, fb.placeholder_subnet_ids(3), release_label="emr-7.5.0")


def test_without_allocation_strategy_the_limit_is_five_types() -> None:
    plan = fleets("dev", "burst")
    no_strategy = dataclasses.replace(plan, core=dataclasses.replace(plan.core, on_demand_allocation_strategy=""))
    with pytest.raises(ValueError, match=r"burst-task \[TASK\].*lists 30 instance types; 5 is the EMR maximum"):
        fb.validate_with_botocore(no_strategy, fb.placeholder_subnet_ids(3), release_label="emr-7.5.0")


def test_one_subnet_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 2 private subnets"):
        fb.validate_with_botocore(fleets("dev", "burst"), ["subnet-0123456789abcdef0"], release_label="emr-7.5.0")


# --- bad requests -----------------------------------------------------------------------------------------------


def test_capacity_that_cannot_be_met_names_the_key() -> None:
    request = FleetRequest.model_construct(
        **{**capacity("dev", "burst").core.model_dump(), "families": ["m6i", "r6i"], "local_nvme": "required"}
    )
    with pytest.raises(ValueError, match=r"hybrid-burst:emr.burst.core: the capacity cannot be met"):
        fb.plan_fleet("CORE", "burst", request, key="hybrid-burst:emr.burst.core")


def test_renderers_refuse_the_wrong_role() -> None:
    plan = fleets("dev", "burst")
    with pytest.raises(ValueError, match="renders MASTER fleets only"):
        plan.core.master_args()
    with pytest.raises(ValueError, match="renders TASK fleets only"):
        plan.primary.instance_fleet_kwargs()


# --- pulumi-aws args, recorded -----------------------------------------------------------------------------------


def test_pulumi_args_record_the_expected_properties(run_program: Callable[..., Plan]) -> None:
    plan = fleets("dev", "burst")
    assert plan.task is not None
    task = plan.task

    def program() -> None:
        cluster = aws.emr.Cluster(
            "c",
            release_label="emr-7.5.0",
            service_role="arn:aws:iam::123456789012:role/emr",
            master_instance_fleet=plan.primary.master_args(),
            core_instance_fleet=plan.core.core_args(),
            opts=in_region(),
        )
        aws.emr.InstanceFleet(
            "t",
            cluster_id=cluster.id,
            opts=pulumi.ResourceOptions(provider=cluster.get_provider("aws:emr")),
            **task.instance_fleet_kwargs(),
        )

    recorded = run_program(program)
    cluster = recorded.one("aws:emr/cluster:Cluster")
    master = cluster.inputs["masterInstanceFleet"]
    assert master["targetOnDemandCapacity"] == 1
    assert "targetSpotCapacity" not in master
    assert master["launchSpecifications"]["onDemandSpecifications"] == [{"allocationStrategy": "lowest-price"}]
    core = cluster.inputs["coreInstanceFleet"]
    assert [c["instanceType"] for c in core["instanceTypeConfigs"]] == list(plan.core.instance_types)
    assert all(c["ebsConfigs"][0]["type"] == "gp3" for c in core["instanceTypeConfigs"])
    fleet = recorded.one("aws:emr/instanceFleet:InstanceFleet")
    assert fleet.inputs["targetSpotCapacity"] == task.target_spot_capacity
    assert len(fleet.inputs["instanceTypeConfigs"]) == len(task.instance_type_configs)
    assert {c["weightedCapacity"] for c in fleet.inputs["instanceTypeConfigs"]} == {
        c.weighted_capacity for c in task.instance_type_configs
    }
    spot = fleet.inputs["launchSpecifications"]["spotSpecifications"]
    assert spot == [
        {
            "allocationStrategy": "price-capacity-optimized",
            "timeoutAction": task.spot_timeout_action,
            "timeoutDurationMinutes": task.spot_timeout_minutes,
        }
    ]


# --- cost -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_cost_arithmetic_matches_the_catalog(env: str, cluster: str) -> None:
    region = "us-west-1" if cluster == "onprem" else "us-east-1"
    discount = 0.6
    plan = fleets(env, cluster)
    est = fb.hourly_cost(plan, region, discount)
    assert [r.fleet for r in est.rows] == [f.name for f in plan.all]
    for fleet, row in zip(plan.all, est.rows, strict=True):
        specs = [(instance_catalog.spec(c.instance_type), c.weighted_capacity) for c in fleet.instance_type_configs]
        ec2 = [s.od_usd_per_hour[region] / w for s, w in specs]
        emr = [s.emr_usd_per_hour / w for s, w in specs]
        i = ec2.index(min(ec2))
        od, spot = fleet.target_on_demand_capacity, fleet.target_spot_capacity
        assert row.on_demand_ec2 == pytest.approx(od * ec2[i])
        assert row.spot_ec2 == pytest.approx(spot * statistics.median(ec2) * (1 - discount))
        assert row.emr_uplift == pytest.approx(od * emr[i] + spot * statistics.median(emr))
        assert row.total == pytest.approx(row.on_demand_ec2 + row.spot_ec2 + row.emr_uplift)
        assert row.low - 1e-9 <= row.total <= row.high + 1e-9
    assert est.total == pytest.approx(sum(r.total for r in est.rows))
    assert est.price_date == instance_catalog.meta().price_date
    assert "Estimate" in est.assumptions
    assert f"{discount:.0%} Spot discount" in est.assumptions


def test_spot_discount_only_moves_spot_rows() -> None:
    plan = fleets("prod", "burst")
    cheap, dear = fb.hourly_cost(plan, "us-east-1", 0.7), fb.hourly_cost(plan, "us-east-1", 0.5)
    for a, b in zip(cheap.rows, dear.rows, strict=True):
        assert a.on_demand_ec2 == b.on_demand_ec2
        assert a.emr_uplift == b.emr_uplift
        assert (a.spot_ec2 < b.spot_ec2) == (a.spot_units > 0)
    with pytest.raises(ValueError, match="spot_discount"):
        fb.hourly_cost(plan, "us-east-1", 1.0)
