"""emr-on-eks-job-template-logs-encrypted: job-template logs go to a KMS log group and an SSE-KMS bucket."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.encryption.emr_on_eks_job_template_logs_encrypted import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

JT = "aws:emrcontainers/jobTemplate:JobTemplate"
LG = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
KEY = "arn:aws:kms:us-east-1:123456789012:key/abcd"

GROUP = StackResource.of(LG, "job-logs", {"name": "/hybrid-burst/prod/emr-on-eks", "kmsKeyId": KEY})
PLAIN_GROUP = StackResource.of(LG, "plain-logs", {"name": "/plain"})
LOGS = StackResource.of(BUCKET, "logs", {"id": "hb-logs", "bucket": "hb-logs"})


def sse(algorithm: Any = "aws:kms", bucket: str = "hb-logs") -> StackResource:
    rules = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm, "kmsMasterKeyId": KEY}}]
    return StackResource.of(SSE, f"{bucket}-sse", {"bucket": bucket, "rules": rules})


def template(
    group: Any = "/hybrid-burst/prod/emr-on-eks", uri: Any = "s3://hb-logs/jobs/", deps: list[str] | None = None
) -> StackResource:
    monitoring: dict[str, Any] = {}
    if group is not None:
        monitoring["cloudWatchMonitoringConfiguration"] = {"logGroupName": group, "logStreamNamePrefix": "tpcds"}
    if uri is not None:
        monitoring["s3MonitoringConfiguration"] = {"logUri": uri}
    data = {
        "executionRoleArn": "arn:aws:iam::123456789012:role/job",
        "releaseLabel": "emr-7.5.0-latest",
        "jobDriver": {"sparkSubmitJobDriver": {"entryPoint": "s3://code/fill_lake.py"}},
        "configurationOverrides": {"monitoringConfiguration": monitoring},
    }
    return StackResource.of(
        JT,
        "fill-lake",
        {"name": "fill-lake", "jobTemplateData": data},
        property_dependencies={"jobTemplateData": deps or []},
    )


CASES = [
    pytest.param([template(), GROUP, LOGS, sse()], None, Expect.PASS, "", id="compliant"),
    pytest.param([template(uri=None), GROUP], None, Expect.PASS, "", id="compliant-cloudwatch-only"),
    pytest.param(
        [template(group=UNKNOWN, uri=UNKNOWN, deps=[GROUP.urn, LOGS.urn]), GROUP, LOGS, sse()],
        None,
        Expect.PASS,
        "",
        id="compliant-joined-by-dependency",
    ),
    pytest.param(
        [template(group="/plain"), PLAIN_GROUP, LOGS, sse()],
        None,
        Expect.FAIL,
        "has no kmsKeyId",
        id="non-compliant-log-group-unencrypted",
    ),
    pytest.param(
        [template(), GROUP, LOGS, sse("AES256")], None, Expect.FAIL, "['AES256']", id="non-compliant-bucket-sse-s3"
    ),
    pytest.param([template(), GROUP, LOGS], None, Expect.FAIL, "none configured", id="missing-bucket-encryption"),
    pytest.param(
        [template(group="/elsewhere"), GROUP, LOGS, sse()],
        None,
        Expect.FAIL,
        "not a log group of this stack",
        id="non-compliant-external-log-group",
    ),
    pytest.param(
        [template(uri="s3://${LogBucket}/x"), GROUP],
        None,
        Expect.FAIL,
        "cannot be verified",
        id="non-compliant-parameterised-uri",
    ),
    pytest.param(
        [template(group=UNKNOWN), GROUP, LOGS, sse()], None, Expect.UNKNOWN, "logGroupName", id="unknown-group"
    ),
    pytest.param([template(), GROUP, LOGS, sse(UNKNOWN)], None, Expect.UNKNOWN, "default encryption", id="unknown-sse"),
    pytest.param(
        [template(group="/elsewhere", uri="s3://other/x"), GROUP],
        {"allowExternalDestinations": True},
        Expect.PASS,
        "",
        id="config-override-external-allowed",
    ),
    pytest.param(
        [template(), GROUP, LOGS, sse("AES256")],
        {"allowedS3Algorithms": ["aws:kms", "AES256"]},
        Expect.PASS,
        "",
        id="config-override-sse-s3-allowed",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_violation_points_at_the_template() -> None:
    run = run_stack_policy(RULE, [template(group="/plain", uri=None), PLAIN_GROUP])
    assert [urn for _, urn in run.reports] == [template().urn]
