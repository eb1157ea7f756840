"""Validate a cluster's fleets as the EMR API would see them, before any resource exists.

``validate_with_botocore`` builds the ``RunJobFlow`` request the fleets determine, runs botocore's
``ParamValidator`` on the ``emr`` service model shipped with botocore, then the model constraints ParamValidator
leaves to the server (enums, maxima, patterns) and the EMR limits the model omits (30/5 types per fleet, a 1-unit
On-Demand primary, the 5-1440 minute Spot timeout, no instance heavier than a target part).
``plan_stack_fleets`` plans and validates both clusters of a stack right after the config is loaded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import botocore
import botocore.loaders
import botocore.model
import botocore.validate

from components.config.emr import (
    MAX_TYPES_WITH_ALLOCATION_STRATEGY,
    MAX_TYPES_WITHOUT_ALLOCATION_STRATEGY,
    SPOT_TIMEOUT_MINUTES_RANGE,
)
from components.config.stack import StackConfig

from .plan import ClusterFleets, plan_cluster_fleets
from .render import run_job_flow_fleet


def placeholder_subnet_ids(count: int) -> list[str]:
    """Stand-in subnet ids for validating at plan time, when the real ids are still unknown Outputs."""
    return [f"subnet-{i:017x}" for i in range(count)]


@functools.cache
def _emr_model() -> botocore.model.ServiceModel:
    # What ``botocore.session.Session.get_service_model`` does, without building a session (its imports and
    # config loading were ~0.05 s of every plan; docs/performance.md).
    loader = botocore.loaders.create_loader()
    return botocore.model.ServiceModel(loader.load_service_model("emr", "service-2"), service_name="emr")


def run_job_flow_request(
    fleets: ClusterFleets, subnet_ids: Sequence[str], *, release_label: str, name: str | None = None
) -> dict[str, Any]:
    """The part of a ``RunJobFlow`` request that the fleets determine (``Instances.InstanceFleets`` and
    ``Instances.Ec2SubnetIds``: EMR picks the best AZ among the subnets for instance fleets)."""
    return {
        "Name": name or fleets.primary.name.removesuffix("-primary"),
        "ReleaseLabel": release_label,
        "Instances": {
            "InstanceFleets": [run_job_flow_fleet(f) for f in fleets.all],
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
        single["Instances"]["InstanceFleets"] = [run_job_flow_fleet(fleet)]
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


def plan_stack_fleets(cfg: StackConfig) -> dict[str, ClusterFleets]:
    """Plan both clusters' fleets from the stack config and validate them against the EMR API model.

    Called right after the config is loaded, before any resource is registered: a fleet request EMR would refuse
    fails the run here, naming the fleet and its config key, instead of half-way through a deploy.
    """
    fleets: dict[str, ClusterFleets] = {}
    for cluster, side in (("onprem", "onprem"), ("burst", "compute")):
        if getattr(cfg.emr, cluster) is None:
            continue  # external mode: no on-prem cluster
        planned = plan_cluster_fleets(cluster, getattr(cfg.emr, cluster))
        subnets = placeholder_subnet_ids(getattr(cfg.network, side).az_count)
        validate_with_botocore(planned, subnets, release_label=cfg.emr.release_label)
        fleets[cluster] = planned
    return fleets
