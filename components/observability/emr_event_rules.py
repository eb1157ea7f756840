"""EmrEventRules: EventBridge rules for EMR capacity and failure events of our clusters, to SNS and a log group.

Event shapes (source ``aws.emr``; ``detail.clusterId`` on every EMR event):
https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-manage-cloudwatch-events.html and
https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-events-response-timeout-events.html (the
``EMR Instance Fleet Resize`` event with ``detail.eventCode`` ``Spot Provisioning timeout``). The EC2 Spot warning
(source ``aws.ec2``, ``detail`` ``instance-id``/``instance-action``) carries no cluster id or tags:
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html.
Sample events proving every pattern: ``tests/components/observability/events/``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming

# Severity of EMR events is INFO, WARN(ING), ERROR or CRITICAL; everything but INFO on a fleet resize is a
# provisioning timeout or a failed resize (the table "Instance fleet resize events" on the EMR events page).
RULE_DESCRIPTIONS: dict[str, str] = {
    "fleet-resize-problem": "EMR instance fleet resize timed out or failed (Spot/On-Demand capacity not provisioned)",
    "fleet-suspended": "EMR instance fleet SUSPENDED: a resize could not complete",
    "cluster-failed": "EMR cluster TERMINATED_WITH_ERRORS",
    "step-failed": "EMR step FAILED",
    "spot-interruption": "EC2 Spot Instance Interruption Warning (2-minute notice) in this region",
}


def event_patterns(cluster_ids: Sequence[str], *, spot_interruptions: bool = True) -> dict[str, dict[str, Any]]:
    """The event pattern of every rule, scoped to ``cluster_ids`` wherever the event names its cluster."""
    ids = sorted(set(cluster_ids))
    if not ids:
        raise ValueError("event_patterns needs at least one cluster id")
    patterns: dict[str, dict[str, Any]] = {
        "fleet-resize-problem": {
            "source": ["aws.emr"],
            "detail-type": ["EMR Instance Fleet Resize"],
            "detail": {"clusterId": ids, "severity": [{"anything-but": "INFO"}]},
        },
        "fleet-suspended": {
            "source": ["aws.emr"],
            "detail-type": ["EMR Instance Fleet State Change"],
            "detail": {"clusterId": ids, "state": ["SUSPENDED"]},
        },
        "cluster-failed": {
            "source": ["aws.emr"],
            "detail-type": ["EMR Cluster State Change"],
            "detail": {"clusterId": ids, "state": ["TERMINATED_WITH_ERRORS"]},
        },
        "step-failed": {
            "source": ["aws.emr"],
            "detail-type": ["EMR Step Status Change"],
            "detail": {"clusterId": ids, "state": ["FAILED"]},
        },
    }
    if spot_interruptions:
        # EventBridge cannot filter on instance tags and the warning names only the instance, so this rule sees
        # every Spot interruption of the region; the burst VPC runs only our clusters' Spot capacity.
        patterns["spot-interruption"] = {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Spot Instance Interruption Warning"],
        }
    return patterns


@dataclass(frozen=True, kw_only=True)
class EmrEventRulesArgs:
    cluster_ids: Sequence[pulumi.Input[str]]
    """EMR cluster ids (``j-...``) of this region whose events are caught. Required (at least one)."""
    topic_arn: pulumi.Input[str]
    """SNS topic every rule notifies (its policy must admit events.amazonaws.com). Required."""
    logs_kms_key_arn: pulumi.Input[str]
    """KMS key of the event log group. Required."""
    log_retention_days: int = 30
    """Retention of the event log group. Default: 30 days."""
    spot_interruptions: bool = True
    """Also route EC2 Spot interruption warnings of the region. Default: on."""


class EmrEventRules(pulumi.ComponentResource):
    """One rule per event kind, each with two targets: the SNS topic and a KMS-encrypted log group (whose
    resource policy admits EventBridge)."""

    rule_arns: dict[str, pulumi.Output[str]]
    log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EmrEventRulesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:observability:EmrEventRules", name, None, opts)
        if not args.cluster_ids:
            raise ValueError("EmrEventRulesArgs.cluster_ids needs at least one cluster id")
        child = pulumi.ResourceOptions(parent=self)
        stack = pulumi.get_stack()
        # EventBridge log targets use groups under /aws/events/
        # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html, CloudWatch Logs target).
        group = aws.cloudwatch.LogGroup(
            f"{name}-events",
            name=naming.events_log_group(stack, name),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_kms_key_arn,
            opts=child,
        )
        # EventBridge writes to a log group only if the group's resource policy admits it
        # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions).
        policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-events",
            policy_name=naming.resource_name(stack, name, "events"),
            policy_document=group.arn.apply(lambda arn: json.dumps(self.log_policy(arn), sort_keys=True)),
            opts=child,
        )
        patterns = pulumi.Output.all(*args.cluster_ids).apply(
            lambda ids: event_patterns([str(i) for i in ids], spot_interruptions=args.spot_interruptions)
        )
        roles = list(RULE_DESCRIPTIONS) if args.spot_interruptions else list(RULE_DESCRIPTIONS)[:-1]
        self.rule_arns = {}
        def pattern_of(role: str) -> pulumi.Output[str]:
            return patterns.apply(lambda p: json.dumps(p[role], sort_keys=True))

        for role in roles:
            rule = aws.cloudwatch.EventRule(
                f"{name}-{role}",
                name=naming.event_rule(stack, name, role),
                description=RULE_DESCRIPTIONS[role],
                event_pattern=pattern_of(role),
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{role}-sns",
                rule=rule.name,
                target_id="alarm-topic",
                arn=args.topic_arn,
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{role}-logs",
                rule=rule.name,
                target_id="event-log",
                arn=group.arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
            )
            self.rule_arns[role] = rule.arn
        self.log_group_arn = group.arn
        self.register_outputs({"rule_arns": self.rule_arns, "log_group_arn": self.log_group_arn})

    @staticmethod
    def log_policy(log_group_arn: str) -> dict[str, Any]:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EventBridgeWritesEventLog",
                    "Effect": "Allow",
                    "Principal": {"Service": ["delivery.logs.amazonaws.com", "events.amazonaws.com"]},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{log_group_arn}:*",
                }
            ],
        }
