"""s3-bucket-sse-kms: buckets joined with their separate SSE configuration across the stack."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.encryption.s3_bucket_sse_kms import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def bucket(name: str = "raw", **props: Any) -> StackResource:
    return StackResource.of(BUCKET, name, {"id": f"{name}-bkt", "bucket": f"{name}-bkt", **props})


def sse(
    target: StackResource | None,
    algorithm: Any = "aws:kms",
    *,
    token: str = SSE,
    by: str = "deps",
    key: Any = KEY_ARN,
    name: str = "raw-sse",
) -> StackResource:
    apply: dict[str, Any] = {"sseAlgorithm": algorithm}
    if key is not None:
        apply["kmsMasterKeyId"] = key
    props: dict[str, Any] = {"rules": [{"applyServerSideEncryptionByDefault": apply, "bucketKeyEnabled": True}]}
    deps: dict[str, list[str]] = {}
    if target is None:
        props["bucket"] = "external-bucket"
    elif by == "deps":
        props["bucket"] = UNKNOWN
        deps["bucket"] = [target.urn]
    elif by == "value":
        props["bucket"] = target.props["id"]
    else:
        props["bucket"] = UNKNOWN
    return StackResource.of(token, name, props, property_dependencies=deps)


B = bucket()
INLINE_KMS = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}}
INLINE_AES = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}

CASES = [
    pytest.param([B, sse(B)], None, Expect.PASS, "", id="compliant-linked-by-property-dependencies"),
    pytest.param([B, sse(B, by="value")], None, Expect.PASS, "", id="compliant-linked-by-bucket-id"),
    pytest.param([B, sse(B, token=SSE_V2)], None, Expect.PASS, "", id="compliant-legacy-v2-token"),
    pytest.param([B, sse(B, "aws:kms:dsse")], None, Expect.PASS, "", id="compliant-dsse"),
    pytest.param([bucket(serverSideEncryptionConfiguration=INLINE_KMS)], None, Expect.PASS, "", id="compliant-inline"),
    pytest.param(
        [bucket(serverSideEncryptionConfiguration=INLINE_AES), sse(B)],
        None,
        Expect.PASS,
        "",
        id="separate-config-wins-over-inline-sse-s3-default",
    ),
    pytest.param([B, sse(B, "AES256")], None, Expect.FAIL, "sseAlgorithm='AES256'", id="non-compliant-sse-s3"),
    pytest.param(
        [bucket(serverSideEncryptionConfiguration=INLINE_AES)],
        None,
        Expect.FAIL,
        "AES256",
        id="non-compliant-inline-sse-s3",
    ),
    pytest.param([B], None, Expect.FAIL, "no server-side encryption", id="missing-configuration"),
    pytest.param(
        [B, StackResource.of(SSE, "empty", {"bucket": "raw-bkt", "rules": []})],
        None,
        Expect.FAIL,
        "no applyServerSideEncryptionByDefault",
        id="missing-apply-block",
    ),
    pytest.param([B, sse(B, UNKNOWN)], None, Expect.UNKNOWN, "sseAlgorithm", id="unknown-algorithm"),
    pytest.param([B, sse(B, by="unknown")], None, Expect.UNKNOWN, "raw-sse.bucket", id="unknown-bucket-link"),
    pytest.param(
        [B, sse(B, key=None)],
        {"requireCustomerManagedKey": True},
        Expect.FAIL,
        "aws/s3",
        id="config-override-requires-customer-managed-key",
    ),
    pytest.param(
        [B, sse(B, key=UNKNOWN)],
        {"requireCustomerManagedKey": True},
        Expect.PASS,
        "",
        id="config-override-unknown-key-arn-counts-as-set",
    ),
    pytest.param(
        [B, sse(B)],
        {"allowedAlgorithms": ["aws:kms:dsse"]},
        Expect.FAIL,
        "allowed: ['aws:kms:dsse']",
        id="config-override-dsse-only",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


LOGS = bucket("access-logs")
LOGGING = StackResource.of(
    "aws:s3/bucketLogging:BucketLogging", "raw-logging", {"bucket": "raw-bkt", "targetBucket": "access-logs-bkt"}
)


@pytest.mark.parametrize(
    ("config", "expected"),
    [(None, Expect.PASS), ({"allowSseS3ForAccessLogTargets": False}, Expect.FAIL)],
    ids=["access-log-target-may-use-sse-s3", "config-override-kms-even-for-log-targets"],
)
def test_access_log_target_bucket(config: dict[str, Any] | None, expected: Expect) -> None:
    resources = [B, sse(B), LOGS, sse(LOGS, "AES256", key=None, name="logs-sse"), LOGGING]
    assert_outcome(RULE.evaluate(resources, config), expected, "AES256")


def test_sse_s3_exemption_applies_only_to_log_targets() -> None:
    resources = [B, sse(B, "AES256", key=None), LOGS, sse(LOGS, "AES256", key=None, name="logs-sse"), LOGGING]
    assert [v.urn for v in RULE.evaluate(resources).violations] == [B.urn]


def test_violations_are_attributed_to_the_offending_bucket() -> None:
    good, bad = bucket("good"), bucket("bad")
    evaluation = RULE.evaluate([good, sse(good, name="good-sse"), bad, sse(bad, "AES256", name="bad-sse")])
    assert [v.urn for v in evaluation.violations] == [bad.urn]


def test_configuration_for_a_bucket_outside_the_stack_is_judged_on_its_own() -> None:
    external = sse(None, "AES256", name="ext-sse")
    evaluation = RULE.evaluate([B, sse(B), external])
    assert [v.urn for v in evaluation.violations] == [external.urn]


def test_stack_policy_callback_reports_with_urn_and_notes_unknowns() -> None:
    failing = run_stack_policy(RULE, [B, sse(B, "AES256")])
    assert [urn for _, urn in failing.reports] == [B.urn]
    assert "Remediation:" in failing.reports[0][0]
    assert failing.unknown is None
    pending = run_stack_policy(RULE, [B, sse(B, UNKNOWN)])
    assert pending.reports == []
    assert pending.unknown is not None
    assert "sseAlgorithm" in pending.unknown.message
