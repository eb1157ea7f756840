"""Turn a cluster's capacity config into EMR instance-fleet plans (pure Python; no resources are created here).

``plan_cluster_fleets`` chooses the instance types of each fleet from the shipped catalog
(``instance_catalog.py``): filter by family, size, architecture, memory per vCPU, local NVMe and generation;
weight every type by its vCPU count; order round-robin over families and cap at ``maxTypes`` so that the cap
keeps as many families as possible; add gp3 EBS volumes only to types without an instance store.

A ``FleetPlan`` renders itself as the pulumi-aws 7 arguments ``EmrCluster`` needs (``master_args``,
``core_args``, ``instance_fleet_kwargs`` for a task ``aws.emr.InstanceFleet``) and as the EMR API's
``InstanceFleetConfig`` (``run_job_flow_fleet``), which ``validate_with_botocore`` checks against the ``emr``
service model shipped with botocore. ``hourly_cost`` prices a cluster's fleets from the catalog.

Property names are those of pulumi-aws 7.51 (``.venv/lib/python3.11/site-packages/pulumi_aws/emr/_inputs.py``):
``ClusterMasterInstanceFleetArgs`` / ``ClusterCoreInstanceFleetArgs`` / ``aws.emr.InstanceFleet`` take
``name``, ``target_on_demand_capacity``, ``target_spot_capacity``, ``instance_type_configs`` (``instance_type``,
``weighted_capacity``, ``ebs_configs[] {size, type, volumes_per_instance}``,
``bid_price_as_percentage_of_on_demand_price``) and ``launch_specifications`` with
``on_demand_specifications[] {allocation_strategy}`` and
``spot_specifications[] {allocation_strategy, timeout_action, timeout_duration_minutes}``. pulumi-aws 7 has no
``resize_specifications`` on any EMR fleet, so the resize timeout (EMR API ``ResizeSpecifications``) is not
settable here: the only Spot timeout we set is the provisioning timeout in ``launch_specifications``, which
applies when a fleet is first provisioned; during resizes EMR uses its default and cancels unfulfilled Spot
requests (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-provisioning-timeout-launch.html).
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import botocore
import botocore.model
import botocore.session
import botocore.validate
import pulumi_aws as aws

from components.config.emr import (
    MAX_TYPES_WITH_ALLOCATION_STRATEGY,
    MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY,
    SPOT_TIMEOUT_MINUTES_RANGE,
    ClusterCapacityConfig,
    FleetRequest,
    PrimaryFleetConfig,
)
from components.config.errors import PROJECT
from components.config.stack import StackConfig

from . import instance_catalog
from .instance_catalog import InstanceSpec

Role = Literal["MASTER", "CORE", "TASK"]

SPOT_ALLOCATION_STRATEGY = "price-capacity-optimized"
"""AWS's recommended Spot strategy: pools with the most spare capacity, then the lowest price among them
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html#emr-instance-fleet-allocation-strategy)."""
ON_DEMAND_ALLOCATION_STRATEGY = "lowest-price"
"""EMR's On-Demand strategies are ``lowest-price`` and ``prioritized`` (botocore
``OnDemandProvisioningAllocationStrategy``); the builder sets one on every fleet so that EMR accepts up to 30 types
per fleet (hashicorp/terraform-provider-aws#25132)."""

EBS_GB_PER_VCPU = 8
"""gp3 capacity for types without instance store: 32 GB per 4 vCPU (HDFS/shuffle/spill scale with cores)."""
EBS_MIN_GB = 64
EBS_VOLUME_TYPE = "gp3"


@dataclass(frozen=True)
class EbsVolume:
    size_gb: int
    volume_type: str = EBS_VOLUME_TYPE
    volumes_per_instance: int = 1


@dataclass(frozen=True)
class InstanceTypeConfig:
    instance_type: str
    weighted_capacity: int
    ebs_volumes: tuple[EbsVolume, ...]


@dataclass(frozen=True)
class FleetPlan:
    """One instance fleet, ready to render as pulumi-aws args or as an EMR API request."""

    role: Role
    name: str
    target_on_demand_capacity: int
    target_spot_capacity: int
    instance_type_configs: tuple[InstanceTypeConfig, ...]
    spot_allocation_strategy: str | None
    """``price-capacity-optimized`` when the fleet has Spot capacity; None for an all-On-Demand fleet."""
    spot_timeout_minutes: int | None
    spot_timeout_action: str | None
    """SWITCH_TO_ON_DEMAND | TERMINATE_CLUSTER; None for an all-On-Demand fleet."""
    on_demand_allocation_strategy: str = ON_DEMAND_ALLOCATION_STRATEGY
    config_key: str = ""
    """The stack-config key the fleet came from (``hybrid-burst:emr.burst.task``), for messages."""

    # --- facts -------------------------------------------------------------------------------------------------
    @property
    def instance_types(self) -> tuple[str, ...]:
        return tuple(c.instance_type for c in self.instance_type_configs)

    @property
    def families(self) -> frozenset[str]:
        return instance_catalog.distinct_families(self.instance_types)

    @property
    def target_capacity(self) -> int:
        return self.target_on_demand_capacity + self.target_spot_capacity

    @property
    def has_allocation_strategy(self) -> bool:
        """EMR counts a fleet as having an allocation strategy when its launch specification sets one for each
        market it uses."""
        on_demand_ok = self.target_on_demand_capacity == 0 or bool(self.on_demand_allocation_strategy)
        spot_ok = self.target_spot_capacity == 0 or bool(self.spot_allocation_strategy)
        return on_demand_ok and spot_ok

    def capacity_pools(self, subnet_count: int) -> int:
        """Spot/On-Demand capacity pools the fleet can draw from at launch: instance types x AZ subnets.

        EMR picks one AZ for the whole cluster at launch (from the subnets given); after that the fleet
        replaces and grows within that AZ, i.e. from ``len(instance_type_configs)`` pools.
        """
        if subnet_count < 1:
            raise ValueError("a cluster needs at least one subnet")
        return len(self.instance_type_configs) * subnet_count

    # --- pulumi-aws 7 args -------------------------------------------------------------------------------------
    def master_args(self) -> aws.emr.ClusterMasterInstanceFleetArgs:
        self._expect("MASTER", "master_args")
        return aws.emr.ClusterMasterInstanceFleetArgs(
            name=self.name,
            # A primary fleet sets exactly one of the targets, to 1 (EMR InstanceFleetConfig docs).
            target_on_demand_capacity=self.target_on_demand_capacity,
            instance_type_configs=[
                aws.emr.ClusterMasterInstanceFleetInstanceTypeConfigArgs(
                    instance_type=c.instance_type,
                    weighted_capacity=c.weighted_capacity,
                    ebs_configs=[
                        aws.emr.ClusterMasterInstanceFleetInstanceTypeConfigEbsConfigArgs(
                            size=v.size_gb, type=v.volume_type, volumes_per_instance=v.volumes_per_instance
                        )
                        for v in c.ebs_volumes
                    ]
                    or None,
                )
                for c in self.instance_type_configs
            ],
            launch_specifications=aws.emr.ClusterMasterInstanceFleetLaunchSpecificationsArgs(
                on_demand_specifications=[
                    aws.emr.ClusterMasterInstanceFleetLaunchSpecificationsOnDemandSpecificationArgs(
                        allocation_strategy=self.on_demand_allocation_strategy
                    )
                ],
            ),
        )

    def core_args(self) -> aws.emr.ClusterCoreInstanceFleetArgs:
        self._expect("CORE", "core_args")
        spot = self._spot_tuple()
        return aws.emr.ClusterCoreInstanceFleetArgs(
            name=self.name,
            target_on_demand_capacity=self.target_on_demand_capacity,
            target_spot_capacity=self.target_spot_capacity,
            instance_type_configs=[
                aws.emr.ClusterCoreInstanceFleetInstanceTypeConfigArgs(
                    instance_type=c.instance_type,
                    weighted_capacity=c.weighted_capacity,
                    ebs_configs=[
                        aws.emr.ClusterCoreInstanceFleetInstanceTypeConfigEbsConfigArgs(
                            size=v.size_gb, type=v.volume_type, volumes_per_instance=v.volumes_per_instance
                        )
                        for v in c.ebs_volumes
                    ]
                    or None,
                )
                for c in self.instance_type_configs
            ],
            launch_specifications=aws.emr.ClusterCoreInstanceFleetLaunchSpecificationsArgs(
                on_demand_specifications=[
                    aws.emr.ClusterCoreInstanceFleetLaunchSpecificationsOnDemandSpecificationArgs(
                        allocation_strategy=self.on_demand_allocation_strategy
                    )
                ],
                spot_specifications=(
                    [
                        aws.emr.ClusterCoreInstanceFleetLaunchSpecificationsSpotSpecificationArgs(
                            allocation_strategy=spot[0], timeout_action=spot[1], timeout_duration_minutes=spot[2]
                        )
                    ]
                    if spot
                    else None
                ),
            ),
        )

    def instance_fleet_kwargs(self) -> dict[str, Any]:
        """Keyword args for ``aws.emr.InstanceFleet(name, cluster_id=..., opts=..., **kwargs)`` (task fleets)."""
        self._expect("TASK", "instance_fleet_kwargs")
        spot = self._spot_tuple()
        return {
            "name": self.name,
            "target_on_demand_capacity": self.target_on_demand_capacity,
            "target_spot_capacity": self.target_spot_capacity,
            "instance_type_configs": [
                aws.emr.InstanceFleetInstanceTypeConfigArgs(
                    instance_type=c.instance_type,
                    weighted_capacity=c.weighted_capacity,
                    ebs_configs=[
                        aws.emr.InstanceFleetInstanceTypeConfigEbsConfigArgs(
                            size=v.size_gb, type=v.volume_type, volumes_per_instance=v.volumes_per_instance
                        )
                        for v in c.ebs_volumes
                    ]
                    or None,
                )
                for c in self.instance_type_configs
            ],
            "launch_specifications": aws.emr.InstanceFleetLaunchSpecificationsArgs(
                on_demand_specifications=[
                    aws.emr.InstanceFleetLaunchSpecificationsOnDemandSpecificationArgs(
                        allocation_strategy=self.on_demand_allocation_strategy
                    )
                ],
                spot_specifications=(
                    [
                        aws.emr.InstanceFleetLaunchSpecificationsSpotSpecificationArgs(
                            allocation_strategy=spot[0], timeout_action=spot[1], timeout_duration_minutes=spot[2]
                        )
                    ]
                    if spot
                    else None
                ),
            ),
        }

    # --- EMR API shape -----------------------------------------------------------------------------------------
    def run_job_flow_fleet(self) -> dict[str, Any]:
        """The fleet as the EMR API's ``InstanceFleetConfig`` (``RunJobFlow`` ``Instances.InstanceFleets[]``)."""
        fleet: dict[str, Any] = {
            "Name": self.name,
            "InstanceFleetType": self.role,
            "TargetOnDemandCapacity": self.target_on_demand_capacity,
        }
        if self.role != "MASTER":
            fleet["TargetSpotCapacity"] = self.target_spot_capacity
        configs: list[dict[str, Any]] = []
        for c in self.instance_type_configs:
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
        fleet["InstanceTypeConfigs"] = configs
        launch: dict[str, Any] = {"OnDemandSpecification": {"AllocationStrategy": self.on_demand_allocation_strategy}}
        spot = self._spot_tuple()
        if spot:
            launch["SpotSpecification"] = {
                "AllocationStrategy": spot[0],
                "TimeoutAction": spot[1],
                "TimeoutDurationMinutes": spot[2],
            }
        fleet["LaunchSpecifications"] = launch
        return fleet

    # --- helpers -----------------------------------------------------------------------------------------------
    def _spot_tuple(self) -> tuple[str, str, int] | None:
        if self.target_spot_capacity == 0:
            return None
        strategy, action, minutes = self.spot_allocation_strategy, self.spot_timeout_action, self.spot_timeout_minutes
        if strategy is None or action is None or minutes is None:
            raise ValueError(
                f"fleet {self.name}: has Spot capacity but no Spot allocation strategy/timeout; build fleets with "
                "plan_cluster_fleets"
            )
        return (strategy, action, minutes)

    def _expect(self, role: Role, method: str) -> None:
        if self.role != role:
            raise ValueError(f"fleet {self.name} is a {self.role} fleet; {method}() renders {role} fleets only")


@dataclass(frozen=True)
class ClusterFleets:
    primary: FleetPlan
    core: FleetPlan
    task: FleetPlan | None

    @property
    def all(self) -> tuple[FleetPlan, ...]:
        return (self.primary, self.core) if self.task is None else (self.primary, self.core, self.task)


# --- planning --------------------------------------------------------------------------------------------------


def ebs_volumes_for(spec: InstanceSpec) -> tuple[EbsVolume, ...]:
    """gp3 volumes for a type without instance store (size scales with vCPU); none for NVMe types."""
    if spec.has_instance_store:
        return ()
    return (EbsVolume(size_gb=max(EBS_MIN_GB, EBS_GB_PER_VCPU * spec.vcpu)),)


def _primary_plan(name: str, primary: PrimaryFleetConfig, key: str) -> FleetPlan:
    if primary.market != "ON_DEMAND":
        raise ValueError(f"{key}.market: the primary fleet must be On-Demand (got {primary.market})")
    configs = []
    for t in primary.instance_types:
        spec = instance_catalog.spec(t)
        configs.append(InstanceTypeConfig(instance_type=t, weighted_capacity=1, ebs_volumes=ebs_volumes_for(spec)))
    return FleetPlan(
        role="MASTER",
        name=f"{name}-primary",
        target_on_demand_capacity=1,
        target_spot_capacity=0,
        instance_type_configs=tuple(configs),
        spot_allocation_strategy=None,
        spot_timeout_minutes=None,
        spot_timeout_action=None,
        config_key=key,
    )


def plan_fleet(role: Literal["CORE", "TASK"], name: str, request: FleetRequest, *, key: str) -> FleetPlan:
    """One core or task fleet from its request; ``key`` is the config key named in errors."""
    selection = request.selection()
    if not selection.matching:
        removed = ", ".join(f"{k} removed {v}" for k, v in selection.rejected_by.items()) or "none"
        raise ValueError(
            f"{key}: the capacity cannot be met: no catalog instance type matches families "
            f"{', '.join(request.families)} x sizes {', '.join(request.sizes)} with a weight <= "
            f"{request.smallest_target} units (filters: {removed}); widen families/sizes or raise targetUnits"
        )
    cap = min(request.max_types, MAX_TYPES_WITH_ALLOCATION_STRATEGY)
    chosen = selection.matching[:cap]
    spot = request.spot_units > 0
    return FleetPlan(
        role=role,
        name=f"{name}-{role.lower()}",
        target_on_demand_capacity=request.on_demand_units,
        target_spot_capacity=request.spot_units,
        instance_type_configs=tuple(
            InstanceTypeConfig(instance_type=s.instance_type, weighted_capacity=s.vcpu, ebs_volumes=ebs_volumes_for(s))
            for s in chosen
        ),
        spot_allocation_strategy=SPOT_ALLOCATION_STRATEGY if spot else None,
        spot_timeout_minutes=request.spot_timeout_minutes if spot else None,
        spot_timeout_action=request.spot_timeout_action if spot else None,
        config_key=key,
    )


def plan_cluster_fleets(name: str, capacity: ClusterCapacityConfig, *, config_key: str | None = None) -> ClusterFleets:
    """The primary, core and (optional) task fleet of one cluster.

    ``name`` prefixes the fleet names (``<name>-primary``/``-core``/``-task``); pass the cluster's config key
    (``onprem`` or ``burst``) or its resource name. ``config_key`` (default ``hybrid-burst:emr.<name>``) is the
    key named in errors.
    """
    key = config_key or f"{PROJECT}:emr.{name}"
    return ClusterFleets(
        primary=_primary_plan(name, capacity.primary, f"{key}.primary"),
        core=plan_fleet("CORE", name, capacity.core, key=f"{key}.core"),
        task=None if capacity.task is None else plan_fleet("TASK", name, capacity.task, key=f"{key}.task"),
    )


# --- validation against the EMR API model ----------------------------------------------------------------------


def placeholder_subnet_ids(count: int) -> list[str]:
    """Stand-in subnet ids for validating at plan time, when the real ids are still unknown Outputs."""
    return [f"subnet-{i:017x}" for i in range(count)]


@functools.cache
def _emr_model() -> botocore.model.ServiceModel:
    return botocore.session.get_session().get_service_model("emr")


def run_job_flow_request(
    fleets: ClusterFleets, subnet_ids: Sequence[str], *, release_label: str, name: str | None = None
) -> dict[str, Any]:
    """The part of a ``RunJobFlow`` request that the fleets determine (``Instances.InstanceFleets`` and
    ``Instances.Ec2SubnetIds``: EMR picks the best AZ among the subnets for instance fleets)."""
    return {
        "Name": name or fleets.primary.name.removesuffix("-primary"),
        "ReleaseLabel": release_label,
        "Instances": {
            "InstanceFleets": [f.run_job_flow_fleet() for f in fleets.all],
            "Ec2SubnetIds": list(subnet_ids),
        },
    }


@functools.cache
def _pattern(pattern: str | None) -> re.Pattern[str] | None:
    """A model pattern as a Python regex; None when absent or written in Java syntax Python rejects (the EMR
    XmlString patterns spell surrogate pairs as ranges; every str Python holds satisfies them anyway)."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _model_constraints(value: Any, shape: botocore.model.Shape, path: str, out: list[str]) -> None:
    """The constraints of the service model that botocore's ParamValidator leaves to the server: ``enum``
    values, ``max`` (value or length) and string ``pattern``s. ParamValidator checks types, required members
    and ``min`` only (botocore/validate.py ``VALIDATED_METADATA_ATTRS``)."""
    if isinstance(shape, botocore.model.StructureShape) and isinstance(value, Mapping):
        for member, member_shape in shape.members.items():
            if member in value:
                _model_constraints(value[member], member_shape, f"{path}.{member}" if path else member, out)
    elif isinstance(shape, botocore.model.ListShape) and isinstance(value, (list, tuple)):
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            out.append(f"{path}: {len(value)} items, the EMR API model allows at most {shape.metadata['max']}")
        for i, item in enumerate(value):
            _model_constraints(item, shape.member, f"{path}[{i}]", out)
    elif isinstance(shape, botocore.model.StringShape) and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            out.append(f"{path}: {value!r} is not one of {', '.join(shape.enum)} (EMR API model {shape.name})")
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            out.append(f"{path}: longer than {shape.metadata['max']} characters")
        compiled = _pattern(shape.metadata.get("pattern"))
        if compiled is not None and not compiled.fullmatch(value):
            out.append(f"{path}: does not match the EMR API pattern {compiled.pattern}")
    elif (
        shape.type_name in ("integer", "long", "double")
        and isinstance(value, (int, float))
        and "max" in shape.metadata
        and value > shape.metadata["max"]
    ):
        out.append(f"{path}: {value} is above the maximum {shape.metadata['max']}")


def _emr_rules(fleets: ClusterFleets) -> dict[str, list[str]]:
    """EMR rules documented outside the API model, per fleet name."""
    problems: dict[str, list[str]] = {f.name: [] for f in fleets.all}
    every_fleet_has_strategy = all(f.has_allocation_strategy for f in fleets.all)
    limit = MAX_TYPES_WITH_ALLOCATION_STRATEGY if every_fleet_has_strategy else MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY
    for f in fleets.all:
        mine = problems[f.name]
        n = len(f.instance_type_configs)
        if n == 0:
            mine.append("has no instance types")
        if n > limit:
            why = (
                "the EMR maximum with an allocation strategy on every fleet"
                if every_fleet_has_strategy
                else "the EMR maximum when any fleet of the cluster lacks an allocation strategy "
                "(hashicorp/terraform-provider-aws#25132)"
            )
            mine.append(f"lists {n} instance types; {limit} is {why}")
        if len(set(f.instance_types)) != n:
            mine.append("lists an instance type twice")
        if f.target_capacity <= 0:
            mine.append("has a target capacity of 0; at least one of the targets must be > 0")
        # "For a master instance fleet, only one of TargetSpotCapacity and TargetOnDemandCapacity can be
        # specified, and its value must be 1" (API_InstanceFleetConfig); ours is always On-Demand.
        if f.role == "MASTER" and (f.target_on_demand_capacity != 1 or f.target_spot_capacity != 0):
            mine.append(
                "a primary fleet must be exactly 1 On-Demand unit (a Spot primary ends the cluster when reclaimed)"
            )
        if f.target_spot_capacity > 0:
            low, high = SPOT_TIMEOUT_MINUTES_RANGE
            if f.spot_timeout_minutes is None or not low <= f.spot_timeout_minutes <= high:
                mine.append(f"Spot provisioning timeout must be {low}-{high} minutes (got {f.spot_timeout_minutes})")
        parts = [u for u in (f.target_on_demand_capacity, f.target_spot_capacity) if u > 0]
        for c in f.instance_type_configs:
            if f.role != "MASTER" and parts and c.weighted_capacity > min(parts):
                mine.append(
                    f"{c.instance_type} weighs {c.weighted_capacity} units, more than a target part "
                    f"(On-Demand {f.target_on_demand_capacity}, Spot {f.target_spot_capacity}): one instance overshoots"
                )
    return problems


def validate_with_botocore(fleets: ClusterFleets, subnet_ids: Sequence[str], *, release_label: str) -> None:
    """Check the cluster's fleets as the EMR API would see them; raise ValueError naming each bad fleet.

    Builds the ``RunJobFlow`` request (``Instances.InstanceFleets`` + ``Ec2SubnetIds``), runs botocore's
    ``ParamValidator`` on the ``RunJobFlow`` input shape of the ``emr`` service model, then the model constraints
    ParamValidator skips (enums, maxima, patterns) and the EMR limits documented outside the model (30/5 types per
    fleet, a 1-unit On-Demand primary, the 5-1440 minute Spot timeout). Pass the real subnet ids, or
    ``placeholder_subnet_ids(n)`` at plan time when only their number is known.
    """
    model = _emr_model()
    input_shape = model.operation_model("RunJobFlow").input_shape
    validator = botocore.validate.ParamValidator()
    problems: list[str] = []

    # Request-level members (name, release, subnets) with the fleets left out, then each fleet on its own so that
    # every error names its fleet.
    base = run_job_flow_request(fleets, subnet_ids, release_label=release_label)
    base["Instances"]["InstanceFleets"] = []
    report = validator.validate(base, input_shape)
    if report.has_errors():
        problems.append(f"request: {report.generate_report()}")
    if len(subnet_ids) < 2:
        problems.append(
            f"request: {len(subnet_ids)} subnet(s); give the cluster at least 2 private subnets in different AZs so "
            "that EMR can launch in the AZ with capacity"
        )
    rules = _emr_rules(fleets)
    for fleet in fleets.all:
        single = run_job_flow_request(fleets, subnet_ids, release_label=release_label)
        single["Instances"]["InstanceFleets"] = [fleet.run_job_flow_fleet()]
        fleet_problems: list[str] = []
        report = validator.validate(single, input_shape)
        if report.has_errors():
            fleet_problems.append(report.generate_report().replace("InstanceFleets[0]", "InstanceFleets[*]"))
        extra: list[str] = []
        _model_constraints(single, input_shape, "", extra)
        fleet_problems.extend(extra)
        fleet_problems.extend(rules[fleet.name])
        for p in fleet_problems:
            where = f" ({fleet.config_key})" if fleet.config_key else ""
            problems.append(f"fleet {fleet.name} [{fleet.role}]{where}: {p}")
    if problems:
        raise ValueError(
            "the EMR instance-fleet request does not validate against the EMR API model (botocore "
            f"{botocore.__version__}, emr RunJobFlow):\n  - " + "\n  - ".join(problems)
        )


# --- cost ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetCost:
    """Hourly cost of one fleet at its target capacity (USD per hour)."""

    fleet: str
    role: Role
    region: str
    on_demand_units: int
    spot_units: int
    on_demand_ec2: float
    spot_ec2: float
    emr_uplift: float
    low: float
    """If every unit ran on the fleet's cheapest type per unit."""
    high: float
    """If every unit ran on the fleet's most expensive type per unit."""

    @property
    def total(self) -> float:
        return self.on_demand_ec2 + self.spot_ec2 + self.emr_uplift


@dataclass(frozen=True)
class CostEstimate:
    rows: tuple[FleetCost, ...]
    region: str
    spot_discount: float
    price_date: str
    assumptions: str = field(repr=False)

    @property
    def total(self) -> float:
        return sum(r.total for r in self.rows)

    @property
    def low(self) -> float:
        return sum(r.low for r in self.rows)

    @property
    def high(self) -> float:
        return sum(r.high for r in self.rows)


def _per_unit(spec: InstanceSpec, weight: int, region: str) -> tuple[float, float]:
    """(EC2 On-Demand $/unit-hour, EMR uplift $/unit-hour) of one type."""
    return spec.od_price(region) / weight, spec.emr_usd_per_hour / weight


def fleet_cost(fleet: FleetPlan, region: str, spot_discount: float) -> FleetCost:
    """Price a fleet at its targets.

    On-Demand units: EMR's ``lowest-price`` On-Demand strategy launches the cheapest type first, so they are
    priced at the type with the lowest EC2 $/unit, EC2 plus that type's EMR uplift. Spot units:
    ``price-capacity-optimized`` weighs capacity before price, so they are priced at the median EC2 On-Demand
    $/unit of the fleet's types x (1 - spot_discount), plus the median EMR $/unit (EMR charges its uplift per
    instance in either market, undiscounted).
    """
    if not 0 <= spot_discount < 1:
        raise ValueError(f"spot_discount must be in [0, 1) (got {spot_discount})")
    units = [
        _per_unit(instance_catalog.spec(c.instance_type), c.weighted_capacity, region)
        for c in fleet.instance_type_configs
    ]
    ec2 = [u[0] for u in units]
    emr = [u[1] for u in units]
    cheapest_ec2 = min(range(len(units)), key=lambda i: ec2[i])
    od_units, spot_units = fleet.target_on_demand_capacity, fleet.target_spot_capacity
    spot_factor = 1 - spot_discount
    spot_ec2_rate = statistics.median(ec2) * spot_factor
    all_in = [e + m for e, m in units]
    low = od_units * min(all_in) + spot_units * (min(ec2) * spot_factor + min(emr))
    high = od_units * max(all_in) + spot_units * (max(ec2) * spot_factor + max(emr))
    return FleetCost(
        fleet=fleet.name,
        role=fleet.role,
        region=region,
        on_demand_units=od_units,
        spot_units=spot_units,
        on_demand_ec2=od_units * ec2[cheapest_ec2],
        spot_ec2=spot_units * spot_ec2_rate,
        emr_uplift=od_units * emr[cheapest_ec2] + spot_units * statistics.median(emr),
        low=low,
        high=high,
    )


def cost_assumptions(spot_discount: float) -> str:
    meta = instance_catalog.meta()
    return (
        f"Estimate, not a quote. List prices dated {meta.price_date} from the shipped catalog "
        f"(components/emr/data/instance_types.csv; {meta.sources}); rows marked 'derived' in its price_source "
        "column are computed, not listed. Fleets priced at their target capacity (EMR may overshoot by up to one "
        "instance). On-Demand units at the fleet's cheapest EC2 $/vCPU (EMR lowest-price strategy); Spot units at "
        f"the median EC2 On-Demand $/vCPU of the fleet's types less a {spot_discount:.0%} Spot discount (config "
        "emr.spotDiscount; real Spot prices vary by pool and hour) plus the median EMR uplift per vCPU (EMR charges "
        "it in both markets, undiscounted). Low/high: every unit on the cheapest/dearest type. Excludes EBS (gp3), "
        "data transfer (cross-region peering traffic), S3, CloudWatch, managed-scaling growth above the targets."
    )


def hourly_cost(fleets: ClusterFleets, region: str, spot_discount: float) -> CostEstimate:
    """Hourly cost estimate of one cluster's fleets at their targets, with its assumptions."""
    meta = instance_catalog.meta()
    return CostEstimate(
        rows=tuple(fleet_cost(f, region, spot_discount) for f in fleets.all),
        region=region,
        spot_discount=spot_discount,
        price_date=meta.price_date,
        assumptions=cost_assumptions(spot_discount),
    )


def plan_stack_fleets(cfg: StackConfig) -> dict[str, ClusterFleets]:
    """Plan both clusters' fleets from the stack config and validate them against the EMR API model.

    Called right after the config is loaded, before any resource is registered: a fleet request EMR would refuse
    fails the run here, naming the fleet and its config key, instead of half-way through a deploy.
    """
    fleets: dict[str, ClusterFleets] = {}
    for cluster, side in (("onprem", "onprem"), ("burst", "compute")):
        planned = plan_cluster_fleets(cluster, getattr(cfg.emr, cluster))
        subnets = placeholder_subnet_ids(getattr(cfg.network, side).az_count)
        validate_with_botocore(planned, subnets, release_label=cfg.emr.release_label)
        fleets[cluster] = planned
    return fleets
