"""stacks/policy-config.<env>.json: valid for the pack, dev advisory, staging/prod mandatory, thresholds per env."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hybrid_burst_guardrails.registry import build_registry

from tests.policies.guardrail_harness import STACKS

ENVIRONMENTS = {"dev": "advisory", "staging": "mandatory", "prod": "mandatory"}


def load(env: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((STACKS / f"policy-config.{env}.json").read_text())
    return document


@pytest.mark.parametrize(("env", "level"), ENVIRONMENTS.items())
def test_enforcement_level(env: str, level: str) -> None:
    document = load(env)
    assert document["all"] == level
    overrides = {v.get("enforcementLevel") for k, v in document.items() if k != "all"}
    assert overrides <= {None}, "per-rule levels would silently diverge from the environment's level"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_entry_names_a_rule_and_matches_its_schema(env: str) -> None:
    registry = build_registry()
    for rule_id, entry in load(env).items():
        if rule_id == "all":
            continue
        assert rule_id in registry, f"{env}: {rule_id} is not a rule of the pack"
        rule = registry.get(rule_id)
        schema = {"type": "object", "properties": dict(rule.config_schema), "additionalProperties": False}
        props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        jsonschema.validate(props, schema)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_threshold_is_set_explicitly(env: str) -> None:
    document = load(env)
    for rule in build_registry():
        if rule.config_schema:
            assert set(document.get(rule.id, {})) - {"enforcementLevel"} == set(rule.config_schema), (env, rule.id)


def test_thresholds_tighten_from_dev_to_prod() -> None:
    dev, staging, prod = (load(e) for e in ENVIRONMENTS)
    fleet = "emr-fleet-spot-diversification"
    for key in ("taskMinInstanceTypes", "taskMinFamilies", "coreMinInstanceTypes", "coreMinFamilies"):
        assert dev[fleet][key] <= staging[fleet][key] <= prod[fleet][key]
    assert prod[fleet]["taskMinInstanceTypes"] > dev[fleet]["taskMinInstanceTypes"]
    timeout = "emr-fleet-spot-timeout"
    assert dev[timeout]["maxTimeoutDurationMinutes"] >= prod[timeout]["maxTimeoutDurationMinutes"]
    # Every cluster must span at least two AZs; prod cannot demand three because the on-prem proxy's region
    # (us-west-1) shows most accounts only two AZs (docs/adr/0001-regions-and-peering.md).
    assert dev["emr-cluster-multiple-subnets"]["minSubnets"] == prod["emr-cluster-multiple-subnets"]["minSubnets"] == 2
