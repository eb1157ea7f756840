"""AlarmTopic: the KMS-encrypted SNS topic that CloudWatch alarms and EventBridge rules of one region notify."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import naming
from components.security.kms_key import ACCOUNT, KmsKey, KmsKeyArgs, ServiceKeyGrant

# An encrypted topic only receives from AWS services that may use its key: the SNS guide grants CloudWatch and
# EventBridge kms:GenerateDataKey* and kms:Decrypt
# (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services). The wildcard
# covers GenerateDataKey and GenerateDataKeyWithoutPlaintext; SNS publishes with GenerateDataKey, and KmsKey
# refuses wildcard actions, so the two actions are named.
SNS_PUBLISHER_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True, kw_only=True)
class TopicSubscriptionSpec:
    protocol: str
    """``email`` or ``https`` (validated by the config model)."""
    endpoint: str
    """Email address or https URL."""


@dataclass(frozen=True, kw_only=True)
class AlarmTopicArgs:
    account_id: pulumi.Input[str]
    """Account that owns the topic and its key. Required."""
    region: str
    """Region of the provider in ``opts`` (alarm ARNs in the topic policy). Required."""
    purpose: str
    """Names the key alias (``alias/hybrid-burst/<stack>/<purpose>``) and the topic. Required."""
    subscriptions: Sequence[TopicSubscriptionSpec] = ()
    """Subscribers. Default: none."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Bring your own key (its policy must admit cloudwatch.amazonaws.com and events.amazonaws.com).
    Default: a dedicated key is created with exactly those grants."""
    protect: bool = False
    """Protect the created key. Default: off."""


class AlarmTopic(pulumi.ComponentResource):
    """SNS topic, encrypted with a customer-managed key, whose policy admits only this account's CloudWatch alarms
    and EventBridge rules of this region."""

    topic_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:observability:AlarmTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.kms_key_arn is not None:
            key_arn: pulumi.Input[str] = args.kms_key_arn
        else:
            key_arn = KmsKey(
                f"{name}-key",
                KmsKeyArgs(
                    account_id=args.account_id,
                    region=args.region,
                    purpose=args.purpose,
                    service_grants=[
                        # CloudWatch supports the confused-deputy keys on this call; pin it to our account.
                        ServiceKeyGrant(
                            service="cloudwatch.amazonaws.com",
                            actions=SNS_PUBLISHER_KEY_ACTIONS,
                            conditions={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                        ),
                        # EventBridge's KMS request carries no aws:SourceAccount/aws:SourceArn, so a condition on
                        # them would drop every notification (same SNS page, "EventBridge" note).
                        ServiceKeyGrant(service="events.amazonaws.com", actions=SNS_PUBLISHER_KEY_ACTIONS),
                    ],
                    protect=args.protect,
                ),
                opts=child,
            ).key_arn
        topic = aws.sns.Topic(
            f"{name}-topic",
            name=naming.resource_name(pulumi.get_stack(), args.purpose),
            kms_master_key_id=key_arn,
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, args.account_id).apply(
                lambda v: json.dumps(self.topic_policy(str(v[0]), str(v[1]), args.region), sort_keys=True)
            ),
            opts=child,
        )
        for i, sub in enumerate(args.subscriptions):
            aws.sns.TopicSubscription(
                f"{name}-sub-{i}",
                topic=topic.arn,
                protocol=sub.protocol,
                endpoint=sub.endpoint,
                opts=child,
            )
        self.topic_arn = topic.arn
        self.key_arn = pulumi.Output.from_input(key_arn)
        self.register_outputs({"topic_arn": self.topic_arn, "key_arn": self.key_arn})

    @staticmethod
    def topic_policy(topic_arn: str, account_id: str, region: str) -> dict[str, object]:
        """Publish rights for CloudWatch alarms and EventBridge rules of this account and region only
        (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions)."""
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudWatchAlarmsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account_id}:alarm:*"},
                    },
                },
                {
                    "Sid": "EventBridgeRulesPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:events:{region}:{account_id}:rule/*"},
                    },
                },
            ],
        }
