"""The EMR primary node never runs on Spot.

Losing the primary node terminates the whole cluster; AWS recommends On-Demand for it
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-instances-guidelines.html). Checks
``masterInstanceFleet.targetSpotCapacity`` (must be 0 or unset) and ``masterInstanceGroup.bidPrice`` (must be unset)
on ``aws:emr/cluster:Cluster``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.emr import CLUSTER, PRIMARY, fleets
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_mapping, first_block, is_set

RULE_ID = "emr-primary-fleet-on-demand"
DESCRIPTION = "The EMR primary (master) node must run On-Demand, never on Spot."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Set master_instance_fleet.target_on_demand_capacity=1 and target_spot_capacity=0 (or drop bid_price from "
    "master_instance_group)."
)
CONFIG_SCHEMA: ConfigSchema = {}


def check(resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    for fleet in fleets(resource_type, props):
        if fleet.role != PRIMARY:
            continue
        spot = fleet.spot_capacity
        if spot is None:
            ev.unknown("masterInstanceFleet.targetSpotCapacity")
        elif spot > 0:
            ev.fail(f"masterInstanceFleet.targetSpotCapacity is {spot}: the primary node would run on Spot.")
    group = props.get("masterInstanceGroup")
    if is_unknown(group):
        ev.unknown("masterInstanceGroup")
        return ev
    block = as_mapping(first_block(group))
    if block is not None:
        bid = block.get("bidPrice")
        if is_unknown(bid):
            ev.unknown("masterInstanceGroup.bidPrice")
        elif is_set(bid):
            ev.fail(f"masterInstanceGroup.bidPrice is {bid!r}: the primary node would run on Spot.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
