"""One renderer for the primary, core and task fleet kinds: pulumi-aws args as recorded, and the EMR API shape."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest

from components.emr.fleets import render
from scripts.offline.recorder import Plan
from tests.components.emr.fleets._stacks import fleets
from tests.conftest import in_region


def test_renderers_refuse_the_wrong_role() -> None:
    plan = fleets("dev", "burst")
    with pytest.raises(ValueError, match="renders MASTER fleets only"):
        render.master_args(plan.core)
    with pytest.raises(ValueError, match="renders TASK fleets only"):
        render.task_fleet_kwargs(plan.primary)


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
            master_instance_fleet=render.master_args(plan.primary),
            core_instance_fleet=render.core_args(plan.core),
            opts=in_region(),
        )
        aws.emr.InstanceFleet(
            "t",
            cluster_id=cluster.id,
            opts=pulumi.ResourceOptions(provider=cluster.get_provider("aws:emr")),
            **render.task_fleet_kwargs(task),
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
