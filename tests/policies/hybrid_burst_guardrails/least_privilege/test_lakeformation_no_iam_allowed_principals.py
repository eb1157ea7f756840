"""lakeformation-no-iam-allowed-principals: default permissions for IAM_ALLOWED_PRINCIPALS."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.lakeformation_no_iam_allowed_principals import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
IAP = "IAM_ALLOWED_PRINCIPALS"

CASES = [
    pytest.param(
        {"createDatabaseDefaultPermissions": [], "createTableDefaultPermissions": []},
        Expect.PASS,
        "",
        id="compliant-empty",
    ),
    pytest.param(
        {"createTableDefaultPermissions": [{"principal": "arn:aws:iam::1:role/analyst", "permissions": ["SELECT"]}]},
        Expect.PASS,
        "",
        id="compliant-named-principal",
    ),
    pytest.param(
        {"createDatabaseDefaultPermissions": [{"principal": IAP, "permissions": ["ALL"]}]},
        Expect.FAIL,
        "createDatabaseDefaultPermissions[0]",
        id="non-compliant-database",
    ),
    pytest.param(
        {"createTableDefaultPermissions": [{"principal": IAP, "permissions": ["ALL"]}]},
        Expect.FAIL,
        "createTableDefaultPermissions[0]",
        id="non-compliant-table",
    ),
    pytest.param(
        {"createTableDefaultPermissions": [{"principal": IAP, "permissions": []}]},
        Expect.PASS,
        "",
        id="principal-with-no-permissions",
    ),
    pytest.param({"admins": ["arn:aws:iam::1:role/admin"]}, Expect.PASS, "", id="missing-property"),
    pytest.param(
        {"createTableDefaultPermissions": UNKNOWN}, Expect.UNKNOWN, "createTableDefaultPermissions", id="unknown-list"
    ),
    pytest.param(
        {"createTableDefaultPermissions": [{"principal": UNKNOWN, "permissions": ["ALL"]}]},
        Expect.UNKNOWN,
        "createTableDefaultPermissions[0]",
        id="unknown-principal",
    ),
]


@pytest.mark.parametrize(("props", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(SETTINGS, props), expected, fragment)


def test_no_threshold_config() -> None:
    assert RULE.config_schema == {}


def test_resource_policy_callback() -> None:
    props = {
        "createDatabaseDefaultPermissions": [{"principal": IAP, "permissions": ["ALL"]}],
        "createTableDefaultPermissions": [{"principal": IAP, "permissions": ["ALL"]}],
    }
    assert len(run_resource_policy(RULE, SETTINGS, props).reports) == 2
