"""EMR fleets that use Spot list enough instance types across enough families.

Spot capacity is reclaimed per instance pool (type x AZ); the more pools a fleet can draw from, the fewer
interruptions and the faster it refills (AWS: "Be flexible about instance types and Availability Zones",
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html). A *family* is the part of the type
before the dot: ``m5`` and ``m6i`` differ, eight sizes of ``m5`` are one family. Task fleets
(``aws:emr/instanceFleet:InstanceFleet``) and the core fleet (``coreInstanceFleet`` on ``aws:emr/cluster:Cluster``)
have separate thresholds. EMR accepts up to 30 instance types per fleet when an allocation strategy is set
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html), so thresholds cap at 30.
The primary fleet is left to ``emr-primary-fleet-on-demand``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.emr import CLUSTER, CORE, INSTANCE_FLEET, TASK, Fleet, family_of, fleets
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "emr-fleet-spot-diversification"
DESCRIPTION = "EMR instance fleets using Spot must list enough instance types across enough families."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Add instance_type_configs across several families (e.g. m5, m5a, m6i, m6a, m7i, r5, r6i; several sizes "
    "each with matching weighted_capacity); the fleet builder in components/emr generates them from a family list."
)

MAX_TYPES_PER_FLEET = 30


def _threshold(description: str, default: int) -> dict[str, Any]:
    return {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_TYPES_PER_FLEET,
        "default": default,
        "description": description,
    }


CONFIG_SCHEMA: ConfigSchema = {
    "taskMinInstanceTypes": _threshold("Minimum distinct instance types in a Spot task fleet.", 10),
    "taskMinFamilies": _threshold("Minimum distinct instance families in a Spot task fleet.", 3),
    "coreMinInstanceTypes": _threshold("Minimum distinct instance types in a Spot core fleet.", 5),
    "coreMinFamilies": _threshold("Minimum distinct instance families in a Spot core fleet.", 2),
}


def _judge(fleet: Fleet, config: Config, ev: Evaluation) -> None:
    spot = fleet.spot_capacity
    if spot is None:
        ev.unknown(join_path(fleet.path, "targetSpotCapacity") or "targetSpotCapacity")
        return
    if spot <= 0:
        return
    prefix = "task" if fleet.role == TASK else "core"
    min_types, min_families = int(config[f"{prefix}MinInstanceTypes"]), int(config[f"{prefix}MinFamilies"])
    known, unknown = fleet.instance_types()
    types = sorted(set(known))
    families = sorted({family_of(t) for t in types})
    if len(types) >= min_types and len(families) >= min_families:
        return
    if unknown:
        for path in unknown:
            ev.unknown(path or "instanceTypeConfigs")
        return
    where = fleet.path or "task fleet"
    problems = []
    if len(types) < min_types:
        problems.append(f"{len(types)} instance type(s), needs >= {min_types}")
    if len(families) < min_families:
        noun = "family" if len(families) == 1 else "families"
        problems.append(f"{len(families)} {noun} ({', '.join(families)}), needs >= {min_families}")
    ev.fail(f"{fleet.role} fleet ({where}) uses Spot with {' and '.join(problems)}.")


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    for fleet in fleets(resource_type, props):
        if fleet.role in {CORE, TASK}:
            _judge(fleet, config, ev)
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER, INSTANCE_FLEET}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
