"""SNS topics are encrypted with a KMS key (``kmsMasterKeyId``).

Property name: pulumi-aws 7.51.1 ``pulumi_aws/sns/topic.py`` getter ``kmsMasterKeyId``. The AWS managed key
``alias/aws/sns`` encrypts too, but its key policy cannot be changed, so EventBridge and CloudWatch alarms cannot
publish to such a topic (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); whether it is accepted
is configurable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.values import is_set

RULE_ID = "sns-topic-kms"
DESCRIPTION = "SNS topics must be encrypted with a KMS key."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set kms_master_key_id=key.arn (a customer managed key whose policy lets events.amazonaws.com and "
    "cloudwatch.amazonaws.com use it) on the aws.sns.Topic."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowAwsManagedKey": {
        "type": "boolean",
        "default": True,
        "description": "Accept the AWS managed key alias/aws/sns.",
    },
}

TOPIC = "aws:sns/topic:Topic"
AWS_MANAGED_ALIAS = "alias/aws/sns"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    key = props.get("kmsMasterKeyId")
    if not is_set(key):
        ev.fail("kmsMasterKeyId is not set: the topic is not encrypted at rest.")
    elif key == AWS_MANAGED_ALIAS and not config["allowAwsManagedKey"]:
        ev.fail("kmsMasterKeyId is the AWS managed key alias/aws/sns; use a customer managed key.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({TOPIC}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
