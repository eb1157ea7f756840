"""resource-policy-trusted-principals: wildcard and cross-account principals in KMS/SNS/S3/SQS resource policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.least_privilege.resource_policy_trusted_principals import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

OWN = "123456789012"
OTHER = "210987654321"
KEY_ARN = f"arn:aws:kms:us-east-1:{OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{OWN}:alarms"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, condition: Any = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": "S", "Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"}
    if condition is not None:
        statement["Condition"] = condition
    return {**statement, **extra}


ROOT = allow({"AWS": f"arn:aws:iam::{OWN}:root"}, Action="kms:*")


def key(*statements: dict[str, Any], arn: str = KEY_ARN) -> StackResource:
    return StackResource.of("aws:kms/key:Key", "data-key", {"arn": arn, "policy": doc(*statements)})


def topic_policy(*statements: dict[str, Any]) -> StackResource:
    return StackResource.of(
        "aws:sns/topicPolicy:TopicPolicy", "alarms-policy", {"arn": TOPIC_ARN, "policy": doc(*statements)}
    )


def bucket_policy(*statements: dict[str, Any]) -> StackResource:
    return StackResource.of(
        "aws:s3/bucketPolicy:BucketPolicy", "raw-policy", {"bucket": "raw", "policy": doc(*statements)}
    )


def queue_policy(*statements: dict[str, Any]) -> StackResource:
    url = f"https://sqs.us-east-1.amazonaws.com/{OWN}/interruptions"
    return StackResource.of(
        "aws:sqs/queuePolicy:QueuePolicy", "q-policy", {"queueUrl": url, "policy": doc(*statements)}
    )


SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": OWN}}
CASES = [
    pytest.param([key(ROOT)], None, Expect.PASS, "", id="compliant-own-root"),
    pytest.param(
        [
            topic_policy(
                allow(
                    {"Service": "events.amazonaws.com"},
                    {"ArnLike": {"aws:SourceArn": f"arn:aws:events:us-east-1:{OWN}:rule/*"}},
                )
            )
        ],
        None,
        Expect.PASS,
        "",
        id="compliant-service-principal",
    ),
    pytest.param([queue_policy(allow("*", SOURCE_ACCOUNT))], None, Expect.PASS, "", id="compliant-star-source-account"),
    pytest.param(
        [bucket_policy(allow({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})), key(ROOT)],
        None,
        Expect.PASS,
        "",
        id="compliant-star-org-id",
    ),
    pytest.param(
        [topic_policy(allow({"AWS": "*"}, {"StringEquals": {"AWS:SourceOwner": OWN}}))],
        None,
        Expect.PASS,
        "",
        id="compliant-sns-default-policy-source-owner",
    ),
    pytest.param(
        [bucket_policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})],
        None,
        Expect.PASS,
        "",
        id="compliant-deny-star",
    ),
    pytest.param([bucket_policy(allow("*"))], None, Expect.FAIL, "allows any principal", id="non-compliant-star"),
    pytest.param(
        [bucket_policy(allow({"AWS": ["*"]}, {"StringEqualsIfExists": {"aws:SourceAccount": OWN}}))],
        None,
        Expect.FAIL,
        "no narrowing condition",
        id="non-compliant-star-ifexists-does-not-narrow",
    ),
    pytest.param(
        [bucket_policy(allow("*", {"StringLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:*:t"}}))],
        None,
        Expect.FAIL,
        "no narrowing condition",
        id="non-compliant-star-wildcard-account-arn",
    ),
    pytest.param(
        [key(ROOT, allow({"AWS": f"arn:aws:iam::{OTHER}:root"}))],
        None,
        Expect.FAIL,
        f"lets in account(s) {OTHER} as a principal",
        id="non-compliant-cross-account-root",
    ),
    pytest.param(
        [key(ROOT, allow({"AWS": OTHER}))], None, Expect.FAIL, OTHER, id="non-compliant-cross-account-bare-id"
    ),
    pytest.param(
        [queue_policy(allow("*", {"StringEquals": {"aws:SourceAccount": OTHER}}))],
        None,
        Expect.FAIL,
        "through its condition",
        id="non-compliant-star-narrowed-to-other-account",
    ),
    pytest.param(
        [key(ROOT, {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "kms:*"})],
        None,
        Expect.FAIL,
        "NotPrincipal",
        id="non-compliant-not-principal",
    ),
    pytest.param(
        [StackResource.of("aws:s3/bucketPolicy:BucketPolicy", "p", {"policy": "{broken"})],
        None,
        Expect.FAIL,
        "not valid JSON",
        id="invalid-json",
    ),
    pytest.param(
        [StackResource.of("aws:s3/bucket:Bucket", "b", {"bucket": "b"})], None, Expect.PASS, "", id="missing-policy"
    ),
    pytest.param(
        [StackResource.of("aws:sqs/queue:Queue", "q", {"policy": UNKNOWN})],
        None,
        Expect.UNKNOWN,
        "q.policy",
        id="unknown-policy",
    ),
    pytest.param([key(ROOT, allow({"AWS": UNKNOWN}))], None, Expect.UNKNOWN, "Principal", id="unknown-principal"),
    pytest.param(
        [bucket_policy(allow({"AWS": f"arn:aws:iam::{OTHER}:role/reader"}))],
        None,
        Expect.UNKNOWN,
        "own account is not known",
        id="unknown-own-account",
    ),
    pytest.param(
        [key(ROOT, allow({"AWS": f"arn:aws:iam::{OTHER}:root"}))],
        {"trustedAccountIds": [OTHER]},
        Expect.PASS,
        "",
        id="config-override-trusted-account",
    ),
    pytest.param(
        [bucket_policy(allow({"AWS": f"arn:aws:iam::{OWN}:role/reader"}))],
        {"ownAccountIds": [OWN]},
        Expect.PASS,
        "",
        id="config-override-own-account",
    ),
    pytest.param(
        [bucket_policy(allow("*", SOURCE_ACCOUNT))],
        {"constrainingConditionKeys": ["aws:PrincipalOrgID"]},
        Expect.FAIL,
        "no narrowing condition",
        id="config-override-narrowing-keys",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_stack_policy_callback_attributes_and_notes() -> None:
    run = run_stack_policy(RULE, [bucket_policy(allow("*"))])
    assert len(run.reports) == 1
    assert run.reports[0][1] == bucket_policy().urn
    assert run_stack_policy(RULE, [bucket_policy(allow({"AWS": UNKNOWN}))]).unknown is not None
