"""EMR fleets that use Spot set a provisioning timeout and an action for when it expires.

``launchSpecifications.spotSpecifications[].timeoutAction`` (``SWITCH_TO_ON_DEMAND`` or ``TERMINATE_CLUSTER``) and
``timeoutDurationMinutes`` ("Minimum value is 5 and maximum value is 1440. The timeout applies only during initial
provisioning, when the cluster is first created": pulumi-aws 7.51.1 ``pulumi_aws/emr/_inputs.py``). Without them a
cluster can wait for Spot capacity indefinitely. pulumi-aws 7 has no ``resizeSpecifications``, so resize timeouts
cannot be set or checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_int
from hybrid_burst_guardrails.core.emr import CLUSTER, INSTANCE_FLEET, fleets
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "emr-fleet-spot-timeout"
DESCRIPTION = "EMR fleets using Spot must set a provisioning timeout and a timeout action."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set timeout_action='SWITCH_TO_ON_DEMAND' and timeout_duration_minutes (5 to the configured maximum) in "
    "launch_specifications.spot_specifications."
)
MIN_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES = 5, 1440
CONFIG_SCHEMA: ConfigSchema = {
    "maxTimeoutDurationMinutes": {
        "type": "integer",
        "minimum": MIN_TIMEOUT_MINUTES,
        "maximum": MAX_TIMEOUT_MINUTES,
        "default": 60,
        "description": "Longest accepted timeoutDurationMinutes (AWS allows 5-1440).",
    },
    "allowedTimeoutActions": {
        "type": "array",
        "items": {"type": "string", "enum": ["SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"]},
        "minItems": 1,
        "default": ["SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"],
        "description": "Accepted timeoutAction values.",
    },
}


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    max_minutes = int(config["maxTimeoutDurationMinutes"])
    actions = list(config["allowedTimeoutActions"])
    for fleet in fleets(resource_type, props):
        label = f"{fleet.role} fleet ({fleet.path or 'task fleet'})"
        spot = fleet.spot_capacity
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
            ev.fail(f"{label} uses Spot without spotSpecifications: no provisioning timeout or timeout action.")
            continue
        for i, spec in enumerate(specs):
            base = join_path(fleet.path, "launchSpecifications", "spotSpecifications", i)
            action, minutes = spec.get("timeoutAction"), spec.get("timeoutDurationMinutes")
            if is_unknown(action):
                ev.unknown(join_path(base, "timeoutAction"))
            elif action not in actions:
                shown = "unset" if action in (None, "") else repr(action)
                ev.fail(f"{label} timeoutAction is {shown}; use one of {actions}.")
            if is_unknown(minutes):
                ev.unknown(join_path(base, "timeoutDurationMinutes"))
                continue
            read = provider_int(minutes)
            value = read if isinstance(read, int) else None
            if value is None:
                ev.fail(f"{label} sets no timeoutDurationMinutes.")
            elif not MIN_TIMEOUT_MINUTES <= value <= max_minutes:
                ev.fail(f"{label} timeoutDurationMinutes is {value}; allowed {MIN_TIMEOUT_MINUTES}-{max_minutes}.")
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
