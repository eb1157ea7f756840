"""Every rule lives in its own module and exports id, description, severity, remediation, config schema, check."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import hybrid_burst_guardrails
import pytest
from hybrid_burst_guardrails.core.rule import Family, Rule
from hybrid_burst_guardrails.registry import build_registry
from pulumi_policy import Severity

FAMILY_PACKAGES = {
    "encryption": Family.ENCRYPTION,
    "least_privilege": Family.LEAST_PRIVILEGE,
    "spot": Family.SPOT,
    "observability": Family.OBSERVABILITY,
}


def rule_modules() -> list[ModuleType]:
    modules = []
    for package_name in FAMILY_PACKAGES:
        package = importlib.import_module(f"hybrid_burst_guardrails.{package_name}")
        modules.extend(
            importlib.import_module(f"{package.__name__}.{info.name}")
            for info in pkgutil.iter_modules(package.__path__)
        )
    return modules


MODULES = rule_modules()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_module_exports_one_rule_with_its_metadata(module: ModuleType) -> None:
    rule = module.RULE
    assert isinstance(rule, Rule)
    assert rule.id == module.RULE_ID == module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    assert rule.description == module.DESCRIPTION
    assert rule.remediation == module.REMEDIATION
    assert rule.severity == module.SEVERITY
    assert isinstance(rule.severity, Severity)
    assert rule.config_schema is module.CONFIG_SCHEMA
    assert rule.check is module.check
    assert rule.family is FAMILY_PACKAGES[module.__name__.split(".")[1]]
    assert [v for v in vars(module).values() if isinstance(v, Rule)] == [rule], "one rule per file"
    assert module.__doc__, "each rule documents what it checks and cites its sources"


def test_every_rule_module_is_registered() -> None:
    assert sorted(m.RULE_ID for m in MODULES) == sorted(build_registry().ids)


def test_policy_metadata_reaches_pulumi_policy() -> None:
    for rule in build_registry():
        policy = rule.to_policy()
        assert policy.name == rule.id
        assert policy.severity == rule.severity
        assert policy.remediation_steps == rule.remediation
        assert policy.tags == [rule.family.value]
        if rule.config_schema:
            assert policy.config_schema is not None
            assert set(policy.config_schema.properties) == set(rule.config_schema)
        else:
            assert policy.config_schema is None


def test_package_imports_without_starting_a_server() -> None:
    assert hybrid_burst_guardrails.build_registry is build_registry
