"""s3-bucket-public-access-block: bucket-level or account-level blocks with all four settings."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.encryption.s3_bucket_public_access_block import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
FULL = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}

B = StackResource.of(BUCKET, "raw", {"id": "raw-bkt", "bucket": "raw-bkt"})


def pab(**overrides: Any) -> StackResource:
    return StackResource.of(
        PAB, "raw-pab", {"bucket": UNKNOWN, **FULL, **overrides}, property_dependencies={"bucket": [B.urn]}
    )


ACCOUNT = StackResource.of(ACCOUNT_PAB, "account", dict(FULL))

CASES = [
    pytest.param([B, pab()], None, Expect.PASS, "", id="compliant"),
    pytest.param([B, ACCOUNT], None, Expect.PASS, "", id="compliant-account-level-block"),
    pytest.param(
        [B, pab(restrictPublicBuckets=False)],
        None,
        Expect.FAIL,
        "restrictPublicBuckets",
        id="non-compliant-one-flag-off",
    ),
    pytest.param(
        [B, pab(blockPublicAcls=None, ignorePublicAcls=None)],
        None,
        Expect.FAIL,
        "blockPublicAcls, ignorePublicAcls",
        id="missing-flags",
    ),
    pytest.param([B], None, Expect.FAIL, "no public access block", id="missing-block"),
    pytest.param(
        [B, pab(blockPublicPolicy=UNKNOWN)], None, Expect.UNKNOWN, "raw-pab.blockPublicPolicy", id="unknown-flag"
    ),
    pytest.param(
        [B, StackResource.of(PAB, "p", {"bucket": UNKNOWN, **FULL})],
        None,
        Expect.UNKNOWN,
        "p.bucket",
        id="unknown-link-is-not-a-violation",
    ),
    pytest.param(
        [B, ACCOUNT],
        {"acceptAccountLevelBlock": False},
        Expect.FAIL,
        "no public access block",
        id="config-override-account-block-not-accepted",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_partial_account_block_does_not_cover_buckets() -> None:
    partial = StackResource.of(ACCOUNT_PAB, "account", {**FULL, "blockPublicPolicy": False})
    assert [v.urn for v in RULE.evaluate([B, partial]).violations] == [B.urn]


def test_stack_policy_callback() -> None:
    run = run_stack_policy(RULE, [B, pab(ignorePublicAcls=False)])
    assert [urn for _, urn in run.reports] == [B.urn]
    assert run.unknown is None
