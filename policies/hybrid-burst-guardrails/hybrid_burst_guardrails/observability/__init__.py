"""Observability family: logs kept as long as the stack requires, alarms that notify."""

from hybrid_burst_guardrails.core.rule import Rule

from . import cloudwatch_alarm_actions, cloudwatch_log_group_retention

RULES: tuple[Rule, ...] = (
    cloudwatch_log_group_retention.RULE,
    cloudwatch_alarm_actions.RULE,
)

__all__ = ["RULES"]
