"""account-baseline-singletons: the owning stack declares the account's singletons; a sharing stack does not."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.least_privilege.account_baseline_singletons import CONFIG_SCHEMA, RULE, SINGLETONS

from scripts.offline.layout import policy_config
from scripts.offline.recorder import Plan
from tests import plan_cache
from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy
from tests.stack import test_account_baseline as stack_baseline

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
        [StackResource.of(GLUE.type, "catalog-encryption", {"dataCatalogEncryptionSettings": UNKNOWN}), LF, BPA, *USES],
        None,
        Expect.PASS,
        "",
        id="unknown-value-singleton-still-declared",
    ),
    pytest.param(
        [StackResource.of(LF.type, "lake-settings", {"admins": UNKNOWN})],
        SHARED,
        Expect.FAIL,
        "would overwrite the owning stack",
        id="unknown-value-in-shared-stack-still-reported",
    ),
    pytest.param(
        [StackResource.of(GLUE.type, "catalog-encryption", {}), LF, BPA, *USES],
        None,
        Expect.PASS,
        "",
        id="missing-property-singleton-counts-by-type",
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


def test_unknown_accountbaseline_value_is_refused_by_the_schema() -> None:
    schema = {"type": "object", "properties": dict(CONFIG_SCHEMA), "additionalProperties": False}
    with pytest.raises(jsonschema.ValidationError, match="'mine' is not one of"):
        jsonschema.validate({"accountBaseline": "mine"}, schema)


def _stack_resources(plan: Plan) -> list[StackResource]:
    return [
        StackResource(urn=r.urn, type=r.type, name=r.name, props=r.outputs or r.inputs, parent=r.parent)
        for r in plan.custom_resources
    ]


def _policy_entry(stack: str) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(policy_config(stack).read_text())[RULE.id]
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def test_two_recorded_stacks_of_one_account_each_pass_with_their_own_policy_config() -> None:
    """Issue 10 item 3 under the mocks: dev owns its account's baseline, a second stack of that account shares it;
    the rule, configured per stack, passes both - and catches either stack run with the other's setting."""
    owner = plan_cache.recorded("dev")
    sharer = plan_cache.recorded("sandbox", stack_baseline.sharing_stack_config())
    own = _policy_entry("dev")
    assert own["accountBaseline"] == "own"
    shared = {**own, "accountBaseline": "shared"}
    assert RULE.evaluate(_stack_resources(owner), own).compliant
    assert RULE.evaluate(_stack_resources(sharer), shared).compliant
    assert not RULE.evaluate(_stack_resources(sharer), own).compliant, "uses the services, declares no singleton"
    declared = [r for r in owner.resources if r.type in SINGLETONS]
    assert len(RULE.evaluate(_stack_resources(owner), shared).violations) == len(declared)


def test_the_stack_tests_know_the_rules_singletons() -> None:
    assert set(stack_baseline.SINGLETONS) == set(SINGLETONS)
    assert RULE.id == stack_baseline.RULE_ID
