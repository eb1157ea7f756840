"""docs/policies.md lists every rule with its family, severity and remediation; the ADR exists."""

from __future__ import annotations

import json

from hybrid_burst_guardrails.registry import build_registry

from scripts.offline.layout import policy_config
from tests.policies.guardrail_harness import REPO

DOC = (REPO / "docs" / "policies.md").read_text()


def test_every_rule_has_a_row_with_severity_and_remediation() -> None:
    rules_part = DOC.split("## Thresholds per stack")[0]
    rows = {line.split("|")[1].strip(" `"): line for line in rules_part.splitlines() if line.startswith("| `")}
    for rule in build_registry():
        assert rule.id in rows, f"{rule.id} missing from docs/policies.md"
        assert f"| {rule.severity.value} |" in rows[rule.id]
        assert rule.remediation in rows[rule.id]


def test_every_family_has_a_section() -> None:
    for family in build_registry().by_family():
        assert f"(`{family.value}`)" in DOC


def test_threshold_table_matches_the_stack_files() -> None:
    envs = [json.loads(policy_config(e).read_text()) for e in ("dev", "staging", "prod")]
    for rule in build_registry():
        for key in rule.config_schema:
            values = " | ".join(f"`{json.dumps(env[rule.id][key])}`" for env in envs)
            assert f"| `{rule.id}` | `{key}` |" in DOC
            assert values in DOC, f"{rule.id}.{key}: docs/policies.md threshold table is stale"


def test_layout_decision_is_recorded() -> None:
    adr = (REPO / "docs" / "adr" / "0002-policy-pack-layout.md").read_text()
    assert "## Decision" in adr
    assert "RuleRegistry" in adr


def test_generated_readme_and_tables_are_fresh() -> None:
    """The pack README and docs/policies.md's rule tables come from the registry and the stack files."""
    from hybrid_burst_guardrails.docs import outputs

    stale = [str(p.relative_to(REPO)) for p, content in outputs(REPO).items() if p.read_text() != content]
    fix = "cd policies/hybrid-burst-guardrails && python -m hybrid_burst_guardrails.docs"
    assert not stale, f"stale: {stale}; run: {fix}"


def test_readme_lists_every_rule_with_family_enforcement_config_and_remediation() -> None:
    readme = (REPO / "policies" / "hybrid-burst-guardrails" / "README.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if line.startswith("| `")}
    for rule in build_registry():
        row = rows[rule.id]
        assert f"| {rule.family.value} |" in row
        level = rule.default_enforcement.value if rule.default_enforcement else "mandatory"
        assert f"| {level} |" in row
        assert rule.remediation.replace("|", "\\|") in row
        for key in rule.config_schema:
            assert f"`{key}`" in row
