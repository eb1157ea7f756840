"""account-baseline-singletons: the owning stack declares the account's singletons; a sharing stack does not."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.least_privilege.account_baseline_singletons import RULE

from tests.policies.guardrail_harness import Expect, assert_outcome, run_stack_policy

GLUE = StackResource.of("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "catalog-encryption")
LF = StackResource.of("aws:lakeformation/dataLakeSettings:DataLakeSettings", "lake-settings")
BPA = StackResource.of("aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration", "emr-bpa")
ALL = [GLUE, LF, BPA]
#: Resources that show the stack uses Glue, Lake Formation and EMR.
USES = [
    StackResource.of("aws:glue/catalogDatabase:CatalogDatabase", "tpcds", {"name": "tpcds"}),
    StackResource.of("aws:lakeformation/permissions:Permissions", "analysts-select", {"permissions": ["SELECT"]}),
    StackResource.of("aws:emr/cluster:Cluster", "burst", {"releaseLabel": "emr-7.5.0"}),
]
SHARED = {"accountBaseline": "shared"}

CASES = [
    pytest.param(ALL + USES, None, Expect.PASS, "", id="compliant-owner"),
    pytest.param(USES, SHARED, Expect.PASS, "", id="compliant-shared-declares-none"),
    pytest.param([], None, Expect.PASS, "", id="compliant-owner-without-the-services"),
    pytest.param(
        [GLUE, LF, *USES],
        None,
        Expect.FAIL,
        "(burst, Cluster) but declares no EMR block public access",
        id="non-compliant-owner-missing-bpa",
    ),
    pytest.param(USES, None, Expect.FAIL, "Lake Formation data-lake settings", id="missing-all-singletons"),
    pytest.param([LF], SHARED, Expect.FAIL, "would overwrite the owning stack", id="non-compliant-shared-declares"),
    pytest.param(
        [GLUE, LF, *USES],
        {
            "requiredSingletons": [
                "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
                "aws:lakeformation/dataLakeSettings:DataLakeSettings",
            ]
        },
        Expect.PASS,
        "",
        id="config-override-required-list",
    ),
    pytest.param(
        [LF],
        {"accountBaseline": "shared", "forbidInSharedStacks": False},
        Expect.PASS,
        "",
        id="config-override-shared-tolerates",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_two_stacks_in_one_account_only_the_owner_is_asked_for_the_singletons() -> None:
    """Issue 10 item 3: dev owns the baseline, staging shares it; each passes with its own setting."""
    assert RULE.evaluate(ALL + USES, {"accountBaseline": "own"}).compliant
    assert RULE.evaluate(USES, SHARED).compliant
    assert not RULE.evaluate(USES, {"accountBaseline": "own"}).compliant


def test_shared_stack_finding_points_at_the_resource() -> None:
    run = run_stack_policy(RULE, [LF], SHARED)
    assert [urn for _, urn in run.reports] == [LF.urn]
