"""glue-catalog-encryption: metadata with SSE-KMS (either mode) and encrypted connection passwords."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.glue_catalog_encryption import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

GLUE = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
KEY = "arn:aws:kms:us-east-1:123456789012:key/abcd"


def settings(mode: Any = "SSE-KMS", passwords: Any = True, **at_rest: Any) -> dict[str, Any]:
    block: dict[str, Any] = {}
    if mode is not None:
        block["encryptionAtRest"] = {"catalogEncryptionMode": mode, "sseAwsKmsKeyId": KEY, **at_rest}
    if passwords is not None:
        block["connectionPasswordEncryption"] = {"returnConnectionPasswordEncrypted": passwords, "awsKmsKeyId": KEY}
    return {"dataCatalogEncryptionSettings": block}


CASES = [
    pytest.param(settings(), None, Expect.PASS, "", id="compliant"),
    pytest.param(
        settings("SSE-KMS-WITH-SERVICE-ROLE", catalogEncryptionServiceRole="arn:aws:iam::1:role/glue"),
        None,
        Expect.PASS,
        "",
        id="compliant-with-service-role",
    ),
    pytest.param(
        settings("SSE-KMS-WITH-SERVICE-ROLE"),
        None,
        Expect.FAIL,
        "catalogEncryptionServiceRole",
        id="service-role-mode-without-role",
    ),
    pytest.param(settings("DISABLED"), None, Expect.FAIL, "'DISABLED'", id="non-compliant-disabled"),
    pytest.param(
        settings(passwords=False), None, Expect.FAIL, "returnConnectionPasswordEncrypted", id="non-compliant-passwords"
    ),
    pytest.param({}, None, Expect.FAIL, "encryptionAtRest is missing", id="missing-property"),
    pytest.param(settings(mode=None), None, Expect.FAIL, "metadata is not encrypted", id="missing-at-rest"),
    pytest.param(settings(UNKNOWN), None, Expect.UNKNOWN, "catalogEncryptionMode", id="unknown-mode"),
    pytest.param(
        {"dataCatalogEncryptionSettings": UNKNOWN},
        None,
        Expect.UNKNOWN,
        "dataCatalogEncryptionSettings",
        id="unknown-block",
    ),
    pytest.param(
        settings(sseAwsKmsKeyId=None),
        {"requireCustomerManagedKey": True},
        Expect.FAIL,
        "sseAwsKmsKeyId",
        id="config-override-customer-managed-key",
    ),
    pytest.param(
        settings(sseAwsKmsKeyId=UNKNOWN),
        {"requireCustomerManagedKey": True},
        Expect.PASS,
        "",
        id="config-override-unknown-key-counts-as-set",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(GLUE, props, config), expected, fragment)


def test_resource_policy_callback_reports_each_problem() -> None:
    run = run_resource_policy(RULE, GLUE, settings("DISABLED", passwords=False))
    assert len(run.reports) == 2
