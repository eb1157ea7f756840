"""StorageZones: one region's S3 buckets (data zones, EMR logs, Trino exchange, results, artifacts) hardened
the same way, plus the access-logs bucket they log to, and intent-based grants on each.

Every bucket: SSE-KMS with the region's data key and S3 Bucket Keys, versioning, all four public-access blocks,
``BucketOwnerEnforced`` ownership (ACLs off), a bucket policy denying non-TLS requests, server access logging to
the access-logs bucket, and lifecycle rules. The access-logs bucket is the documented exception on two counts
(ADR 0003): it is SSE-S3 encrypted, because S3 server access log delivery supports only SSE-S3 on the target
bucket, and it does not log to itself (AWS recommends against it: every log write would create more logs).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.security import grants

ACCESS_LOGS = "access-logs"
"""The server-access-log target zone; always created."""
DATA_ZONES = frozenset({"raw", "curated"})
"""Zones holding lake data (catalogued, registered with Lake Formation)."""
SCRATCH_ZONES = frozenset({"exchange"})
"""Zones holding only transient data (Trino exchange/spill): never protected."""
KNOWN_ZONES = frozenset({"raw", "curated", "logs", "exchange", "results", "artifacts", ACCESS_LOGS})

_SseDefault = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
_AbortMultipart = aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs

TRANSITION_MIN_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
"""S3 lifecycle: IA classes need objects at least 30 days old
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html)."""


class ZoneBucket:
    """One zone's bucket as other components see it: names, ARNs and least-privilege grants.

    ``grant_read``/``grant_write`` return IAM statements scoped to the bucket ARN and the prefix, plus the KMS
    usage the bucket's SSE-KMS key needs (none for the SSE-S3 access-logs bucket).
    """

    def __init__(
        self,
        zone: str,
        bucket: aws.s3.Bucket,
        kms_key_arn: pulumi.Input[str] | None,
    ) -> None:
        self.zone = zone
        self.bucket_name: pulumi.Output[str] = bucket.bucket
        self.bucket_arn: pulumi.Output[str] = bucket.arn
        self.bucket_id: pulumi.Output[str] = bucket.id
        self.kms_key_arn: pulumi.Input[str] | None = kms_key_arn

    def s3_uri(self, prefix: str = "") -> pulumi.Output[str]:
        """``s3://<bucket>/<prefix>`` (prefix normalised to end with ``/`` when given)."""
        p = prefix.strip("/")
        return pulumi.Output.concat("s3://", self.bucket_name, "/", f"{p}/" if p else "")

    def grant_read(self, prefix: str = "") -> list[grants.Statement]:
        """Read and list objects under ``prefix`` (whole bucket when empty); decrypt with the bucket's key."""
        stmts = grants.s3_read(self.bucket_arn, prefix, sid=f"{self.zone} read")
        if self.kms_key_arn is not None:
            stmts.append(grants.kms_use([self.kms_key_arn], decrypt_only=True, sid=f"{self.zone} key decrypt"))
        return stmts

    def grant_write(self, prefix: str = "", delete: bool = False) -> list[grants.Statement]:
        """Write (and with ``delete``, delete) objects under ``prefix``; encrypt with the bucket's key."""
        stmts = grants.s3_write(self.bucket_arn, prefix, delete=delete, sid=f"{self.zone} write")
        if self.kms_key_arn is not None:
            stmts.append(grants.kms_use([self.kms_key_arn], sid=f"{self.zone} key use"))
        return stmts

    def grant_read_write(self, prefix: str = "", delete: bool = False) -> list[grants.Statement]:
        """``grant_read`` and ``grant_write`` together (e.g. Trino's exchange manager, which reads back spill)."""
        reads = grants.s3_read(self.bucket_arn, prefix, sid=f"{self.zone} read")
        return reads + self.grant_write(prefix, delete=delete)


@dataclass(frozen=True, kw_only=True)
class StorageZonesArgs:
    account_id: pulumi.Input[str]
    """Account owning the buckets (pins the log-delivery service's ``aws:SourceAccount``). Required."""
    kms_key_arn: pulumi.Input[str]
    """The region's data key: SSE-KMS default encryption of every bucket but access-logs. Required."""
    zones: Sequence[str]
    """Zones to create (``raw``, ``curated``, ``logs``, ``exchange``, ``results``, ``artifacts``); the
    ``access-logs`` zone is always added. Required."""
    force_destroy: bool = False
    """Let ``pulumi destroy`` delete non-empty buckets. Default: off. Refused together with ``protect``."""
    protect: bool = False
    """Protect and retain every bucket but the scratch (exchange) one. Default: off (on in prod)."""
    exchange_expiration_days: int = 1
    """Exchange/spill objects expire after this many days. Default: 1."""
    results_expiration_days: int = 30
    """Query results expire after this many days. Default: 30."""
    raw_transition_days: int = 90
    """Raw objects transition to ``raw_transition_storage_class`` after this many days. Default: 90."""
    raw_transition_storage_class: str = "INTELLIGENT_TIERING"
    """Storage class for old raw data. Default: INTELLIGENT_TIERING."""
    logs_expiration_days: int = 90
    """EMR logs expire after this many days. Default: 90."""
    access_logs_expiration_days: int = 90
    """Server access logs expire after this many days. Default: 90."""
    noncurrent_version_expiration_days: int = 30
    """Noncurrent versions expire after this many days (exchange: 1 day). Default: 30."""
    abort_incomplete_multipart_days: int = 7
    """Incomplete multipart uploads are aborted after this many days (exchange: 1 day). Default: 7."""


def tls_only_statement(bucket_arn: str) -> dict[str, Any]:
    """Deny every request made without TLS. A Deny, so its wildcard principal and action only take access away
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def access_log_delivery_statement(bucket_arn: str, account_id: str, source_arns: list[str]) -> dict[str, Any]:
    """Let the S3 logging service write access logs for our source buckets only
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general)."""
    return {
        "Sid": "S3ServerAccessLogsPolicy",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": sorted(source_arns)},
        },
    }


class StorageZones(pulumi.ComponentResource):
    """The S3 zones of one region. ``bucket(zone)`` returns a ``ZoneBucket``."""

    buckets: dict[str, ZoneBucket]
    bucket_names: dict[str, pulumi.Output[str]]
    bucket_arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: StorageZonesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:lake:StorageZones", name, None, opts)
        unknown = sorted(set(args.zones) - KNOWN_ZONES)
        if unknown:
            raise ValueError(f"StorageZonesArgs.zones: unknown zone(s) {unknown}; use {sorted(KNOWN_ZONES)}")
        if args.force_destroy and args.protect:
            raise ValueError(
                "StorageZonesArgs: force_destroy and protect are both on; protected (prod) data buckets must never "
                "be force-destroyed - turn force_destroy off (hybrid-burst:lake.forceDestroy: false)"
            )
        minimum = TRANSITION_MIN_DAYS.get(args.raw_transition_storage_class, 0)
        if args.raw_transition_days < minimum:
            raise ValueError(
                f"StorageZonesArgs.raw_transition_days: {args.raw_transition_storage_class} needs >= {minimum} days"
            )
        zones = [z for z in dict.fromkeys(args.zones) if z != ACCESS_LOGS]
        stack = pulumi.get_stack()
        self.buckets = {}
        created: dict[str, aws.s3.Bucket] = {}
        blocks: dict[str, aws.s3.BucketPublicAccessBlock] = {}

        def make_bucket(zone: str) -> aws.s3.Bucket:
            stateful = args.protect and zone not in SCRATCH_ZONES
            bucket = aws.s3.Bucket(
                f"{name}-{zone}",
                # bucket_prefix <= 37 characters; S3 names are global, the stack and zone make them readable.
                bucket_prefix=naming.bucket_prefix(stack, name, zone),
                force_destroy=args.force_destroy,
                opts=pulumi.ResourceOptions(parent=self, protect=stateful, retain_on_delete=stateful),
            )
            child = pulumi.ResourceOptions(parent=self)
            key_arn = None if zone == ACCESS_LOGS else args.kms_key_arn
            aws.s3.BucketServerSideEncryptionConfiguration(
                f"{name}-{zone}-sse",
                bucket=bucket.id,
                rules=[
                    aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                        apply_server_side_encryption_by_default=_SseDefault(
                            sse_algorithm="AES256" if key_arn is None else "aws:kms",
                            kms_master_key_id=key_arn,
                        ),
                        # S3 Bucket Keys cut KMS requests (and cost) for SSE-KMS
                        # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
                        bucket_key_enabled=key_arn is not None,
                    )
                ],
                opts=child,
            )
            aws.s3.BucketVersioning(
                f"{name}-{zone}-versioning",
                bucket=bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=child,
            )
            blocks[zone] = aws.s3.BucketPublicAccessBlock(
                f"{name}-{zone}-public-access-block",
                bucket=bucket.id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
                opts=child,
            )
            aws.s3.BucketOwnershipControls(
                f"{name}-{zone}-ownership",
                bucket=bucket.id,
                rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
                opts=child,
            )
            aws.s3.BucketLifecycleConfiguration(
                f"{name}-{zone}-lifecycle",
                bucket=bucket.id,
                rules=self.lifecycle_rules(zone, args),
                opts=child,
            )
            self.buckets[zone] = ZoneBucket(zone, bucket, key_arn)
            created[zone] = bucket
            return bucket

        access_logs = make_bucket(ACCESS_LOGS)
        for zone in zones:
            bucket = make_bucket(zone)
            aws.s3.BucketLogging(
                f"{name}-{zone}-access-logging",
                bucket=bucket.id,
                target_bucket=access_logs.id,
                target_prefix=f"{zone}/",
                target_object_key_format=aws.s3.BucketLoggingTargetObjectKeyFormatArgs(
                    partitioned_prefix=aws.s3.BucketLoggingTargetObjectKeyFormatPartitionedPrefixArgs(
                        partition_date_source="EventTime"
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )

        for zone, bucket in created.items():
            if zone == ACCESS_LOGS:
                sources = [created[z].arn for z in zones]
                policy = pulumi.Output.all(bucket.arn, args.account_id, *sources).apply(
                    lambda v: json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                tls_only_statement(v[0]),
                                access_log_delivery_statement(v[0], str(v[1]), [str(a) for a in v[2:]]),
                            ],
                        },
                        sort_keys=True,
                    )
                )
            else:
                policy = bucket.arn.apply(
                    lambda arn: json.dumps(
                        {"Version": "2012-10-17", "Statement": [tls_only_statement(arn)]}, sort_keys=True
                    )
                )
            aws.s3.BucketPolicy(
                f"{name}-{zone}-policy",
                bucket=bucket.id,
                policy=policy,
                # Concurrent PutBucketPolicy and PutPublicAccessBlock calls on one bucket can fail with
                # OperationAborted (a conflicting conditional operation); apply the block first.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[blocks[zone]]),
            )

        self.bucket_names = {z: b.bucket_name for z, b in self.buckets.items()}
        self.bucket_arns = {z: b.bucket_arn for z, b in self.buckets.items()}
        self.register_outputs({"bucket_names": self.bucket_names, "bucket_arns": self.bucket_arns})

    def bucket(self, zone: str) -> ZoneBucket:
        """The zone's bucket; a clear error names the zones this region has."""
        try:
            return self.buckets[zone]
        except KeyError:
            raise KeyError(f"no {zone!r} zone here; this region has {sorted(self.buckets)}") from None

    @staticmethod
    def lifecycle_rules(zone: str, args: StorageZonesArgs) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
        """One rule per zone: expiry or transition of current versions, noncurrent-version expiry and aborting
        incomplete multipart uploads."""
        scratch = zone in SCRATCH_ZONES
        rule: dict[str, Any] = {
            "id": f"{zone}-lifecycle",
            "status": "Enabled",
            "filter": aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            "abort_incomplete_multipart_upload": _AbortMultipart(
                days_after_initiation=1 if scratch else args.abort_incomplete_multipart_days
            ),
            "noncurrent_version_expiration": aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=1 if scratch else args.noncurrent_version_expiration_days
            ),
        }
        expire_days = {
            "exchange": args.exchange_expiration_days,
            "results": args.results_expiration_days,
            "logs": args.logs_expiration_days,
            ACCESS_LOGS: args.access_logs_expiration_days,
        }.get(zone)
        if expire_days is not None:
            rule["expiration"] = aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expire_days)
        if zone == "raw":
            rule["transitions"] = [
                aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                    days=args.raw_transition_days, storage_class=args.raw_transition_storage_class
                )
            ]
        return [aws.s3.BucketLifecycleConfigurationRuleArgs(**rule)]
