"""The broken variant (tests/policies/fixtures) fails with exactly the expected mandatory violations."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from scripts.offline.analyzer import PackSession, Violation, load_records
from tests.policies.fixtures.broken_program import EXPECTED_MANDATORY, program
from tests.policies.guardrail_harness import FIXTURES, STACKS


def found(violations: Sequence[Violation], level: str) -> set[tuple[str, str]]:
    """(rule id, resource name) of the violations at ``level``."""
    return {(v.policy_name, v.urn.split("::")[-1]) for v in violations if v.enforcement_level == level}


def test_recorded_broken_stack_fails_prod_with_exactly_the_expected_violations(preview_pack: PackSession) -> None:
    records = load_records(FIXTURES / "broken_stack.json")
    result = preview_pack.evaluate(records, config_file=STACKS / "policy-config.prod.json")
    assert found(result.mandatory_violations(), "mandatory") == EXPECTED_MANDATORY
    assert len(result.mandatory_violations()) == len(EXPECTED_MANDATORY)
    assert result.advisory_violations() == []
    assert result.preview_notes() == []


def test_dev_reports_the_same_findings_as_advisory(preview_pack: PackSession) -> None:
    records = load_records(FIXTURES / "broken_stack.json")
    result = preview_pack.evaluate(records, config_file=STACKS / "policy-config.dev.json")
    assert result.mandatory_violations() == []
    assert found(result.advisory_violations(), "advisory") == EXPECTED_MANDATORY


@pytest.mark.slow
def test_recording_the_broken_program_gives_the_same_result(preview_pack: PackSession) -> None:
    """Records the fixture program with the offline recorder: proves the rules read real pulumi-aws inputs."""
    recorder = pytest.importorskip("scripts.offline.recorder")
    plan = recorder.record(program, stack="prod", config={})
    result = preview_pack.evaluate(plan.resources, config_file=STACKS / "policy-config.prod.json")
    assert found(result.mandatory_violations(), "mandatory") == EXPECTED_MANDATORY
    assert len(result.mandatory_violations()) == len(EXPECTED_MANDATORY)
