"""s3-bucket-tls-only: a bucket policy (separate or inline) denies aws:SecureTransport=false."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.encryption.s3_bucket_tls_only import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ARN = "arn:aws:s3:::raw-bkt"

B = StackResource.of(BUCKET, "raw", {"id": "raw-bkt", "bucket": "raw-bkt", "arn": ARN})


def deny_http(**overrides: Any) -> dict[str, Any]:
    statement = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [ARN, f"{ARN}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    statement.update(overrides)
    return statement


def policy(*statements: dict[str, Any], raw: Any = None) -> StackResource:
    document = raw if raw is not None else json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return StackResource.of(POLICY, "raw-policy", {"bucket": "raw-bkt", "policy": document})


READ = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "s3:GetObject",
    "Resource": f"{ARN}/*",
}

CASES = [
    pytest.param([B, policy(READ, deny_http())], Expect.PASS, "", id="compliant"),
    pytest.param(
        [B, policy(deny_http(Principal={"AWS": "*"}, Action=["s3:*"]))],
        Expect.PASS,
        "",
        id="compliant-aws-star-principal-list-action",
    ),
    pytest.param(
        [B, policy(deny_http(Condition={"Bool": {"aws:SecureTransport": False}}))],
        Expect.PASS,
        "",
        id="compliant-boolean-false",
    ),
    pytest.param(
        [StackResource.of(BUCKET, "inline", {"id": "i", "policy": json.dumps({"Statement": [deny_http()]})})],
        Expect.PASS,
        "",
        id="compliant-inline-bucket-policy",
    ),
    pytest.param([B, policy(READ)], Expect.FAIL, "no statement denying", id="non-compliant-no-deny"),
    pytest.param(
        [B, policy(deny_http(Action="s3:GetObject"))],
        Expect.FAIL,
        "no statement denying",
        id="non-compliant-deny-too-narrow",
    ),
    pytest.param(
        [B, policy(deny_http(Effect="Allow"))],
        Expect.FAIL,
        "no statement denying",
        id="non-compliant-allow-instead-of-deny",
    ),
    pytest.param([B], Expect.FAIL, "no bucket policy", id="missing-policy"),
    pytest.param([B, policy(raw="{not json")], Expect.FAIL, "not valid JSON", id="invalid-json"),
    pytest.param([B, policy(raw=UNKNOWN)], Expect.UNKNOWN, "raw-policy.policy", id="unknown-document"),
]


@pytest.mark.parametrize(("resources", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources), expected, fragment)


def test_rule_has_no_thresholds_to_override() -> None:
    assert RULE.config_schema == {}
    assert RULE.effective_config({"unrelated": 1}) == {"unrelated": 1}


def test_stack_policy_callback_unknown_document_is_a_note_not_a_violation() -> None:
    run = run_stack_policy(RULE, [B, policy(raw=UNKNOWN)])
    assert run.reports == []
    assert run.unknown is not None
