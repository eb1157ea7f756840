"""S3 buckets encrypt by default with SSE-KMS (``aws:kms`` or ``aws:kms:dsse``), judged across the stack.

A bucket is compliant when a separate ``BucketServerSideEncryptionConfiguration`` (pulumi-aws 7 token, or the
legacy ``...V2`` token) for it sets ``rules[].applyServerSideEncryptionByDefault.sseAlgorithm`` to a KMS algorithm,
or, without one, when the bucket's legacy inline ``serverSideEncryptionConfiguration.rule`` does. The separate
resource wins over the inline block: after a real deployment a bucket's outputs can show the SSE-S3 default that
S3 applied before the separate configuration took effect.

Sources: pulumi-aws 7.51.1 ``pulumi_aws/s3/_inputs.py`` (``BucketServerSideEncryptionConfigurationRuleArgs``:
``applyServerSideEncryptionByDefault.sseAlgorithm`` "Valid values are ``AES256``, ``aws:kms``, and
``aws:kms:dsse``"; ``kmsMasterKeyId``: "The default ``aws/s3`` AWS KMS master key is used if this element is
absent").

Server access log targets: the S3 User Guide (enable-server-access-logging) long stated that a log destination
bucket can use default encryption only with SSE-S3; KMS-encrypted destinations work only with a key policy granting
``logging.s3.amazonaws.com`` (see aws/aws-cdk#23513 and #24789). A bucket that is the ``targetBucket`` of an
``aws:s3/bucketLogging:BucketLogging`` (or legacy ``...V2``) in the stack may therefore use ``AES256`` while
``allowSseS3ForAccessLogTargets`` is true; no bucket may go without default encryption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.s3 import BUCKET_TYPES, attachments
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block, join_path

RULE_ID = "s3-bucket-sse-kms"
DESCRIPTION = "S3 buckets must use SSE-KMS (aws:kms or aws:kms:dsse) default encryption."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with rules="
    "[{apply_server_side_encryption_by_default: {sse_algorithm: 'aws:kms', kms_master_key_id: key.arn}, "
    "bucket_key_enabled: True}] (the lake components' storage zones do this for you)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedAlgorithms": {
        "type": "array",
        "items": {"type": "string", "enum": ["aws:kms", "aws:kms:dsse"]},
        "minItems": 1,
        "default": ["aws:kms", "aws:kms:dsse"],
        "description": "sseAlgorithm values that count as SSE-KMS.",
    },
    "requireCustomerManagedKey": {
        "type": "boolean",
        "default": False,
        "description": "Also require kmsMasterKeyId (a customer managed key, not the aws/s3 AWS managed key).",
    },
    "allowSseS3ForAccessLogTargets": {
        "type": "boolean",
        "default": True,
        "description": "Let buckets that receive S3 server access logs (BucketLogging targetBucket) use AES256.",
    },
}

SSE_CONFIG_TYPES: frozenset[str] = frozenset(
    {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    }
)
LOGGING_TYPES: frozenset[str] = frozenset(
    {"aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"}
)
SSE_S3 = "AES256"


@dataclass(frozen=True)
class _Subject:
    """Who is judged: the message prefix, the URN violations go to, and whether AES256 is acceptable."""

    label: str
    urn: str
    log_target: bool = False


def _judge_rules(rules: Sequence[Any], base: str, config: Config, ev: Evaluation, subject: _Subject) -> None:
    """Judge ``rule`` blocks (each with ``applyServerSideEncryptionByDefault``)."""
    allowed = set(config["allowedAlgorithms"])
    if subject.log_target and config["allowSseS3ForAccessLogTargets"]:
        allowed.add(SSE_S3)
    defaults = []
    for i, rule in enumerate(rules):
        if is_unknown(rule):
            ev.unknown(join_path(base, i), subject.urn)
            return
        block = as_mapping(rule)
        apply = block.get("applyServerSideEncryptionByDefault") if block else None
        if is_unknown(apply):
            ev.unknown(join_path(base, i, "applyServerSideEncryptionByDefault"), subject.urn)
            return
        apply_block = as_mapping(first_block(apply))
        if apply_block is not None:
            defaults.append((i, apply_block))
    if not defaults:
        ev.fail(f"{subject.label} has no applyServerSideEncryptionByDefault block.", subject.urn)
        return
    for i, apply_block in defaults:
        algorithm = apply_block.get("sseAlgorithm")
        path = join_path(base, i, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        if is_unknown(algorithm):
            ev.unknown(path, subject.urn)
        elif algorithm not in allowed:
            ev.fail(f"{subject.label} uses sseAlgorithm={algorithm!r}; allowed: {sorted(allowed)}.", subject.urn)
        elif config["requireCustomerManagedKey"] and algorithm != SSE_S3:
            key = apply_block.get("kmsMasterKeyId")
            if not is_unknown(key) and (not isinstance(key, str) or not key or key == "alias/aws/s3"):
                ev.fail(
                    f"{subject.label} uses the AWS managed key aws/s3; set kmsMasterKeyId to a customer managed key.",
                    subject.urn,
                )


def _inline_rules(bucket: StackResource) -> tuple[list[Any] | None, bool]:
    """(legacy inline ``rule`` blocks, unknown?) from ``serverSideEncryptionConfiguration.rule``."""
    block = bucket.props.get("serverSideEncryptionConfiguration")
    if is_unknown(block):
        return None, True
    sse = as_mapping(first_block(block))
    if sse is None:
        return None, False
    rule = sse.get("rule")
    if is_unknown(rule):
        return None, True
    return (as_list(rule) or None), False


def _judge_config(cfg: StackResource, config: Config, ev: Evaluation, subject: _Subject) -> None:
    rules = cfg.props.get("rules")
    if is_unknown(rules):
        ev.unknown(f"{cfg.name}.rules", subject.urn)
        return
    _judge_rules(as_list(rules), f"{cfg.name}.rules", config, ev, subject)


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    configs = [r for r in resources if r.type in SSE_CONFIG_TYPES]
    loggings = [r for r in resources if r.type in LOGGING_TYPES]
    by_bucket = attachments(buckets, configs)
    log_targets = attachments(buckets, loggings, "targetBucket")
    undetermined = by_bucket.undetermined
    for bucket in buckets:
        linked = by_bucket.of(bucket)
        log_target = bool(log_targets.of(bucket))
        label = f"Bucket '{bucket.name}'"
        if linked:
            for cfg in linked:
                _judge_config(cfg, config, ev, _Subject(f"{label} (via '{cfg.name}')", bucket.urn, log_target))
            continue
        inline, inline_unknown = _inline_rules(bucket)
        if inline is not None:
            rules_path = "serverSideEncryptionConfiguration.rule"
            _judge_rules(inline, rules_path, config, ev, _Subject(label, bucket.urn, log_target))
        elif inline_unknown:
            ev.unknown(f"{bucket.name}.serverSideEncryptionConfiguration", bucket.urn)
        elif undetermined:
            ev.unknown(f"{undetermined[0].name}.bucket", undetermined[0].urn)
        else:
            ev.fail(f"{label} has no server-side encryption configuration in this stack.", bucket.urn)
    # Configurations for buckets outside this stack still must not downgrade to SSE-S3.
    claimed = by_bucket.linked_sources
    for cfg in configs:
        if cfg.urn not in claimed:
            _judge_config(cfg, config, ev, _Subject(f"Encryption configuration '{cfg.name}'", cfg.urn))
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=BUCKET_TYPES | SSE_CONFIG_TYPES | LOGGING_TYPES,
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
