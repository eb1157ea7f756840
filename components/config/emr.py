"""``hybrid-burst:emr``: the two EMR clusters and their capacity requests.

The foundation defines the capacity shapes that stack-level validation needs (sizes, markets, instance
types); the EMR issue extends this module with engine, Alluxio, Trino and scaling settings.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from .types import InstanceFamily, InstanceType, StrictModel

_RELEASE_RE = re.compile(r"^emr-(\d+)\.(\d+)\.(\d+)$")


class PrimaryFleetConfig(StrictModel):
    """The primary (master) node: one instance, always On-Demand."""

    instance_types: list[InstanceType] = Field(min_length=1, max_length=5)
    """Candidate types for the single primary node, in preference order. Required (1-5 types)."""
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


class FleetRequest(StrictModel):
    """A capacity requirement that the fleet builder turns into an EMR instance fleet."""

    target_units: int = Field(gt=0, le=10_000)
    """Target capacity in vCPU units (weighted capacity = vCPUs per instance). Required, > 0."""
    spot_share: float = Field(default=0.0, ge=0.0, le=1.0)
    """Fraction of ``targetUnits`` requested as Spot. Default: 0 (all On-Demand)."""
    families: list[InstanceFamily] = Field(min_length=1)
    """Allowed instance families (the part before the dot: m5, m6i, r6gd). Required."""
    sizes: list[Literal["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]] = Field(
        default_factory=lambda: ["xlarge", "2xlarge", "4xlarge"], min_length=1
    )
    """Allowed sizes. Default: xlarge, 2xlarge, 4xlarge."""
    max_types: int = Field(default=30, ge=1, le=30)
    """Cap on instance types in the fleet. Default: 30, the EMR API maximum when every fleet sets an
    allocation strategy (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html)."""


class ClusterCapacityConfig(StrictModel):
    primary: PrimaryFleetConfig
    core: FleetRequest
    task: FleetRequest | None = None
    """Task fleet (Spot burst capacity). Default: none."""


class EmrConfig(StrictModel):
    release_label: str = "emr-7.5.0"
    """EMR release. Default: emr-7.5.0. Trino fault-tolerant execution needs emr-6.8.0 or later."""
    onprem: ClusterCapacityConfig
    burst: ClusterCapacityConfig

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


_X86_TASK_FAMILIES = ["m5", "m5a", "m5d", "m6i", "m6id", "m6a", "r5", "r5d", "r6i", "r6id", "c5", "c6i"]

PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "onprem": {
            "primary": {"instanceTypes": ["m6i.xlarge", "m5.xlarge", "m6a.xlarge"]},
            "core": {"targetUnits": 8, "families": ["m6i", "m5", "r6i", "r5"], "sizes": ["xlarge"]},
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.xlarge", "m5.xlarge", "m6a.xlarge"]},
            "core": {"targetUnits": 8, "families": ["m6i", "m5", "m6a", "m5a", "r6i"], "sizes": ["xlarge"]},
            "task": {"targetUnits": 32, "spotShare": 1.0, "families": _X86_TASK_FAMILIES},
        },
    },
    "staging": {
        "onprem": {
            "primary": {"instanceTypes": ["m6i.2xlarge", "m5.2xlarge", "m6a.2xlarge"]},
            "core": {"targetUnits": 16, "families": ["m6i", "m5", "r6i", "r5"], "sizes": ["xlarge", "2xlarge"]},
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.2xlarge", "m5.2xlarge", "m6a.2xlarge"]},
            "core": {"targetUnits": 16, "families": ["m6i", "m5", "m6a", "r6i", "r5"]},
            "task": {"targetUnits": 96, "spotShare": 1.0, "families": _X86_TASK_FAMILIES},
        },
    },
    "prod": {
        "onprem": {
            "primary": {"instanceTypes": ["m6i.4xlarge", "m5.4xlarge", "m6a.4xlarge"]},
            "core": {"targetUnits": 48, "families": ["m6i", "m5", "r6i", "r5"], "sizes": ["2xlarge", "4xlarge"]},
        },
        "burst": {
            "primary": {"instanceTypes": ["m6i.4xlarge", "m5.4xlarge", "m6a.4xlarge"]},
            "core": {"targetUnits": 48, "families": ["m6i", "m5", "m6a", "r6i", "r5"]},
            "task": {"targetUnits": 384, "spotShare": 0.8, "families": _X86_TASK_FAMILIES},
        },
    },
}
