"""Render a ``FleetPlan`` as pulumi-aws 7 arguments and as the EMR API's ``InstanceFleetConfig``.

One renderer serves the three fleet kinds. pulumi-aws gives each kind its own argument classes with the same
fields (``.venv/lib/python3.11/site-packages/pulumi_aws/emr/_inputs.py``): ``ClusterMasterInstanceFleetArgs`` /
``ClusterCoreInstanceFleetArgs`` / ``aws.emr.InstanceFleet`` take ``name``, ``target_on_demand_capacity``,
``target_spot_capacity``, ``instance_type_configs`` (``instance_type``, ``weighted_capacity``,
``ebs_configs[] {size, type, volumes_per_instance}``) and ``launch_specifications`` with
``on_demand_specifications[] {allocation_strategy}`` and
``spot_specifications[] {allocation_strategy, timeout_action, timeout_duration_minutes}``. ``arg_class`` finds
the class of a kind by its name prefix; ``fleet_kwargs`` fills them.

pulumi-aws 7 has no ``resize_specifications`` on any EMR fleet, so the resize timeout (EMR API
``ResizeSpecifications``) is not settable here: the only Spot timeout we set is the provisioning timeout in
``launch_specifications``, which applies when a fleet is first provisioned; during resizes EMR uses its default and
cancels unfulfilled Spot requests (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-provisioning-timeout-launch.html).
"""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from .plan import FleetPlan, Role

CLASS_PREFIX: dict[Role, str] = {
    "MASTER": "ClusterMasterInstanceFleet",
    "CORE": "ClusterCoreInstanceFleet",
    "TASK": "InstanceFleet",
}
"""pulumi-aws names every argument class of a fleet kind ``<prefix><part>Args`` (``_inputs.py``)."""


def arg_class(role: Role, part: str) -> Any:
    """The pulumi-aws args class for one part of a fleet kind, e.g. ``("CORE", "InstanceTypeConfig")`` ->
    ``aws.emr.ClusterCoreInstanceFleetInstanceTypeConfigArgs``."""
    return getattr(aws.emr, f"{CLASS_PREFIX[role]}{part}Args")


def fleet_kwargs(fleet: FleetPlan) -> dict[str, Any]:
    """The fleet's pulumi-aws fields as keyword arguments, built from the classes of its kind.

    A primary fleet sets exactly one target, to 1 On-Demand unit (EMR ``InstanceFleetConfig`` docs), so its
    ``target_spot_capacity`` is left unset; core and task fleets set both targets.
    """
    role = fleet.role
    spot = fleet.spot_specification()
    kwargs: dict[str, Any] = {"name": fleet.name, "target_on_demand_capacity": fleet.target_on_demand_capacity}
    if fleet.role != "MASTER":
        kwargs["target_spot_capacity"] = fleet.target_spot_capacity
    kwargs["instance_type_configs"] = [
        arg_class(role, "InstanceTypeConfig")(
            instance_type=c.instance_type,
            weighted_capacity=c.weighted_capacity,
            ebs_configs=[
                arg_class(role, "InstanceTypeConfigEbsConfig")(
                    size=v.size_gb, type=v.volume_type, volumes_per_instance=v.volumes_per_instance
                )
                for v in c.ebs_volumes
            ]
            or None,
        )
        for c in fleet.instance_type_configs
    ]
    launch: dict[str, Any] = {
        "on_demand_specifications": [
            arg_class(role, "LaunchSpecificationsOnDemandSpecification")(
                allocation_strategy=fleet.on_demand_allocation_strategy
            )
        ]
    }
    if fleet.role != "MASTER":
        launch["spot_specifications"] = (
            [
                arg_class(role, "LaunchSpecificationsSpotSpecification")(
                    allocation_strategy=spot[0], timeout_action=spot[1], timeout_duration_minutes=spot[2]
                )
            ]
            if spot
            else None
        )
    kwargs["launch_specifications"] = arg_class(role, "LaunchSpecifications")(**launch)
    return kwargs


def _expect(fleet: FleetPlan, role: Role, what: str) -> None:
    if fleet.role != role:
        raise ValueError(f"fleet {fleet.name} is a {fleet.role} fleet; {what} renders {role} fleets only")


def master_args(fleet: FleetPlan) -> aws.emr.ClusterMasterInstanceFleetArgs:
    """``aws.emr.Cluster(master_instance_fleet=...)`` for the primary fleet."""
    _expect(fleet, "MASTER", "master_args()")
    return aws.emr.ClusterMasterInstanceFleetArgs(**fleet_kwargs(fleet))


def core_args(fleet: FleetPlan) -> aws.emr.ClusterCoreInstanceFleetArgs:
    """``aws.emr.Cluster(core_instance_fleet=...)`` for the core fleet."""
    _expect(fleet, "CORE", "core_args()")
    return aws.emr.ClusterCoreInstanceFleetArgs(**fleet_kwargs(fleet))


def task_fleet_kwargs(fleet: FleetPlan) -> dict[str, Any]:
    """Keyword args for ``aws.emr.InstanceFleet(name, cluster_id=..., opts=..., **kwargs)`` (task fleets)."""
    _expect(fleet, "TASK", "task_fleet_kwargs()")
    return fleet_kwargs(fleet)


def run_job_flow_fleet(fleet: FleetPlan) -> dict[str, Any]:
    """The fleet as the EMR API's ``InstanceFleetConfig`` (``RunJobFlow`` ``Instances.InstanceFleets[]``)."""
    api: dict[str, Any] = {
        "Name": fleet.name,
        "InstanceFleetType": fleet.role,
        "TargetOnDemandCapacity": fleet.target_on_demand_capacity,
    }
    if fleet.role != "MASTER":
        api["TargetSpotCapacity"] = fleet.target_spot_capacity
    configs: list[dict[str, Any]] = []
    for c in fleet.instance_type_configs:
        item: dict[str, Any] = {"InstanceType": c.instance_type, "WeightedCapacity": c.weighted_capacity}
        if c.ebs_volumes:
            item["EbsConfiguration"] = {
                "EbsBlockDeviceConfigs": [
                    {
                        "VolumeSpecification": {"VolumeType": v.volume_type, "SizeInGB": v.size_gb},
                        "VolumesPerInstance": v.volumes_per_instance,
                    }
                    for v in c.ebs_volumes
                ]
            }
        configs.append(item)
    api["InstanceTypeConfigs"] = configs
    launch: dict[str, Any] = {"OnDemandSpecification": {"AllocationStrategy": fleet.on_demand_allocation_strategy}}
    spot = fleet.spot_specification()
    if spot:
        launch["SpotSpecification"] = {
            "AllocationStrategy": spot[0],
            "TimeoutAction": spot[1],
            "TimeoutDurationMinutes": spot[2],
        }
    api["LaunchSpecifications"] = launch
    return api
