"""LakePipeline: the Spark job that fills the lake, in S3, and the grants its writers need.

Uploads ``jobs/tpcds_to_iceberg.py`` to the compute region's artifacts bucket under its content hash (a changed job
is a new object; a running step keeps reading the old one). ``writer_statements()`` is what each writer role (the
lake's ``emr-runtime`` role for EMR steps, the EMR on EKS job role) needs; the components that create those roles
attach it (one-way flow: a role's policies live with the role):

- ``s3:GetObject`` on that object;
- read/write/delete under ``<raw bucket>/<database>/`` and the raw zone's key: EMR's Lake Formation integration does
  not write through Lake Formation-vended credentials ("Write with Lake Formation granted permissions" is not
  supported: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-lf-limitations.html), so the writer needs IAM
  access to the table location; Lake Formation still decides which tables it may create (``CREATE_TABLE`` on the
  database) and which columns it may read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.lake.storage_zones import ZoneBucket
from components.security import grants

JOB_FILE = Path(__file__).resolve().parents[2] / "jobs" / "tpcds_to_iceberg.py"
JOB_PREFIX = "jobs"
PIPELINE_DATABASE = "tpcds"
"""The Glue database the pipeline fills (the job's ``--database`` default, the runbooks' too)."""


@dataclass(frozen=True, kw_only=True)
class LakePipelineArgs:
    artifacts_bucket_name: pulumi.Input[str]
    """Compute-region artifacts bucket (SSE-KMS). Required."""
    artifacts_kms_key_arn: pulumi.Input[str]
    """Key of the artifacts bucket (the object is written with it; readers decrypt with it). Required."""
    raw_bucket: ZoneBucket
    """The raw zone (the ``tpcds`` database's location). Required."""
    database: str = PIPELINE_DATABASE
    """Glue database the job fills (its location is ``s3://<raw>/<database>/``). Default: tpcds."""
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
        key = job_key(args.job_file)
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
        self._args = args
        self.entry_point_bucket = job.bucket
        self.entry_point_key = job.key
        self.entry_point_uri = pulumi.Output.concat("s3://", job.bucket, "/", job.key)
        self.database = args.database
        self.register_outputs({"entry_point_uri": self.entry_point_uri})

    def writer_statements(self) -> list[grants.Statement]:
        """What a role running the job needs: the job object, its key, and read/write under ``raw/<database>/``.

        The object's ARN is built from the bucket name and the content-hash key (both known before the upload), so a
        role created earlier than this component's consumers can carry it."""
        args = self._args
        object_arn = pulumi.Output.concat("arn:aws:s3:::", args.artifacts_bucket_name, "/", job_key(args.job_file))
        return [
            grants.statement("pipeline job", ["s3:GetObject"], [object_arn]),
            grants.kms_use([args.artifacts_kms_key_arn], decrypt_only=True, sid="pipeline job key"),
            *args.raw_bucket.grant_read_write(f"{args.database}/", delete=True),
        ]


def job_key(job_file: Path = JOB_FILE) -> str:
    """``jobs/<sha256[:12]>/<file name>``: a changed job is a new object."""
    digest = hashlib.sha256(job_file.read_text().encode()).hexdigest()[:12]
    return f"{JOB_PREFIX}/{digest}/{job_file.name}"
