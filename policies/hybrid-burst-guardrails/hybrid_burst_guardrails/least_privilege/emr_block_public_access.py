"""EMR block public access stays on, and permits no public port beyond the allowed ones (SSH, 22, by default).

``aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration`` (pulumi-aws 7.51.1 getters
``blockPublicSecurityGroupRules``, ``permittedPublicSecurityGroupRuleRanges[].{minRange, maxRange}``). AWS enables
block public access with port 22 as the only exception by default
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import describe, provider_bool, provider_int
from hybrid_burst_guardrails.core.ports import describe_range
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, join_path

RULE_ID = "emr-block-public-access"
DESCRIPTION = "EMR block public access must be enabled and permit no public ports beyond the allowed ones."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Set block_public_security_group_rules=True and keep permitted_public_security_group_rule_ranges to "
    "[{min_range: 22, max_range: 22}] or empty."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedPermittedPorts": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "default": [22],
        "description": "Ports that may appear in permittedPublicSecurityGroupRuleRanges.",
    },
}

BPA = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    enabled = props.get("blockPublicSecurityGroupRules")
    if is_unknown(enabled):
        ev.unknown("blockPublicSecurityGroupRules")
    elif provider_bool(enabled) is not True:
        shown = "unset" if enabled is None else describe(enabled)
        ev.fail(
            f"blockPublicSecurityGroupRules is {shown}, not true: EMR will launch clusters with public security "
            "group rules."
        )
        return ev
    ranges = props.get("permittedPublicSecurityGroupRuleRanges")
    if is_unknown(ranges):
        ev.unknown("permittedPublicSecurityGroupRuleRanges")
        return ev
    allowed = set(config["allowedPermittedPorts"])
    for i, raw in enumerate(as_list(ranges)):
        entry = as_mapping(raw)
        path = join_path("permittedPublicSecurityGroupRuleRanges", i)
        if entry is None:
            if is_unknown(raw):
                ev.unknown(path)
            continue
        low, high = entry.get("minRange"), entry.get("maxRange")
        if is_unknown(low) or is_unknown(high):
            ev.unknown(path)
            continue
        lo, hi = provider_int(low), provider_int(high)
        if not isinstance(lo, int) or not isinstance(hi, int):
            continue
        extra = [p for p in range(min(lo, hi), max(lo, hi) + 1) if p not in allowed][:1]
        if extra:
            ev.fail(f"{path} permits public {describe_range(lo, hi)}; allowed ports: {sorted(allowed)}.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({BPA}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
