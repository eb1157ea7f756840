"""CloudWatch log groups are encrypted with a KMS key (``kmsKeyId``).

Property name: pulumi-aws 7.51.1 ``pulumi_aws/cloudwatch/log_group.py`` getter ``kmsKeyId``. An unknown value
during preview is a key ARN still being created, so it counts as set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.values import is_set

RULE_ID = "cloudwatch-log-group-kms"
DESCRIPTION = "CloudWatch log groups must be encrypted with a KMS key."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set kms_key_id=key.arn on the aws.cloudwatch.LogGroup; the key policy must allow the logs.<region>."
    "amazonaws.com service principal."
)
CONFIG_SCHEMA: ConfigSchema = {}

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def check(_resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    if not is_set(props.get("kmsKeyId")):
        ev.fail("kmsKeyId is not set: the log group uses CloudWatch's default service-owned encryption.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({LOG_GROUP}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
