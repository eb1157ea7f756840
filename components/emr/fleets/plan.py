"""Fleet planning: turn a cluster's capacity config into EMR instance-fleet plans (pure Python, no resources).

``plan_cluster_fleets`` chooses the instance types of each fleet from the shipped catalog (``catalog.py``):
filter by family, size, architecture, memory per vCPU, local NVMe and generation; weight every type by its vCPU
count; order round-robin over families and cap at ``maxTypes`` so that the cap keeps as many families as
possible; add gp3 EBS volumes only to types without an instance store.

A ``FleetPlan`` holds facts only. ``render.py`` turns it into pulumi-aws args and the EMR API shape,
``validate.py`` checks it against the EMR API model, ``cost.py`` prices it, ``report.py`` summarises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.config.emr import (
    MAX_TYPES_WITH_ALLOCATION_STRATEGY,
    ClusterCapacityConfig,
    FleetRequest,
    PrimaryFleetConfig,
)
from components.config.errors import PROJECT

from . import catalog
from .catalog import InstanceSpec

Role = Literal["MASTER", "CORE", "TASK"]

SPOT_ALLOCATION_STRATEGY = "price-capacity-optimized"
"""AWS's recommended Spot strategy: pools with the most spare capacity, then the lowest price among them
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html#emr-instance-fleet-allocation-strategy)."""
ON_DEMAND_ALLOCATION_STRATEGY = "lowest-price"
"""EMR's On-Demand strategies are ``lowest-price`` and ``prioritized`` (botocore
``OnDemandProvisioningAllocationStrategy``); the planner sets one on every fleet so that EMR accepts up to 30 types
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
    """One instance fleet: what EMR is asked for (``render.py`` renders it, ``validate.py`` checks it)."""

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
        return catalog.distinct_families(self.instance_types)

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

    # --- Spot launch specification -------------------------------------------------------------------------
    def spot_specification(self) -> tuple[str, str, int] | None:
        """(allocation strategy, timeout action, timeout minutes) when the fleet has Spot capacity, else None."""
        if self.target_spot_capacity == 0:
            return None
        strategy, action, minutes = self.spot_allocation_strategy, self.spot_timeout_action, self.spot_timeout_minutes
        if strategy is None or action is None or minutes is None:
            raise ValueError(
                f"fleet {self.name}: has Spot capacity but no Spot allocation strategy/timeout; build fleets with "
                "plan_cluster_fleets"
            )
        return (strategy, action, minutes)


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
        spec = catalog.spec(t)
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
