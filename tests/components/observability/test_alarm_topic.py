"""AlarmTopic: an SNS topic encrypted with a key CloudWatch and EventBridge may use, publishable only by them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.observability.alarm_topic import (
    SNS_PUBLISHER_KEY_ACTIONS,
    AlarmTopic,
    AlarmTopicArgs,
    TopicSubscriptionSpec,
)
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import ACCOUNT, record_once
from tests.conftest import in_region

SUBS = (
    TopicSubscriptionSpec(protocol="email", endpoint="oncall@example.com"),
    TopicSubscriptionSpec(protocol="https", endpoint="https://hooks.example.com/alarms"),
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return record_once(
        lambda: AlarmTopic(
            "compute-alarms",
            AlarmTopicArgs(account_id=ACCOUNT, region="us-east-1", purpose="compute-alarms", subscriptions=SUBS),
            opts=in_region(),
        )
    )


def _statements(policy: str) -> list[dict[str, Any]]:
    return list(json.loads(policy)["Statement"])


def test_topic_is_encrypted_with_the_dedicated_key(plan: Plan) -> None:
    topic = plan.one("aws:sns/topic:Topic")
    key = plan.one("aws:kms/key:Key")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]


def test_key_lets_cloudwatch_and_eventbridge_use_it(plan: Plan) -> None:
    stmts = _statements(plan.one("aws:kms/key:Key").inputs["policy"])
    by_service = {s["Principal"]["Service"]: s for s in stmts if "Service" in s.get("Principal", {})}
    assert set(by_service) == {"cloudwatch.amazonaws.com", "events.amazonaws.com"}
    for stmt in by_service.values():
        assert set(stmt["Action"]) == set(SNS_PUBLISHER_KEY_ACTIONS)
    assert by_service["cloudwatch.amazonaws.com"]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    # EventBridge's KMS call carries no source keys; a condition would silently drop notifications.
    assert "Condition" not in by_service["events.amazonaws.com"]


def test_topic_policy_admits_only_our_alarms_and_rules(plan: Plan) -> None:
    topic = plan.one("aws:sns/topic:Topic")
    policy = plan.one("aws:sns/topicPolicy:TopicPolicy")
    assert policy.inputs["arn"] == topic.outputs["arn"]
    for stmt in _statements(policy.inputs["policy"]):
        assert stmt["Action"] == "sns:Publish"
        assert stmt["Resource"] == topic.outputs["arn"]
        assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        assert ":us-east-1:" + ACCOUNT in stmt["Condition"]["ArnLike"]["aws:SourceArn"]


def test_one_subscription_per_configured_endpoint(plan: Plan) -> None:
    topic = plan.one("aws:sns/topic:Topic")
    subs = plan.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert {(s.inputs["protocol"], s.inputs["endpoint"]) for s in subs} == {(s.protocol, s.endpoint) for s in SUBS}
    assert all(s.inputs["topic"] == topic.outputs["arn"] for s in subs)
