"""EMR instance fleets as the spot rules see them.

Property names (pulumi-aws 7.51.1, ``pulumi_aws/emr/_inputs.py``):
``aws:emr/cluster:Cluster`` has ``masterInstanceFleet`` and ``coreInstanceFleet`` (objects); task fleets are
separate ``aws:emr/instanceFleet:InstanceFleet`` resources (pulumi-aws supports only TASK fleets there). A fleet has
``targetOnDemandCapacity``, ``targetSpotCapacity``, ``instanceTypeConfigs[].instanceType`` and
``launchSpecifications.spotSpecifications[]`` with ``allocationStrategy``, ``timeoutAction``,
``timeoutDurationMinutes`` (``launchSpecifications.onDemandSpecifications[].allocationStrategy``: only
``lowest-price`` exists). Instance groups: ``masterInstanceGroup``/``coreInstanceGroup`` on the cluster and
``aws:emr/instanceGroup:InstanceGroup``; a ``bidPrice`` makes a group Spot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .coerce import provider_int
from .unknowns import is_unknown
from .values import as_list, as_mapping, first_block, join_path

CLUSTER = "aws:emr/cluster:Cluster"
INSTANCE_FLEET = "aws:emr/instanceFleet:InstanceFleet"
INSTANCE_GROUP = "aws:emr/instanceGroup:InstanceGroup"

PRIMARY, CORE, TASK = "primary", "core", "task"


@dataclass(frozen=True)
class Fleet:
    """One instance fleet; ``path`` is where it sits in the resource's properties (for messages)."""

    role: str
    path: str
    props: Mapping[str, Any]

    def capacity(self, key: str) -> int | None:
        """Known capacity; 0 when unset; ``None`` when unknown."""
        value = self.props.get(key)
        if is_unknown(value):
            return None
        read = provider_int(value)
        return read if isinstance(read, int) else 0

    @property
    def spot_capacity(self) -> int | None:
        return self.capacity("targetSpotCapacity")

    @property
    def on_demand_capacity(self) -> int | None:
        return self.capacity("targetOnDemandCapacity")

    def instance_types(self) -> tuple[list[str], list[str]]:
        """(known instance types, paths of unknown ones). An unknown list is one unknown path."""
        configs = self.props.get("instanceTypeConfigs")
        if is_unknown(configs):
            return [], [join_path(self.path, "instanceTypeConfigs")]
        known: list[str] = []
        unknown: list[str] = []
        for i, entry in enumerate(as_list(configs)):
            block = as_mapping(entry)
            if block is None:
                if is_unknown(entry):
                    unknown.append(join_path(self.path, "instanceTypeConfigs", i))
                continue
            itype = block.get("instanceType")
            if is_unknown(itype):
                unknown.append(join_path(self.path, "instanceTypeConfigs", i, "instanceType"))
            elif isinstance(itype, str) and itype:
                known.append(itype)
        return known, unknown

    def spot_specifications(self) -> tuple[list[Mapping[str, Any]], bool]:
        """(spot specification blocks, whether the launch specifications were unknown)."""
        specs = self.props.get("launchSpecifications")
        if is_unknown(specs):
            return [], True
        block = as_mapping(first_block(specs))
        if block is None:
            return [], False
        spot = block.get("spotSpecifications")
        if is_unknown(spot):
            return [], True
        return [s for s in as_list(spot) if isinstance(s, Mapping)], False


def fleets(resource_type: str, props: Mapping[str, Any]) -> list[Fleet]:
    """The fleets a resource declares: primary/core inline on a cluster, or one task fleet."""
    if resource_type == INSTANCE_FLEET:
        return [Fleet(TASK, "", props)]
    if resource_type != CLUSTER:
        return []
    out: list[Fleet] = []
    for role, key in ((PRIMARY, "masterInstanceFleet"), (CORE, "coreInstanceFleet")):
        block = as_mapping(first_block(props.get(key)))
        if block is not None:
            out.append(Fleet(role, key, block))
    return out


def uses_fleets(props: Mapping[str, Any]) -> bool:
    return any(props.get(k) is not None for k in ("masterInstanceFleet", "coreInstanceFleet"))


def family_of(instance_type: str) -> str:
    """The part before the dot: ``m5.xlarge`` -> ``m5``; ``m5`` and ``m6i`` are different families."""
    return instance_type.split(".", 1)[0]
