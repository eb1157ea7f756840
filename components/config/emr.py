"""``hybrid-burst:emr``: the two EMR clusters and their capacity requests.

The foundation defines the capacity shapes that stack-level validation needs (sizes, markets, instance
types); the EMR issue extends this module with engine, Alluxio, Trino and scaling settings.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from components.emr.fleets import catalog

from . import emr_cluster
from .emr_cluster import EmrClusterSettings
from .types import InstanceFamily, InstanceType, StrictModel

_RELEASE_RE = re.compile(r"^emr-(\d+)\.(\d+)\.(\d+)$")


# EMR limits (https://docs.aws.amazon.com/emr/latest/APIReference/API_InstanceTypeConfig.html): "When you use
# an allocation strategy, you can include a maximum of 30 instance type configurations for a fleet. [...] Without
# an allocation strategy, you may specify a maximum of five". The builder sets an allocation strategy on every
# fleet (EMR counts a fleet without one against the five-type limit: hashicorp/terraform-provider-aws#25132).
MAX_TYPES_WITH_ALLOCATION_STRATEGY = 30
MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY = 5
# The Spot provisioning timeout: "Minimum value is 5 and maximum value is 1440"
# (pulumi_aws/emr/_inputs.py, *SpotSpecificationArgs.timeout_duration_minutes).
SPOT_TIMEOUT_MINUTES_RANGE = (5, 1440)
# The resize timeout (ResizeSpecifications, Spot and On-Demand): "Minimum value is 5 minutes and maximum value is
# 10,080 minutes (7 days)" (botocore's EMR model, SpotResizingSpecification / OnDemandResizingSpecification).
RESIZE_TIMEOUT_MINUTES_RANGE = (5, 10_080)
# AWS Spot best practice: be flexible across at least 3 families
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html).
MIN_SPOT_FAMILIES = 3


def _catalog_family(value: str) -> str:
    if value not in catalog.families():
        raise ValueError(
            f"{value} is not in the instance catalog (components/emr/fleets/data/instance_types.csv); use one of "
            + ", ".join(sorted(catalog.families()))
            + " or add the family's rows (specs and prices) to the catalog"
        )
    return value


def _catalog_type(value: str) -> str:
    if value not in catalog.catalog():
        raise ValueError(
            f"{value} is not in the instance catalog (components/emr/fleets/data/instance_types.csv); use a catalog "
            f"family ({', '.join(sorted(catalog.families()))}) in a size from large to 16xlarge"
        )
    return value


CatalogFamily = Annotated[InstanceFamily, AfterValidator(_catalog_family)]
CatalogInstanceType = Annotated[InstanceType, AfterValidator(_catalog_type)]
Size = Literal["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]


def _default_sizes() -> list[Size]:
    return ["xlarge", "2xlarge", "4xlarge"]


class PrimaryFleetConfig(StrictModel):
    """The primary (master) node: one instance, always On-Demand."""

    instance_types: list[CatalogInstanceType] = Field(min_length=1, max_length=MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY)
    """Candidate types for the single primary node, in preference order. Required (1-5 catalog types; the
    primary fleet gets one unit, so five candidates already give EMR a choice in every AZ)."""
    market: Literal["ON_DEMAND", "SPOT"] = "ON_DEMAND"
    """Purchasing option. Default: ON_DEMAND; SPOT is rejected (losing the primary node ends the cluster)."""

    @field_validator("market")
    @classmethod
    def _on_demand_only(cls, value: str) -> str:
        if value != "ON_DEMAND":
            raise ValueError(
                "the primary node must be On-Demand: a Spot interruption of the primary node terminates the "
                "whole cluster; set market: ON_DEMAND (put Spot capacity in the task fleet instead)"
            )
        return value

    @field_validator("instance_types")
    @classmethod
    def _distinct_types(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists an instance type twice; list each candidate once")
        return value


class FleetRequest(StrictModel):
    """A capacity requirement that the fleet builder turns into an EMR instance fleet."""

    target_units: int = Field(gt=0, le=10_000)
    """Target capacity in vCPU units (weighted capacity = vCPUs per instance). Required, > 0."""
    spot_share: float = Field(default=0.0, ge=0.0, le=1.0)
    """Fraction of ``targetUnits`` requested as Spot (rounded to whole units). Default: 0 (all On-Demand)."""
    families: list[CatalogFamily] = Field(min_length=1)
    """Allowed instance families (the part before the dot: m5, m6i, r6gd), in preference order; each must be in
    the instance catalog. Required."""
    sizes: list[Size] = Field(default_factory=_default_sizes, min_length=1)
    """Allowed sizes, in preference order. Default: xlarge, 2xlarge, 4xlarge."""
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    """CPU architecture of every type in the fleet (arm64 = Graviton). Default: x86_64. One architecture per
    fleet: a cluster's bootstrap actions and native libraries are built for one."""
    min_memory_per_vcpu_gib: float = Field(default=0.0, ge=0.0, le=32.0)
    """Minimum memory per vCPU (GiB). Default: 0 (no floor: c* types with 2 GiB/vCPU qualify); 4 keeps only
    m*/r*/i* types, 8 only r*/i4i."""
    local_nvme: Literal["required", "excluded", "any"] = "any"
    """Local NVMe instance store: ``required`` (only *d / i* types, e.g. for an Alluxio cache tier),
    ``excluded`` (EBS-only types) or ``any``. Default: any. Types without instance store get gp3 EBS volumes."""
    min_generation: int = Field(default=5, ge=3, le=8)
    """Oldest EC2 generation allowed (the digit in the family: m5 = 5, m7g = 7). Default: 5."""
    max_types: int = MAX_TYPES_WITH_ALLOCATION_STRATEGY
    """Cap on instance types in the fleet. Default: 30, the EMR maximum when every fleet sets an allocation
    strategy (the builder always does)."""
    spot_timeout_minutes: int = 20
    """Spot provisioning timeout at cluster launch (5-1440 minutes); used when ``spotShare`` > 0. Default: 20."""
    spot_timeout_action: Literal["SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"] = "SWITCH_TO_ON_DEMAND"
    """What EMR does when the Spot target is not met within the timeout at launch: ``SWITCH_TO_ON_DEMAND`` fills
    the rest On-Demand, ``TERMINATE_CLUSTER`` ends the cluster. Default: SWITCH_TO_ON_DEMAND. (During a resize EMR
    cancels unfulfilled Spot requests whatever the action says.)"""

    resize_timeout_minutes: int | None = None
    """How long EMR keeps trying to provision capacity during a resize of this fleet (managed scaling, a manual
    resize, or the replacement of reclaimed Spot instances) before it stops: the fleet's ``ResizeSpecifications``
    (5-10080 minutes). pulumi-aws cannot set it, so ``scripts/ops/resize_fleets.py`` applies it after each deploy
    with ``ModifyInstanceFleet``. Default: ``spotTimeoutMinutes`` (the same patience as at launch)."""

    @field_validator("resize_timeout_minutes")
    @classmethod
    def _resize_timeout(cls, value: int | None) -> int | None:
        low, high = RESIZE_TIMEOUT_MINUTES_RANGE
        if value is not None and not low <= value <= high:
            raise ValueError(f"EMR accepts a resize timeout of {low}-{high} minutes (7 days); e.g. 20")
        return value

    @property
    def resize_timeout(self) -> int:
        """The resize timeout in minutes (``resizeTimeoutMinutes``, else ``spotTimeoutMinutes``)."""
        return self.resize_timeout_minutes if self.resize_timeout_minutes is not None else self.spot_timeout_minutes

    @field_validator("max_types")
    @classmethod
    def _max_types(cls, value: int) -> int:
        if not 1 <= value <= MAX_TYPES_WITH_ALLOCATION_STRATEGY:
            raise ValueError(
                f"EMR accepts at most {MAX_TYPES_WITH_ALLOCATION_STRATEGY} instance types per fleet (and only "
                f"{MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY} without an allocation strategy: "
                "https://docs.aws.amazon.com/emr/latest/APIReference/API_InstanceTypeConfig.html); "
                f"set maxTypes between 1 and {MAX_TYPES_WITH_ALLOCATION_STRATEGY}"
            )
        return value

    @field_validator("spot_timeout_minutes")
    @classmethod
    def _timeout(cls, value: int) -> int:
        low, high = SPOT_TIMEOUT_MINUTES_RANGE
        if not low <= value <= high:
            raise ValueError(f"EMR accepts a Spot provisioning timeout of {low}-{high} minutes; e.g. 20")
        return value

    @field_validator("families", "sizes")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("repeats an entry; list each once")
        return value

    @property
    def spot_units(self) -> int:
        return round(self.target_units * self.spot_share)

    @property
    def on_demand_units(self) -> int:
        return self.target_units - self.spot_units

    @property
    def smallest_target(self) -> int:
        """The smaller non-zero part of the target: no single instance may overshoot it."""
        return min(u for u in (self.spot_units, self.on_demand_units) if u > 0)

    def selection(self) -> catalog.Selection:
        """The catalog types this request allows, diversity-ordered (before the ``maxTypes`` cap)."""
        return catalog.select(
            families=self.families,
            sizes=self.sizes,
            architecture=self.architecture,
            min_memory_per_vcpu_gib=self.min_memory_per_vcpu_gib,
            local_nvme=self.local_nvme,
            min_generation=self.min_generation,
            max_weight=self.smallest_target,
        )

    @model_validator(mode="after")
    def _can_be_met(self) -> FleetRequest:
        wrong_arch = [f for f in self.families if catalog.family_architecture(f) != self.architecture]
        if wrong_arch:
            raise ValueError(
                f"@families: {', '.join(wrong_arch)} {'is' if len(wrong_arch) == 1 else 'are'} not "
                f"{self.architecture} (architecture: {self.architecture}); a fleet uses one architecture - drop "
                "them or set architecture to match (arm64 = Graviton families such as m6g, r7g)"
            )
        unfiltered = catalog.select(
            families=self.families,
            sizes=self.sizes,
            architecture=self.architecture,
            min_memory_per_vcpu_gib=self.min_memory_per_vcpu_gib,
            local_nvme=self.local_nvme,
            min_generation=self.min_generation,
        )
        if not unfiltered.matching:
            removed = ", ".join(f"{k} removed {v}" for k, v in unfiltered.rejected_by.items())
            raise ValueError(
                "@families: no catalog instance type matches this request "
                f"(families x sizes, then filters: {removed}); widen families or sizes, or relax "
                "minMemoryPerVcpuGib / localNvme / minGeneration"
            )
        smallest = min(t.vcpu for t in unfiltered.matching)
        part = "Spot" if self.spot_units == self.smallest_target else "On-Demand"
        if smallest > self.smallest_target:
            raise ValueError(
                f"@targetUnits: the capacity cannot be met: the smallest matching type has {smallest} vCPU "
                f"(weighted capacity {smallest}) but the {part} "
                f"target is {self.smallest_target} units (targetUnits {self.target_units} x spotShare "
                f"{self.spot_share}); raise targetUnits to at least {smallest} per part or allow smaller sizes"
            )
        return self


class ClusterCapacityConfig(StrictModel):
    primary: PrimaryFleetConfig
    core: FleetRequest
    """Core fleet (HDFS, Trino exchange spooling). On-Demand by default (``spotShare`` 0): losing core nodes loses
    HDFS blocks and running work."""
    task: FleetRequest | None = None
    """Task fleet (Spot burst capacity). Default: none."""

    @model_validator(mode="after")
    def _spot_fleets_diversified(self) -> ClusterCapacityConfig:
        for role in ("core", "task"):
            fleet: FleetRequest | None = getattr(self, role)
            if fleet is not None and fleet.spot_units > 0 and len(fleet.families) < MIN_SPOT_FAMILIES:
                raise ValueError(
                    f"@{role}.families: a fleet with Spot capacity needs at least {MIN_SPOT_FAMILIES} instance "
                    f"families to draw from (got {len(fleet.families)}); one family's Spot pools are reclaimed "
                    "together (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html) - add "
                    "families or set spotShare: 0"
                )
        return self


class EmrConfig(StrictModel):
    """Both EMR clusters: release, fleet capacity requests (primary, core, task) and cluster/application settings."""

    release_label: str = "emr-7.5.0"
    """EMR release. Default: emr-7.5.0. Trino fault-tolerant execution needs emr-6.8.0 or later."""
    onprem: ClusterCapacityConfig | None = None
    """The on-prem proxy cluster's fleets. Required in proxy mode; not read with ``onprem.mode: external``."""
    burst: ClusterCapacityConfig
    spot_discount: float = Field(default=0.6, ge=0.0, lt=1.0)
    """Assumed Spot discount off the On-Demand price, for the plan's cost estimate only (0.6 = Spot costs 40% of
    On-Demand). Default: 0.6. Not a bid: fleets bid the On-Demand price (EMR's default, 100%)."""
    settings: EmrClusterSettings
    """Cluster and application settings (engine, Trino, Alluxio, lifecycle); see ``emr_cluster.py``."""

    @field_validator("release_label")
    @classmethod
    def _release(cls, value: str) -> str:
        m = _RELEASE_RE.match(value)
        if not m:
            raise ValueError("not an EMR release label; write emr-<major>.<minor>.<patch>, e.g. emr-7.5.0")
        if tuple(int(x) for x in m.groups()) < (6, 8, 0):
            raise ValueError(
                "Trino fault-tolerant execution needs emr-6.8.0 or later "
                "(https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-trino-ft.html); use emr-7.5.0"
            )
        return value

    @model_validator(mode="after")
    def _hdfs_exchange_release(self) -> EmrConfig:
        m = _RELEASE_RE.match(self.release_label)
        if m and self.settings.trino.exchange == "hdfs" and tuple(int(x) for x in m.groups()) < (6, 9, 0):
            raise ValueError(
                "@settings.trino.exchange: the HDFS exchange manager needs emr-6.9.0 or later (EMR 6.9.0 added "
                "it and made it the default); use exchange: s3 or releaseLabel: emr-7.5.0"
            )
        return self


# Task-fleet families: general purpose, memory and compute, Intel and AMD, with and without NVMe, so that Spot
# draws from many independent pools (AWS Spot best practice: flexible across families, sizes and AZs).
_X86_TASK_FAMILIES = ["m5", "m5a", "m5d", "m6i", "m6id", "m6a", "r5", "r5d", "r6i", "r6id", "c5", "c6i"]
_X86_TASK_FAMILIES_PROD = [*_X86_TASK_FAMILIES, "m7i", "r7i", "c6a"]

# Core fleets stay On-Demand (spotShare 0); the timeout action is still stated so that turning on Spot for a core
# fleet falls back to On-Demand rather than ending the cluster (core nodes hold HDFS and Trino exchange data).
_CORE_TIMEOUT = {"spotTimeoutMinutes": 20, "spotTimeoutAction": "SWITCH_TO_ON_DEMAND"}

_CAPACITY_PRESETS: dict[str, dict[str, Any]] = {
    # dev: small and all-Spot burst. After 10 minutes without Spot the task fleet switches to On-Demand: the task
    # fleet's timeout action applies to the whole cluster at launch, so TERMINATE_CLUSTER would end the burst
    # cluster (primary, core and all) whenever Spot is short at creation (docs/emr-fleets.md, "Spot timeouts").
    "dev": {
        "spotDiscount": 0.6,
        "onprem": {
            "primary": {"instanceTypes": ["m6i.xlarge", "m5.xlarge", "m6a.xlarge"]},
            "core": {"targetUnits": 8, "families": ["m6i", "m5", "r6i", "r5"], "sizes": ["xlarge"], **_CORE_TIMEOUT},
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.xlarge", "m5.xlarge", "m6a.xlarge"]},
            "core": {
                "targetUnits": 8,
                "families": ["m6i", "m5", "m6a", "m5a", "r6i"],
                "sizes": ["xlarge"],
                **_CORE_TIMEOUT,
            },
            "task": {
                "targetUnits": 32,
                "spotShare": 1.0,
                "families": _X86_TASK_FAMILIES,
                "sizes": ["xlarge", "2xlarge", "4xlarge"],
                "spotTimeoutMinutes": 10,
                "spotTimeoutAction": "SWITCH_TO_ON_DEMAND",
            },
        },
    },
    # staging rehearses prod: Spot burst that falls back to On-Demand so release tests finish.
    "staging": {
        "spotDiscount": 0.6,
        "onprem": {
            "primary": {"instanceTypes": ["m6i.2xlarge", "m5.2xlarge", "m6a.2xlarge"]},
            "core": {
                "targetUnits": 16,
                "families": ["m6i", "m5", "r6i", "r5"],
                "sizes": ["xlarge", "2xlarge"],
                **_CORE_TIMEOUT,
            },
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.2xlarge", "m5.2xlarge", "m6a.2xlarge"]},
            "core": {"targetUnits": 16, "families": ["m6i", "m5", "m6a", "r6i", "r5"], **_CORE_TIMEOUT},
            "task": {
                "targetUnits": 96,
                "spotShare": 1.0,
                "families": _X86_TASK_FAMILIES,
                "spotTimeoutMinutes": 20,
                "spotTimeoutAction": "SWITCH_TO_ON_DEMAND",
            },
        },
    },
    # prod: an On-Demand floor (20%) under the Spot burst; a longer timeout, then On-Demand, because the burst
    # must finish. The cost estimate assumes a more conservative Spot discount.
    "prod": {
        "spotDiscount": 0.55,
        "onprem": {
            "primary": {"instanceTypes": ["m6i.4xlarge", "m5.4xlarge", "m6a.4xlarge"]},
            "core": {
                "targetUnits": 48,
                "families": ["m6i", "m5", "r6i", "r5"],
                "sizes": ["2xlarge", "4xlarge"],
                **_CORE_TIMEOUT,
            },
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.4xlarge", "m5.4xlarge", "m6a.4xlarge"]},
            "core": {"targetUnits": 48, "families": ["m6i", "m5", "m6a", "r6i", "r5"], **_CORE_TIMEOUT},
            "task": {
                "targetUnits": 384,
                "spotShare": 0.8,
                "families": _X86_TASK_FAMILIES_PROD,
                "sizes": ["2xlarge", "4xlarge", "8xlarge"],
                # prod's pack caps the wait at 20 minutes: past that, SLA-bound queries get On-Demand capacity.
                "spotTimeoutMinutes": 20,
                "spotTimeoutAction": "SWITCH_TO_ON_DEMAND",
            },
        },
    },
}


PRESETS: dict[str, dict[str, Any]] = {
    env: {**capacity, "settings": emr_cluster.PRESETS[env]} for env, capacity in _CAPACITY_PRESETS.items()
}
