"""Every EMR fleet that uses Spot sets a capacity-aware allocation strategy.

``launchSpecifications.spotSpecifications[].allocationStrategy`` (pulumi-aws 7.51.1: "price-capacity-optimized,
capacity-optimized, lowest-price, or diversified"). ``lowest-price`` and ``diversified`` ignore pool depth and raise
interruption rates; AWS recommends price-capacity-optimized
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html#emr-instance-fleet-allocation-strategy).
Fleets without Spot capacity are not concerned: On-Demand fleets only have ``lowest-price``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.emr import CLUSTER, INSTANCE_FLEET, fleets
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "emr-fleet-allocation-strategy"
DESCRIPTION = "EMR fleets using Spot must set a price-capacity-optimized or capacity-optimized allocation strategy."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set launch_specifications.spot_specifications=[{allocation_strategy: 'price-capacity-optimized', "
    "timeout_action: 'SWITCH_TO_ON_DEMAND', timeout_duration_minutes: 20}] on the fleet."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedStrategies": {
        "type": "array",
        "items": {
            "type": "string",
            "enum": ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized"],
        },
        "minItems": 1,
        "default": ["price-capacity-optimized", "capacity-optimized"],
        "description": "Spot allocation strategies accepted for EMR fleets.",
    },
}


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    allowed = list(config["allowedStrategies"])
    for fleet in fleets(resource_type, props):
        spot = fleet.spot_capacity
        label = f"{fleet.role} fleet ({fleet.path or 'task fleet'})"
        if spot is None:
            ev.unknown(join_path(fleet.path, "targetSpotCapacity") or "targetSpotCapacity")
            continue
        if spot <= 0:
            continue
        specs, unknown = fleet.spot_specifications()
        if unknown:
            ev.unknown(join_path(fleet.path, "launchSpecifications") or "launchSpecifications")
            continue
        if not specs:
            ev.fail(f"{label} uses Spot without launchSpecifications.spotSpecifications (no allocation strategy).")
            continue
        for i, spec in enumerate(specs):
            strategy = spec.get("allocationStrategy")
            if is_unknown(strategy):
                ev.unknown(join_path(fleet.path, "launchSpecifications", "spotSpecifications", i, "allocationStrategy"))
            elif strategy not in allowed:
                shown = "unset" if strategy in (None, "") else repr(strategy)
                ev.fail(f"{label} Spot allocationStrategy is {shown}; use one of {allowed}.")
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
