"""Fleet validation against botocore's EMR RunJobFlow model and the EMR limits the model omits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from components.emr.fleets import catalog
from components.emr.fleets.plan import ClusterFleets, InstanceTypeConfig, ebs_volumes_for
from components.emr.fleets.validate import placeholder_subnet_ids, validate_with_botocore
from tests.components.emr.fleets._stacks import CASES, az_count, fleets

# --- botocore validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_every_stack_passes_botocore_validation(env: str, cluster: str) -> None:
    side = "onprem" if cluster == "onprem" else "compute"
    subnets = placeholder_subnet_ids(az_count(env, side))
    validate_with_botocore(fleets(env, cluster), subnets, release_label="emr-7.5.0")


def _broken_task(**changes: Any) -> ClusterFleets:
    plan = fleets("dev", "burst")
    assert plan.task is not None
    return dataclasses.replace(plan, task=dataclasses.replace(plan.task, **changes))


def _thirty_one_types() -> tuple[InstanceTypeConfig, ...]:
    specs = [s for s in catalog.catalog().values() if s.architecture == "x86_64" and s.vcpu <= 16][:31]
    return tuple(InstanceTypeConfig(s.instance_type, s.vcpu, ebs_volumes_for(s)) for s in specs)


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
        validate_with_botocore(broken(), placeholder_subnet_ids(3), release_label="emr-7.5.0")
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
        validate_with_botocore(spot_primary, placeholder_subnet_ids(3), release_label="emr-7.5.0")


def test_without_allocation_strategy_the_limit_is_five_types() -> None:
    plan = fleets("dev", "burst")
    no_strategy = dataclasses.replace(plan, core=dataclasses.replace(plan.core, on_demand_allocation_strategy=""))
    with pytest.raises(ValueError, match=r"burst-task \[TASK\].*lists 30 instance types; 5 is the EMR maximum"):
        validate_with_botocore(no_strategy, placeholder_subnet_ids(3), release_label="emr-7.5.0")


def test_one_subnet_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 2 private subnets"):
        validate_with_botocore(fleets("dev", "burst"), ["subnet-0123456789abcdef0"], release_label="emr-7.5.0")
