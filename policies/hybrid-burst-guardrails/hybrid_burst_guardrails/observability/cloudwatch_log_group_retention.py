"""CloudWatch log groups keep logs at least as long as the stack's policy requires.

pulumi-aws 7.51.1 ``aws:cloudwatch/logGroup:LogGroup.retentionInDays``: "Possible values are: 1, 3, 5, 7, 14, 30,
60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, and 0. If you select 0, the
events in the log group are always retained and never expire." Unset means the same as 0 (CloudWatch Logs keeps
events indefinitely). A value given as a string is read as the provider reads it (``core/coerce.py``; ``"030"`` is
octal 24).

``minRetentionDays`` is the stack's minimum (prod keeps 365 days); ``allowNeverExpire`` says whether 0/unset
(never expire: meets any minimum, but grows cost without bound) is acceptable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import INVALID, describe, provider_int
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown

RULE_ID = "cloudwatch-log-group-retention"
DESCRIPTION = "CloudWatch log groups must retain events for at least the stack's minimum (and expire, if configured)."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set retention_in_days on the aws.cloudwatch.LogGroup to at least the stack's minRetentionDays (one of "
    "CloudWatch's allowed values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, ...); "
    "pass the stack's configured retention through to the component instead of a component default."
)
CONFIG_SCHEMA: ConfigSchema = {
    "minRetentionDays": {
        "type": "integer",
        "minimum": 1,
        "maximum": 3653,
        "default": 30,
        "description": "Smallest retentionInDays accepted.",
    },
    "allowNeverExpire": {
        "type": "boolean",
        "default": True,
        "description": "Accept retentionInDays 0 or unset (events never expire).",
    },
}

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
#: "If ``log_group_class`` is set to ``DELIVERY``, this argument is ignored and ``retention_in_days`` is forcibly set
#: to 2." (pulumi-aws 7.51.1 ``LogGroup`` docstring)
DELIVERY_RETENTION_DAYS = 2


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    raw = props.get("retentionInDays")
    if is_unknown(raw):
        ev.unknown("retentionInDays")
        return ev
    days = provider_int(raw)
    log_class = props.get("logGroupClass")
    if log_class == "DELIVERY":
        days = DELIVERY_RETENTION_DAYS  # the provider forces it, whatever retentionInDays says
    minimum = int(config["minRetentionDays"])
    name = props.get("name") if isinstance(props.get("name"), str) and not is_unknown(props.get("name")) else None
    label = f"Log group {name}" if name else "The log group"
    if days is INVALID:
        ev.fail(f"{label}: retentionInDays is {describe(raw)}, which the provider cannot read as a number of days.")
    elif days in (None, 0):
        if not config["allowNeverExpire"]:
            shown = "unset" if raw is None else f"{describe(raw)}"
            ev.fail(
                f"{label}: retentionInDays is {shown} (never expire); this stack requires an expiry of at least "
                f"{minimum} days."
            )
    elif isinstance(days, int) and days < minimum:
        if log_class == "DELIVERY":
            shown = f"{DELIVERY_RETENTION_DAYS} (forced by logGroupClass DELIVERY)"
        else:
            shown = f"{days}" if isinstance(raw, int | float) else f"{describe(raw)}, read as {days}"
        ev.fail(f"{label}: retentionInDays is {shown}; this stack's minimum is {minimum} days.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.OBSERVABILITY,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({LOG_GROUP}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
