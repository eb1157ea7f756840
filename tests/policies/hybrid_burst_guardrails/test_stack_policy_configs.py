"""stacks/policy-config.<env>.json: valid for the pack, dev advisory, staging/prod mandatory, thresholds per env."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from hybrid_burst_guardrails.registry import build_registry

from scripts.offline.layout import policy_config
from tests.policies.guardrail_harness import REPO

ENVIRONMENTS = {"dev": "advisory", "staging": "mandatory", "prod": "mandatory"}


def load(env: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(policy_config(env).read_text())
    return document


def documented_exceptions() -> set[tuple[str, str, str]]:
    """(stack, rule, level) rows of the "Per-stack exceptions" table in docs/policies.md."""
    doc = (REPO / "docs" / "policies.md").read_text()
    section = doc.split("## Per-stack exceptions", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `([a-z0-9-]+)` \| `(\w+)` \|", section, flags=re.MULTILINE)
    return set(rows)


@pytest.mark.parametrize(("env", "level"), ENVIRONMENTS.items())
def test_enforcement_level(env: str, level: str) -> None:
    document = load(env)
    assert document["all"] == level


def test_every_per_rule_level_is_a_documented_exception() -> None:
    """A per-rule level diverges from the environment's level: docs/policies.md must say why and until when."""
    overrides = {
        (env, rule_id, entry["enforcementLevel"])
        for env in ENVIRONMENTS
        for rule_id, entry in load(env).items()
        if rule_id != "all" and entry.get("enforcementLevel")
    }
    assert overrides == documented_exceptions()


def test_kerberos_is_mandatory_in_prod_and_optional_in_dev() -> None:
    """Issue 13: prod's clusters carry Kerberos (stacks/Pulumi.prod.yaml), so prod's pack enforces it: the rule
    inherits prod's ``all: mandatory`` (tests/stack/test_kerberos.py checks the plan passes it); dev leaves it off."""
    prod = load("prod")
    assert prod["all"] == "mandatory"
    assert prod["emr-kerberos-required"].get("enforcementLevel", prod["all"]) == "mandatory"
    assert load("dev")["emr-kerberos-required"]["enforcementLevel"] == "disabled"


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
    retention = "cloudwatch-log-group-retention"
    assert (
        dev[retention]["minRetentionDays"]
        <= staging[retention]["minRetentionDays"]
        <= prod[retention]["minRetentionDays"]
    )
    assert prod[retention]["minRetentionDays"] == 365, "prod keeps logs a year (README: flow-log retention 365 days)"
    karpenter = "karpenter-spot-nodepool-diversification"
    assert dev[karpenter]["minFamilies"] <= staging[karpenter]["minFamilies"] <= prod[karpenter]["minFamilies"]


def test_prods_minimum_retention_is_mandatory_and_prods_plan_meets_it() -> None:
    """Issue 14 item 1: the override that made the rule advisory in prod is gone (every prod log group now keeps the
    configured 365 days), and each log group of prod's recorded plan passes the rule with prod's config."""
    from hybrid_burst_guardrails.observability.cloudwatch_log_group_retention import RULE

    from tests import plan_cache

    document = load("prod")
    entry = document["cloudwatch-log-group-retention"]
    assert entry.get("enforcementLevel", document["all"]) == "mandatory"
    config = {k: v for k, v in entry.items() if k != "enforcementLevel"}
    groups = plan_cache.recorded("prod").of_type("aws:cloudwatch/logGroup:LogGroup")
    assert groups
    for g in groups:
        evaluation = RULE.evaluate(g.type, g.inputs, config)
        assert evaluation.compliant, (g.inputs["name"], evaluation.violations)
