"""S3 bucket types and the joins between a bucket and its separate configuration resources.

pulumi-aws 7.51.1: ``aws:s3/bucket:Bucket`` (the former ``BucketV2``) and the legacy ``aws:s3/bucketV2:BucketV2``;
separate resources reference the bucket through their ``bucket`` input (the bucket's id, which is its name).
"""

from __future__ import annotations

from collections.abc import Sequence

from hybrid_burst_guardrails.core.links import Attachments
from hybrid_burst_guardrails.core.rule import StackResource

BUCKET_TYPES: frozenset[str] = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})

#: A bucket is identified by its id (= name) or ``bucket`` output; ARNs show up in hand-written policies.
BUCKET_KEYS = ("id", "bucket", "arn")


def attachments(
    buckets: Sequence[StackResource], candidates: Sequence[StackResource], prop: str = "bucket"
) -> Attachments:
    """Index which ``candidates`` (configuration resources) belong to which bucket through ``prop``."""
    return Attachments(buckets, candidates, prop, BUCKET_KEYS)
