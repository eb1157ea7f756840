"""LakePipeline: the Spark job that fills the lake, in S3, and the grants its writers need.

Uploads ``jobs/tpcds_to_iceberg.py`` to the compute region's artifacts bucket under its content hash (a changed job
is a new object; a running step keeps reading the old one) and gives each writer role (the lake's ``emr-runtime``
role for EMR steps, the EMR on EKS job role) exactly:

- ``s3:GetObject`` on that object;
- read/write/delete under ``<raw bucket>/<database>/`` and the raw zone's key: EMR's Lake Formation integration does
  not write through Lake Formation-vended credentials ("Write with Lake Formation granted permissions" is not
  supported: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-lf-limitations.html), so the writer needs IAM
  access to the table location; Lake Formation still decides which tables it may create (``CREATE_TABLE`` on the
  database) and which columns it may read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.lake.storage_zones import ZoneBucket
from components.security import grants

JOB_FILE = Path(__file__).resolve().parents[2] / "jobs" / "tpcds_to_iceberg.py"
JOB_PREFIX = "jobs"


@dataclass(frozen=True, kw_only=True)
class LakePipelineArgs:
    artifacts_bucket_name: pulumi.Input[str]
    """Compute-region artifacts bucket (SSE-KMS). Required."""
    artifacts_kms_key_arn: pulumi.Input[str]
    """Key of the artifacts bucket (the object is written with it; readers decrypt with it). Required."""
    raw_bucket: ZoneBucket
    """The raw zone (the ``tpcds`` database's location). Required."""
    database: str = "tpcds"
    """Glue database the job fills (its location is ``s3://<raw>/<database>/``). Default: tpcds."""
    writer_role_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Roles that run the job, by a short key (``emr-runtime``, ``emr-on-eks-job``); each gets an inline policy.
    Default: none."""
    job_file: Path = JOB_FILE
    """The job source. Default: ``jobs/tpcds_to_iceberg.py`` of this repository."""


class LakePipeline(pulumi.ComponentResource):
    """The lake-filling job in S3 and its writers' grants."""

    entry_point_uri: pulumi.Output[str]
    entry_point_bucket: pulumi.Output[str]
    entry_point_key: pulumi.Output[str]
    database: str

    def __init__(self, name: str, args: LakePipelineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:lake:LakePipeline", name, None, opts)
        if not args.job_file.is_file():
            raise FileNotFoundError(f"LakePipelineArgs.job_file: no job at {args.job_file}")
        child = pulumi.ResourceOptions(parent=self)
        content = args.job_file.read_text()
        digest = hashlib.sha256(content.encode()).hexdigest()[:12]
        key = f"{JOB_PREFIX}/{digest}/{args.job_file.name}"
        job = aws.s3.BucketObjectv2(
            f"{name}-job",
            bucket=args.artifacts_bucket_name,
            key=key,
            content=content,
            content_type="text/x-python",
            server_side_encryption="aws:kms",
            kms_key_id=args.artifacts_kms_key_arn,
            opts=child,
        )
        object_arn = pulumi.Output.concat("arn:aws:s3:::", job.bucket, "/", job.key)
        for writer, role_name in args.writer_role_names.items():
            aws.iam.RolePolicy(
                f"{name}-{writer}",
                role=role_name,
                policy=grants.policy_document(
                    [
                        grants.statement("pipeline job", ["s3:GetObject"], [object_arn]),
                        grants.kms_use([args.artifacts_kms_key_arn], decrypt_only=True, sid="pipeline job key"),
                        args.raw_bucket.grant_read_write(f"{args.database}/", delete=True),
                    ]
                ),
                opts=child,
            )
        self.entry_point_bucket = job.bucket
        self.entry_point_key = job.key
        self.entry_point_uri = pulumi.Output.concat("s3://", job.bucket, "/", job.key)
        self.database = args.database
        self.register_outputs({"entry_point_uri": self.entry_point_uri})
