"""LakePipeline: the job file in S3 under its content hash, and exactly the writers' grants."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.lake.lake_pipeline import JOB_FILE, LakePipeline, LakePipelineArgs
from components.lake.storage_zones import ZoneBucket
from components.security import grants
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _raw() -> ZoneBucket:
    bucket = SimpleNamespace(
        bucket=pulumi.Output.from_input("hb-test-raw"),
        arn=pulumi.Output.from_input("arn:aws:s3:::hb-test-raw"),
        id=pulumi.Output.from_input("hb-test-raw"),
    )
    return ZoneBucket("raw", bucket, KEY)  # type: ignore[arg-type]


def _record(**overrides: Any) -> Plan:
    def program() -> None:
        base: dict[str, Any] = {
            "artifacts_bucket_name": "hb-test-artifacts",
            "artifacts_kms_key_arn": KEY,
            "raw_bucket": _raw(),
        }
        base.update(overrides)
        LakePipeline("lake-pipeline", LakePipelineArgs(**base), opts=in_region())

    pulumi.runtime.settings.ROOT.set(None)
    return record(program, stack="test", config={})


def test_job_uploaded_under_its_content_hash_encrypted() -> None:
    plan = _record()
    obj = plan.one("aws:s3/bucketObjectv2:BucketObjectv2")
    digest = hashlib.sha256(JOB_FILE.read_text().encode()).hexdigest()[:12]
    assert obj.inputs["key"] == f"jobs/{digest}/tpcds_to_iceberg.py"
    assert obj.inputs["content"] == JOB_FILE.read_text()
    assert (obj.inputs["serverSideEncryption"], obj.inputs["kmsKeyId"]) == ("aws:kms", KEY)
    pulumi.runtime.settings.ROOT.set(None)


def test_writers_read_the_uploaded_job_and_write_only_the_database_prefix() -> None:
    captured: dict[str, str] = {}

    def program() -> None:
        pipeline = LakePipeline(
            "lake-pipeline",
            LakePipelineArgs(artifacts_bucket_name="hb-test-artifacts", artifacts_kms_key_arn=KEY, raw_bucket=_raw()),
            opts=in_region(),
        )
        grants.policy_document(pipeline.writer_statements()).apply(lambda d: captured.setdefault("policy", d))

    pulumi.runtime.settings.ROOT.set(None)
    plan = record(program, stack="test", config={})
    assert not plan.of_type("aws:iam/rolePolicy:RolePolicy"), "the writers' own components attach the statements"
    obj = plan.one("aws:s3/bucketObjectv2:BucketObjectv2")
    for document in [captured["policy"]]:
        assert [(f.issue, f.detail) for f in analyze_policy_string(document).findings] == []
        by_sid = {s["Sid"]: s for s in json.loads(document)["Statement"]}
        assert by_sid["PipelineJob"]["Resource"] == f"arn:aws:s3:::hb-test-artifacts/{obj.inputs['key']}"
        assert by_sid["RawWriteObjects"]["Resource"] == "arn:aws:s3:::hb-test-raw/tpcds/*"
        assert "s3:DeleteObject" in by_sid["RawWriteObjects"]["Action"]
        resources = [
            r for s in by_sid.values() for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
        ]
        assert "*" not in resources
    pulumi.runtime.settings.ROOT.set(None)


def test_a_missing_job_file_registers_nothing(tmp_path: Any) -> None:
    with pytest.raises(Exception, match="no job"):
        _record(job_file=tmp_path / "missing.py")
    pulumi.runtime.settings.ROOT.set(None)
