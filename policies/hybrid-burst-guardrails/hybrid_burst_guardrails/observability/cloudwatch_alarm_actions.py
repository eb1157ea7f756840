"""CloudWatch alarms notify someone: actions enabled and an alarm action (and, if configured, an OK action).

pulumi-aws 7.51.1 ``aws:cloudwatch/metricAlarm:MetricAlarm`` and ``aws:cloudwatch/compositeAlarm:CompositeAlarm``:
``actionsEnabled`` ("Indicates whether or not actions should be executed during any changes to the alarm's state.
Defaults to ``true``"), ``alarmActions``, ``okActions``, ``insufficientDataActions`` (ARNs, e.g. an SNS topic). An
alarm with actions disabled or no alarm action changes state silently. ``actionsEnabled`` given as a string is read
as the provider does (``"false"``, ``"0"``, ``"False"`` disable actions; ``core/coerce.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import INVALID, describe, provider_bool
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import is_set

RULE_ID = "cloudwatch-alarm-actions"
DESCRIPTION = "CloudWatch alarms must have actions enabled and notify an alarm action (and an OK action if required)."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set alarm_actions=[topic.arn] (and ok_actions=[topic.arn] where the stack requires recovery notices) on the "
    "aws.cloudwatch.MetricAlarm/CompositeAlarm, and leave actions_enabled unset or True."
)
CONFIG_SCHEMA: ConfigSchema = {
    "requireOkActions": {
        "type": "boolean",
        "default": False,
        "description": "Alarms must also notify when they return to OK (okActions).",
    },
}

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    name = props.get("name", props.get("alarmName"))
    label = f"Alarm {name}" if isinstance(name, str) and not is_unknown(name) else "The alarm"
    enabled = props.get("actionsEnabled")
    if is_unknown(enabled):
        ev.unknown("actionsEnabled")
    else:
        reading = provider_bool(enabled)
        if reading is INVALID:
            ev.fail(f"{label}: actionsEnabled is {describe(enabled)}, which the provider cannot read as a boolean.")
        elif reading is False and enabled not in (None, ""):
            ev.fail(f"{label}: actionsEnabled is {describe(enabled)}: state changes notify no one.")
    if not is_set(props.get("alarmActions")):
        ev.fail(f"{label} has no alarmActions: entering ALARM notifies no one.")
    if config["requireOkActions"] and not is_set(props.get("okActions")):
        ev.fail(f"{label} has no okActions, which this stack requires (recovery notices).")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.OBSERVABILITY,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({METRIC_ALARM, COMPOSITE_ALARM}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
