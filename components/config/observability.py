"""``hybrid-burst:observability``: log retention, alarm thresholds, alarm subscriptions and the FIS Spot drill."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .types import LogRetentionDays, StrictModel

# EMR publishes its CloudWatch metrics every five minutes
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/UsingEMR_ViewingMetrics.html); an alarm period shorter
# than that would evaluate missing data.
EMR_METRIC_PERIOD_SECONDS = 300

# FIS target selection modes (https://docs.aws.amazon.com/fis/latest/userguide/targets.html#target-selection-mode).
_SELECTION_RE = re.compile(r"^(?:ALL|COUNT\((?P<count>\d+)\)|PERCENT\((?P<percent>\d+)\))$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_HTTPS_RE = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/\S*)?$")
# CloudWatch custom namespaces: 1-255 characters, must not start with "AWS/"
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
_NAMESPACE_RE = re.compile(r"^[A-Za-z0-9.\-_/#:]{1,255}$")


def validate_selection_mode(value: str) -> str:
    """``ALL``, ``COUNT(n)`` (n >= 1) or ``PERCENT(p)`` (1 <= p <= 100); raises ValueError naming the fix."""
    m = _SELECTION_RE.match(value)
    if not m:
        raise ValueError(
            "not an FIS selection mode; write ALL, COUNT(n) or PERCENT(p), e.g. COUNT(1) or PERCENT(25) "
            "(https://docs.aws.amazon.com/fis/latest/userguide/targets.html#target-selection-mode)"
        )
    if m.group("count") is not None and int(m.group("count")) < 1:
        raise ValueError("COUNT(n) needs n >= 1 (COUNT(0) interrupts nothing); use e.g. COUNT(1)")
    if m.group("percent") is not None and not 1 <= int(m.group("percent")) <= 100:
        raise ValueError("PERCENT(p) needs 1 <= p <= 100; use e.g. PERCENT(25)")
    return value


class Subscription(StrictModel):
    """One subscriber of the alarm topic."""

    protocol: Literal["email", "https"]
    """``email`` (the recipient confirms by mail) or ``https`` (the endpoint confirms the subscription). Required."""
    endpoint: str
    """An email address for ``email``, an ``https://`` URL for ``https``. Required."""

    @model_validator(mode="after")
    def _endpoint_matches_protocol(self) -> Subscription:
        if self.protocol == "email" and not _EMAIL_RE.match(self.endpoint):
            raise ValueError("@endpoint: not an email address; write e.g. oncall@example.com")
        if self.protocol == "https" and not _HTTPS_RE.match(self.endpoint):
            raise ValueError(
                "@endpoint: not an https URL; alarm notifications go only to TLS endpoints - write e.g. "
                "https://hooks.example.com/alarms"
            )
        return self


class AlarmThresholds(StrictModel):
    """Thresholds of the per-cluster alarms (EMR metrics, namespace ``AWS/ElasticMapReduce``)."""

    hdfs_utilization_percent: float = Field(default=80.0, gt=0, le=100)
    """Alarm when ``HDFSUtilization`` exceeds this percentage. Default: 80."""
    pending_containers: int = Field(default=50, ge=1)
    """Alarm when ``ContainerPending`` stays above this count ... Default: 50."""
    pending_periods: int = Field(default=3, ge=1, le=288)
    """... for this many consecutive 5-minute periods (sustained backlog, not a burst). Default: 3 (15 min)."""
    unhealthy_nodes: int = Field(default=0, ge=0)
    """Alarm when ``MRUnhealthyNodes`` exceeds this count. Default: 0 (any unhealthy node)."""


class FisConfig(StrictModel):
    """The Spot-interruption drill on the burst cluster's task fleet."""

    enabled: bool = False
    """Create the FIS experiment template. Default: off (the template only exists; running it is a manual step)."""
    selection_mode: str = "COUNT(1)"
    """How many running Spot task instances to interrupt: ``ALL``, ``COUNT(n)`` or ``PERCENT(p)``.
    Default: COUNT(1)."""

    @field_validator("selection_mode")
    @classmethod
    def _mode(cls, value: str) -> str:
        return validate_selection_mode(value)


class ObservabilityConfig(StrictModel):
    """Log retention, alarm thresholds, SNS subscriptions, metrics namespace and the FIS Spot drill."""

    log_retention_days: LogRetentionDays = 30
    """Retention of the EMR step, application, event, EMR on EKS job and FIS log groups (all KMS-encrypted; the VPC
    flow logs have their own, ``network.<side>.flowLogRetentionDays``). Default: 30 days."""
    metrics_namespace: str = "HybridBurst/Spark"
    """CloudWatch namespace of the Spark metrics the agent publishes; the instance role may publish only to it.
    Default: HybridBurst/Spark."""
    statsd_port: int = Field(default=8125, ge=1024, le=65535)
    """UDP port of the CloudWatch agent's StatsD listener on every node (Spark's StatsD sink sends to it).
    Default: 8125 (the agent's default)."""
    thresholds: AlarmThresholds = Field(default_factory=AlarmThresholds)
    """Alarm thresholds. Default: see ``AlarmThresholds``."""
    subscriptions: list[Subscription] = Field(default_factory=list)
    """Subscribers of the alarm topic. Default: none (alarms still fire and show on the dashboard)."""
    fis: FisConfig = Field(default_factory=FisConfig)
    """The Spot-interruption drill. Default: disabled."""

    @field_validator("metrics_namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if not _NAMESPACE_RE.match(value) or value.startswith("AWS/"):
            raise ValueError(
                "not a custom CloudWatch namespace: 1-255 letters, digits or . - _ / # : and not starting with "
                "AWS/ (reserved); write e.g. HybridBurst/Spark"
            )
        return value


PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "logRetentionDays": 7,
        "thresholds": {"hdfsUtilizationPercent": 85, "pendingContainers": 20, "pendingPeriods": 6, "unhealthyNodes": 1},
        "fis": {"enabled": True, "selectionMode": "ALL"},
    },
    "staging": {
        "logRetentionDays": 30,
        "thresholds": {"hdfsUtilizationPercent": 80, "pendingContainers": 50, "pendingPeriods": 3, "unhealthyNodes": 0},
        "fis": {"enabled": True, "selectionMode": "PERCENT(50)"},
    },
    "prod": {
        "logRetentionDays": 365,
        "thresholds": {
            "hdfsUtilizationPercent": 75,
            "pendingContainers": 100,
            "pendingPeriods": 3,
            "unhealthyNodes": 0,
        },
        "fis": {"enabled": True, "selectionMode": "COUNT(1)"},
    },
}
