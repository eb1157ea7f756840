"""Builders for EMR fleet properties in the pulumi-aws 7 camelCase shape (shared by the spot tests)."""

from __future__ import annotations

from typing import Any

CLUSTER = "aws:emr/cluster:Cluster"
INSTANCE_FLEET = "aws:emr/instanceFleet:InstanceFleet"

#: 12 types across 4 families (m5, m6i, r5, c5).
TASK_TYPES = [
    "m5.xlarge",
    "m5.2xlarge",
    "m5.4xlarge",
    "m6i.xlarge",
    "m6i.2xlarge",
    "m6i.4xlarge",
    "r5.xlarge",
    "r5.2xlarge",
    "r5.4xlarge",
    "c5.2xlarge",
    "c5.4xlarge",
    "c5.9xlarge",
]
CORE_TYPES = ["m5.2xlarge", "m5.4xlarge", "m6i.2xlarge", "r5.2xlarge", "r5.4xlarge"]

GOOD_SPOT_SPEC = {
    "allocationStrategy": "price-capacity-optimized",
    "timeoutAction": "SWITCH_TO_ON_DEMAND",
    "timeoutDurationMinutes": 20,
}


def fleet(
    types: list[Any] | Any = None,
    *,
    spot: Any = 0,
    on_demand: Any = 0,
    spec: dict[str, Any] | Any | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "targetSpotCapacity": spot,
        "targetOnDemandCapacity": on_demand,
        "instanceTypeConfigs": (
            types if not isinstance(types, list) else [{"instanceType": t, "weightedCapacity": 1} for t in types]
        ),
    }
    if name:
        out["name"] = name
    if spec is not None:
        out["launchSpecifications"] = spec if not isinstance(spec, dict) else {"spotSpecifications": [spec]}
    return out


def cluster(
    *,
    primary: dict[str, Any] | None = None,
    core: dict[str, Any] | None = None,
    subnet_ids: Any = ("subnet-a", "subnet-b", "subnet-c"),
    **extra: Any,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "releaseLabel": "emr-7.5.0",
        "ec2Attributes": {"subnetIds": list(subnet_ids) if isinstance(subnet_ids, tuple) else subnet_ids},
        **extra,
    }
    props["masterInstanceFleet"] = primary if primary is not None else fleet(["m5.xlarge", "m6i.xlarge"], on_demand=1)
    if core is not None:
        props["coreInstanceFleet"] = core
    return props
