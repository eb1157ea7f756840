"""S3 buckets have a full public access block (all four settings true), judged across the stack.

A bucket is covered by an ``aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock`` whose ``bucket`` refers to it,
or (if ``acceptAccountLevelBlock``) by an ``aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock`` in the same
stack. Property names: pulumi-aws 7.51.1 ``pulumi_aws/s3/bucket_public_access_block.py`` getters
``blockPublicAcls``, ``blockPublicPolicy``, ``ignorePublicAcls``, ``restrictPublicBuckets``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_bool
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.s3 import BUCKET_TYPES, attachments
from hybrid_burst_guardrails.core.unknowns import is_unknown

RULE_ID = "s3-bucket-public-access-block"
DESCRIPTION = "S3 buckets must have a public access block with all four settings enabled."
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with block_public_acls, block_public_policy, "
    "ignore_public_acls and restrict_public_buckets all set to True."
)
CONFIG_SCHEMA: ConfigSchema = {
    "acceptAccountLevelBlock": {
        "type": "boolean",
        "default": True,
        "description": "A full AccountPublicAccessBlock in the same stack also covers its buckets.",
    },
}

BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _flags(block: StackResource) -> tuple[list[str], list[str]]:
    """(flags that are not true, flags that are unknown)."""
    off = [f for f in FLAGS if not is_unknown(block.props.get(f)) and provider_bool(block.props.get(f)) is not True]
    unknown = [f"{block.name}.{f}" for f in FLAGS if is_unknown(block.props.get(f))]
    return off, unknown


def _is_full(block: StackResource) -> bool:
    off, unknown = _flags(block)
    return not off and not unknown


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    blocks = [r for r in resources if r.type == BUCKET_PAB]
    account_blocks = [r for r in resources if r.type == ACCOUNT_PAB]
    account_full = config["acceptAccountLevelBlock"] and any(_is_full(b) for b in account_blocks)
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    by_bucket = attachments(buckets, blocks)
    undetermined = by_bucket.undetermined
    for bucket in buckets:
        linked = by_bucket.of(bucket)
        if not linked:
            if account_full:
                continue
            if undetermined:
                ev.unknown(f"{undetermined[0].name}.bucket", undetermined[0].urn)
            else:
                ev.fail(f"Bucket '{bucket.name}' has no public access block in this stack.", bucket.urn)
            continue
        for block in linked:
            off, unknown = _flags(block)
            if off:
                ev.fail(
                    f"Bucket '{bucket.name}': public access block '{block.name}' leaves {', '.join(off)} not enabled.",
                    bucket.urn,
                )
            for path in unknown:
                ev.unknown(path, bucket.urn)
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=BUCKET_TYPES | {BUCKET_PAB, ACCOUNT_PAB},
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
