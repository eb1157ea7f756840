"""Fleet plans from every stack's config: invariants per stack, diversity, timeouts, capacity that cannot be met."""

from __future__ import annotations

import pytest

from components.config.emr import FleetRequest
from components.emr.fleets import catalog
from components.emr.fleets.plan import FleetPlan, plan_fleet
from components.emr.fleets.render import run_job_flow_fleet
from tests.components.emr.fleets._stacks import CASES, CLUSTERS, ENVS, az_count, capacity, fleets

# --- invariants per stack ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_fleet_invariants(env: str, cluster: str) -> None:
    cap = capacity(env, cluster)
    plan = fleets(env, cluster)
    primary = plan.primary
    assert primary.role == "MASTER"
    assert (primary.target_on_demand_capacity, primary.target_spot_capacity) == (1, 0)
    assert primary.spot_allocation_strategy is None
    assert "SpotSpecification" not in run_job_flow_fleet(primary)["LaunchSpecifications"]
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
        available = {catalog.family_of(s.instance_type) for s in request.selection().matching}
        assert len(fleet.families) == min(n, len(available))
        smallest_part = min(u for u in (fleet.target_on_demand_capacity, fleet.target_spot_capacity) if u > 0)
        for c in fleet.instance_type_configs:
            spec = catalog.spec(c.instance_type)
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


def test_no_stack_ends_its_cluster_when_spot_is_short_at_launch() -> None:
    """Issue 10 item 9: TERMINATE_CLUSTER on the burst task fleet ends the whole cluster (primary and core too)
    when Spot is short at creation; every stack falls back to On-Demand instead (docs/emr-fleets.md)."""
    actions = {env: fleets(env, "burst").task.spot_timeout_action for env in ENVS}  # type: ignore[union-attr]
    assert actions == {"dev": "SWITCH_TO_ON_DEMAND", "staging": "SWITCH_TO_ON_DEMAND", "prod": "SWITCH_TO_ON_DEMAND"}
    timeouts = {env: fleets(env, "burst").task.spot_timeout_minutes for env in ENVS}  # type: ignore[union-attr]
    assert timeouts == {"dev": 10, "staging": 20, "prod": 20}


# --- bad requests -----------------------------------------------------------------------------------------------


def test_capacity_that_cannot_be_met_names_the_key() -> None:
    request = FleetRequest.model_construct(
        **{**capacity("dev", "burst").core.model_dump(), "families": ["m6i", "r6i"], "local_nvme": "required"}
    )
    with pytest.raises(ValueError, match=r"hybrid-burst:emr.burst.core: the capacity cannot be met"):
        plan_fleet("CORE", "burst", request, key="hybrid-burst:emr.burst.core")
