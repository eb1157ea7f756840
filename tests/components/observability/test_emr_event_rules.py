"""EmrEventRules: every pattern matches the documented event shapes it must catch (sample events in
``events/``), rejects the ones it must not, is scoped to our cluster ids, and every rule targets the topic and the
event log group whose resource policy admits EventBridge.

Patterns are evaluated with moto's EventBridge pattern matcher (``moto.events.models.EventPattern``, moto 5.2.5).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from components.observability.emr_event_rules import (
    RULE_DESCRIPTIONS,
    EmrEventRules,
    EmrEventRulesArgs,
    event_patterns,
)
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import BURST_ID, KEY_ARN, ONPREM_ID, record_once
from tests.conftest import in_region

EVENTS = Path(__file__).parent / "events"
TOPIC = "arn:aws:sns:us-east-1:123456789012:hybrid-burst-test-alarms"
OURS = [BURST_ID, ONPREM_ID]

# Which rule must catch each sample event (None: no rule may catch it).
EXPECTED: dict[str, str | None] = {
    "fleet-resize-spot-timeout": "fleet-resize-problem",
    "fleet-resize-continuing": "fleet-resize-problem",
    "fleet-resize-completed-info": None,
    "fleet-resize-other-cluster": None,
    "fleet-state-suspended": "fleet-suspended",
    "fleet-state-running": None,
    "cluster-terminated-with-errors": "cluster-failed",
    "cluster-terminated-normally": None,
    "step-failed": "step-failed",
    "step-completed": None,
    "spot-interruption-warning": "spot-interruption",
    "ec2-rebalance-recommendation": None,
}


def _event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def test_every_fixture_has_an_expectation() -> None:
    assert {p.stem for p in EVENTS.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_each_sample_event_is_caught_by_exactly_the_expected_rule(sample: str) -> None:
    patterns = event_patterns(OURS)
    event = _event(sample)
    matched = {role for role, p in patterns.items() if EventPattern.load(json.dumps(p)).matches_event(event)}  # type: ignore[arg-type]
    expected = EXPECTED[sample]
    assert matched == ({expected} if expected else set())


def test_every_rule_catches_at_least_one_sample() -> None:
    assert set(event_patterns(OURS)) == {v for v in EXPECTED.values() if v}


def test_emr_patterns_are_scoped_to_our_cluster_ids() -> None:
    for role, pattern in event_patterns(OURS).items():
        if pattern["source"] == ["aws.emr"]:
            assert pattern["detail"]["clusterId"] == sorted(OURS), role


def test_spot_interruption_rule_can_be_left_out() -> None:
    assert "spot-interruption" not in event_patterns(OURS, spot_interruptions=False)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return record_once(
        lambda: EmrEventRules(
            "compute",
            EmrEventRulesArgs(cluster_ids=[BURST_ID], topic_arn=TOPIC, logs_kms_key_arn=KEY_ARN, log_retention_days=60),
            opts=in_region(),
        )
    )


def test_rules_carry_the_patterns_and_target_topic_and_log_group(plan: Plan) -> None:
    rules = plan.of_type("aws:cloudwatch/eventRule:EventRule")
    assert len(rules) == len(RULE_DESCRIPTIONS)
    expected = event_patterns([BURST_ID])
    assert {json.dumps(json.loads(r.inputs["eventPattern"]), sort_keys=True) for r in rules} == {
        json.dumps(p, sort_keys=True) for p in expected.values()
    }
    group = plan.one("aws:cloudwatch/logGroup:LogGroup")
    targets = plan.of_type("aws:cloudwatch/eventTarget:EventTarget")
    for rule in rules:
        arns = {t.inputs["arn"] for t in targets if t.inputs["rule"] == rule.outputs["name"]}
        assert arns == {TOPIC, group.outputs["arn"]}


def test_event_log_group_is_encrypted_and_admits_eventbridge(plan: Plan) -> None:
    group = plan.one("aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["retentionInDays"] == 60
    assert group.inputs["name"].startswith("/aws/events/")
    policy = json.loads(plan.one("aws:cloudwatch/logResourcePolicy:LogResourcePolicy").inputs["policyDocument"])
    (stmt,) = policy["Statement"]
    assert "events.amazonaws.com" in stmt["Principal"]["Service"]
    assert stmt["Resource"] == f"{group.outputs['arn']}:*"
