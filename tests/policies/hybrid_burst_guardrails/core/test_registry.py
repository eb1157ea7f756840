"""The registry refuses duplicate ids (also across families) and incomplete metadata."""

from __future__ import annotations

import dataclasses

import pytest
from hybrid_burst_guardrails.core.registry import DuplicateRuleIdError, InvalidRuleError, RuleRegistry
from hybrid_burst_guardrails.core.rule import Family
from hybrid_burst_guardrails.encryption.kms_key_rotation import RULE as KMS_RULE
from hybrid_burst_guardrails.registry import build_registry
from hybrid_burst_guardrails.spot.emr_primary_fleet_on_demand import RULE as PRIMARY_RULE
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy


def test_duplicate_id_within_a_family_is_refused() -> None:
    registry = RuleRegistry([KMS_RULE])
    with pytest.raises(DuplicateRuleIdError, match="kms-key-rotation"):
        registry.register(KMS_RULE)


def test_duplicate_id_across_families_is_refused() -> None:
    clash = dataclasses.replace(PRIMARY_RULE, id=KMS_RULE.id)
    assert clash.family is Family.SPOT
    with pytest.raises(DuplicateRuleIdError, match="family spot"):
        RuleRegistry([KMS_RULE, clash])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "all"}, "kebab-case"),
        ({"id": "Not_Kebab"}, "kebab-case"),
        ({"remediation": "  "}, "empty remediation"),
        ({"resource_types": frozenset()}, "no resource types"),
        ({"config_schema": {"x": {"type": "integer"}}}, "needs a type, a description and a default"),
        ({"config_schema": {"enforcementLevel": {"type": "string", "default": "x", "description": "d"}}}, "reserved"),
    ],
)
def test_incomplete_metadata_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRuleError, match=message):
        RuleRegistry([dataclasses.replace(KMS_RULE, **change)])  # type: ignore[arg-type]


def test_the_pack_registers_every_family_once() -> None:
    registry = build_registry()
    families = registry.by_family()
    assert all(families[f] for f in Family)
    assert len(registry.ids) == len(set(registry.ids)) == len(registry)
    assert sum(len(rules) for rules in families.values()) == len(registry)


def test_policies_keep_registration_order_and_kind() -> None:
    registry = build_registry()
    policies = registry.policies()
    assert [p.name for p in policies] == registry.ids
    for rule, policy in zip(registry, policies, strict=True):
        expected = StackValidationPolicy if rule.__class__.__name__ == "StackRule" else ResourceValidationPolicy
        assert isinstance(policy, expected)
