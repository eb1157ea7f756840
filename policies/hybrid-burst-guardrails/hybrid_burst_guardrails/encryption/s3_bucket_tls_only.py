"""S3 buckets deny requests that do not use TLS (a bucket policy denying ``aws:SecureTransport`` = ``false``).

The policy comes from an ``aws:s3/bucketPolicy:BucketPolicy`` whose ``bucket`` refers to the bucket, or else from
the bucket's own ``policy`` property. A compliant statement: ``Effect: Deny``, any principal (``"*"`` or
``{"AWS": "*"}``), an action covering all of S3 (``s3:*`` or ``*``), and ``Condition: {"Bool" (or "BoolIfExists"):
{"aws:SecureTransport": "false"}}``. Pattern from AWS: https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
(``s3-bucket-ssl-requests-only``). Which ARNs the statement lists is not checked: a bucket policy can only name
its own bucket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import Statement, parse_document
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.s3 import BUCKET_TYPES, attachments
from hybrid_burst_guardrails.core.unknowns import contains_unknown, is_unknown
from hybrid_burst_guardrails.core.values import as_list

RULE_ID = "s3-bucket-tls-only"
DESCRIPTION = "S3 buckets must deny requests made without TLS (aws:SecureTransport = false)."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Add a BucketPolicy statement {Effect: Deny, Principal: '*', Action: 's3:*', Resource: [bucket ARN, "
    "bucket ARN + '/*'], Condition: {Bool: {'aws:SecureTransport': 'false'}}}."
)
CONFIG_SCHEMA: ConfigSchema = {}

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def _any_principal(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in as_list(principal.get("AWS"))
    return False


def _secure_transport_false(condition: object) -> bool | None:
    """True if the condition denies non-TLS; ``None`` if it cannot be told yet (unknown parts)."""
    if not isinstance(condition, Mapping):
        return False
    saw_unknown = False
    for operator in ("Bool", "BoolIfExists"):
        block = condition.get(operator)
        if is_unknown(block):
            saw_unknown = True
            continue
        if not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            if key.lower() != "aws:securetransport":
                continue
            values = as_list(value)
            if any(is_unknown(v) for v in values):
                saw_unknown = True
            if any(v is False or (isinstance(v, str) and v.lower() == "false") for v in values):
                return True
    return None if saw_unknown else False


def _denies_plain_http(statement: Statement) -> bool | None:
    if statement.effect != "Deny":
        return None if statement.effect_unknown else False
    principal = statement.raw.get("Principal")
    actions = statement.elements("Action")
    if contains_unknown(principal) or any(is_unknown(a) for a in actions):
        return None
    if not _any_principal(principal):
        return False
    if not any(isinstance(a, str) and a.lower() in {"*", "s3:*"} for a in actions):
        return False
    return _secure_transport_false(statement.raw.get("Condition"))


def _judge(policy: Any, path: str, bucket: StackResource, ev: Evaluation) -> None:
    doc = parse_document(path, policy)
    if doc.unknown:
        ev.unknown(path, bucket.urn)
        return
    if doc.error:
        ev.fail(f"Bucket '{bucket.name}': policy {path} is {doc.error}.", bucket.urn)
        return
    verdicts = [_denies_plain_http(s) for s in doc.statements]
    if any(v is True for v in verdicts):
        return
    if any(v is None for v in verdicts):
        ev.unknown(path, bucket.urn)
        return
    ev.fail(f"Bucket '{bucket.name}': policy {path} has no statement denying aws:SecureTransport=false.", bucket.urn)


def check(resources: Sequence[StackResource], _config: Config) -> Evaluation:
    ev = Evaluation()
    policies = [r for r in resources if r.type == BUCKET_POLICY]
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    by_bucket = attachments(buckets, policies)
    undetermined = by_bucket.undetermined
    for bucket in buckets:
        linked = by_bucket.of(bucket)
        if linked:
            for policy in linked:
                _judge(policy.props.get("policy"), f"{policy.name}.policy", bucket, ev)
        elif bucket.props.get("policy") not in (None, ""):
            _judge(bucket.props.get("policy"), f"{bucket.name}.policy", bucket, ev)
        elif undetermined:
            ev.unknown(f"{undetermined[0].name}.bucket", undetermined[0].urn)
        else:
            ev.fail(f"Bucket '{bucket.name}' has no bucket policy in this stack, so plain HTTP is allowed.", bucket.urn)
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=BUCKET_TYPES | {BUCKET_POLICY},
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
