"""The broken variant (tests/policies/fixtures) fails with exactly the expected violations, at each stack's levels.

Every (rule, resource) in ``EXPECTED`` must be reported once, at the level the stack's policy config gives that rule
(``all``, or the rule's own ``enforcementLevel`` while a component catches up); a rule a stack disables must stay
silent. Nothing else may be reported.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from scripts.offline.analyzer import PackResult, PackSession, Violation, load_records
from scripts.offline.layout import policy_config
from tests.policies.fixtures.broken_program import EXPECTED, program
from tests.policies.guardrail_harness import FIXTURES


def found(violations: Sequence[Violation], level: str) -> set[tuple[str, str]]:
    """(rule id, resource name) of the violations at ``level``."""
    return {(v.policy_name, (v.urn or "").split("::")[-1]) for v in violations if v.enforcement_level == level}


def expected_at(stack: str) -> dict[str, set[tuple[str, str]]]:
    """EXPECTED split by the level ``stacks/policy-config.<stack>.json`` gives each rule."""
    config = json.loads(policy_config(stack).read_text())
    levels: dict[str, set[tuple[str, str]]] = {"mandatory": set(), "advisory": set(), "disabled": set()}
    for rule_id, name in EXPECTED:
        entry = config.get(rule_id, {})
        level = entry.get("enforcementLevel") if isinstance(entry, dict) else None
        levels[level or config["all"]].add((rule_id, name))
    return levels


def assert_matches(result: PackResult, stack: str) -> None:
    want = expected_at(stack)
    assert found(result.mandatory_violations(), "mandatory") == want["mandatory"]
    assert len(result.mandatory_violations()) == len(want["mandatory"])
    assert found(result.advisory_violations(), "advisory") == want["advisory"]
    assert len(result.advisory_violations()) == len(want["advisory"])
    assert result.preview_notes() == []


def test_recorded_broken_stack_fails_prod_with_exactly_the_expected_violations(preview_pack: PackSession) -> None:
    records = load_records(FIXTURES / "broken_stack.json")
    result = preview_pack.evaluate(records, config_file=policy_config("prod"))
    assert_matches(result, "prod")


#: Findings dev does not report, and why (dev's own thresholds, stacks/policy-config.dev.json).
DEV_SILENT = {
    ("emr-kerberos-required", "burst-secconf"),  # disabled in dev (issue 13: Kerberos optional in dev)
    ("cloudwatch-log-group-retention", "emr-logs"),  # dev's minimum is 7 days
}


def test_dev_reports_the_other_findings_as_advisory(preview_pack: PackSession) -> None:
    records = load_records(FIXTURES / "broken_stack.json")
    result = preview_pack.evaluate(records, config_file=policy_config("dev"))
    assert result.mandatory_violations() == []
    assert found(result.advisory_violations(), "advisory") == EXPECTED - DEV_SILENT


def test_every_rule_of_the_pack_fires_on_the_broken_variant() -> None:
    from hybrid_burst_guardrails.registry import build_registry

    fired = {rule_id for rule_id, _ in EXPECTED}
    new_rules = {
        "vpc-default-security-group-closed",
        "resource-policy-trusted-principals",
        "emr-kerberos-required",
        "account-baseline-singletons",
        "launch-template-ebs-encrypted",
        "emr-on-eks-job-template-logs-encrypted",
        "karpenter-spot-nodepool-diversification",
        "cloudwatch-log-group-retention",
        "cloudwatch-alarm-actions",
    }
    assert new_rules <= fired <= set(build_registry().ids)


def test_prod_blocks_on_the_mandatory_findings(preview_pack: PackSession) -> None:
    result = preview_pack.evaluate(load_records(FIXTURES / "broken_stack.json"), config_file=policy_config("prod"))
    assert result.mandatory_violations(), "prod must fail on the broken variant"


@pytest.mark.slow
def test_recording_the_broken_program_gives_the_same_result(preview_pack: PackSession) -> None:
    """Records the fixture program with the offline recorder: proves the rules read real pulumi-aws inputs."""
    recorder = pytest.importorskip("scripts.offline.recorder")
    plan = recorder.record(program, stack="prod", config={})
    result = preview_pack.evaluate(plan.resources, config_file=policy_config("prod"))
    assert_matches(result, "prod")
