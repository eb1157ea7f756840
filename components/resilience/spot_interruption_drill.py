"""SpotInterruptionDrill: an AWS FIS experiment template that sends Spot interruption notices to the running Spot
task instances of one EMR cluster (the drill of the AWS blog "Query big data with resilience using Trino in Amazon
EMR with Amazon EC2 Spot Instances", as code).

Action ``aws:ec2:send-spot-instance-interruptions`` with ``durationBeforeInterruption``
(https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#send-spot-instance-interruptions),
target type ``aws:ec2:spot-instance`` selected by EMR's instance tags and ``State.Name`` = running
(https://docs.aws.amazon.com/fis/latest/userguide/targets.html). EMR tags every instance with
``aws:elasticmapreduce:job-flow-id`` and ``aws:elasticmapreduce:instance-group-role``
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-tags.html).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.config.observability import validate_selection_mode
from components.security import grants

CLUSTER_TAG = "aws:elasticmapreduce:job-flow-id"
ROLE_TAG = "aws:elasticmapreduce:instance-group-role"
TARGET_KEY = "SpotInstances"


@dataclass(frozen=True, kw_only=True)
class SpotInterruptionDrillArgs:
    cluster_id: pulumi.Input[str]
    """EMR cluster whose Spot task instances are interrupted. Required."""
    account_id: pulumi.Input[str]
    """Account of the cluster (role trust conditions, instance ARNs). Required."""
    region: str
    """Region of the provider in ``opts`` (instance ARNs, trust conditions). Required."""
    stop_alarm_arn: pulumi.Input[str]
    """CloudWatch alarm that stops the experiment when it goes to ALARM (the cluster's degraded alarm). Required."""
    logs_kms_key_arn: pulumi.Input[str]
    """KMS key of the experiment log group. Required."""
    selection_mode: str = "COUNT(1)"
    """How many targets to interrupt: ``ALL``, ``COUNT(n)`` or ``PERCENT(p)``. Default: COUNT(1)."""
    instance_role: str = "TASK"
    """EMR node role whose Spot instances are targeted. Default: TASK (never the primary or core nodes)."""
    duration_before_interruption: str = "PT2M"
    """Notice before the interruption (ISO 8601), as a real Spot reclaim gives. Default: PT2M."""
    log_retention_days: int = 30
    """Retention of the experiment log group. Default: 30 days."""


class SpotInterruptionDrill(pulumi.ComponentResource):
    """FIS template + least-privilege experiment role + KMS-encrypted experiment log group."""

    template_id: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    log_group_arn: pulumi.Output[str]
    policy_json: pulumi.Output[str]

    def __init__(
        self, name: str, args: SpotInterruptionDrillArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("hybrid-burst:resilience:SpotInterruptionDrill", name, None, opts)
        validate_selection_mode(args.selection_mode)
        if args.instance_role not in {"TASK", "CORE"}:
            raise ValueError("SpotInterruptionDrillArgs.instance_role must be TASK or CORE (never MASTER)")
        child = pulumi.ResourceOptions(parent=self)
        stack = pulumi.get_stack()

        group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.log_group(stack, "fis", name),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_kms_key_arn,
            opts=child,
        )
        # FIS experiment logs are vended logs: the destination group's resource policy must admit
        # delivery.logs.amazonaws.com, pinned to our account and FIS experiments
        # (https://docs.aws.amazon.com/fis/latest/userguide/monitoring-logging.html#permissions-experiment-logging,
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html).
        log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-logs",
            policy_name=naming.resource_name(stack, name, "fis-logs"),
            policy_document=pulumi.Output.all(group.arn, args.account_id).apply(
                lambda v: json.dumps(self.log_policy(str(v[0]), str(v[1]), args.region), sort_keys=True)
            ),
            opts=child,
        )

        role = aws.iam.Role(
            f"{name}-role",
            description=f"FIS {name}: Spot interruption notices to {args.instance_role} instances of one EMR cluster",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda acct: grants.service_assume_role_policy(
                    ["fis.amazonaws.com"],
                    source_account=str(acct),
                    source_arn_like=f"arn:aws:fis:{args.region}:{acct}:experiment/*",
                )
            ),
            opts=child,
        )
        instances = pulumi.Output.concat("arn:aws:ec2:", args.region, ":", args.account_id, ":instance/*")
        self.policy_json = grants.policy_document(
            [
                grants.statement(
                    "interrupt this cluster's spot instances",
                    ["ec2:SendSpotInstanceInterruptions"],
                    [instances],
                    conditions=pulumi.Output.from_input(args.cluster_id).apply(
                        lambda cid: {
                            "StringEquals": {
                                f"aws:ResourceTag/{CLUSTER_TAG}": cid,
                                f"aws:ResourceTag/{ROLE_TAG}": args.instance_role,
                            }
                        }
                    ),
                ),
                grants.unscoped_read_only("resolve targets", ["ec2:DescribeInstances"]),
                grants.create_log_delivery(sid="deliver experiment logs"),
                grants.unscoped_read_only(
                    "check log destination", ["logs:DescribeLogGroups", "logs:DescribeResourcePolicies"]
                ),
            ]
        )
        role_policy = aws.iam.RolePolicy(f"{name}-role", role=role.name, policy=self.policy_json, opts=child)

        template = aws.fis.ExperimentTemplate(
            f"{name}-template",
            description=f"Spot interruption drill ({args.selection_mode}) on the {args.instance_role} fleet",
            role_arn=role.arn,
            actions=[
                aws.fis.ExperimentTemplateActionArgs(
                    name="interrupt-spot-task-nodes",
                    action_id="aws:ec2:send-spot-instance-interruptions",
                    parameters=[
                        aws.fis.ExperimentTemplateActionParameterArgs(
                            key="durationBeforeInterruption", value=args.duration_before_interruption
                        )
                    ],
                    target=aws.fis.ExperimentTemplateActionTargetArgs(key=TARGET_KEY, value="spot-task-nodes"),
                )
            ],
            targets=[
                aws.fis.ExperimentTemplateTargetArgs(
                    name="spot-task-nodes",
                    resource_type="aws:ec2:spot-instance",
                    selection_mode=args.selection_mode,
                    resource_tags=[
                        aws.fis.ExperimentTemplateTargetResourceTagArgs(key=CLUSTER_TAG, value=args.cluster_id),
                        aws.fis.ExperimentTemplateTargetResourceTagArgs(key=ROLE_TAG, value=args.instance_role),
                    ],
                    filters=[aws.fis.ExperimentTemplateTargetFilterArgs(path="State.Name", values=["running"])],
                )
            ],
            stop_conditions=[
                aws.fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm", value=args.stop_alarm_arn)
            ],
            log_configuration=aws.fis.ExperimentTemplateLogConfigurationArgs(
                log_schema_version=2,
                # The provider requires the group ARN with the ":*" suffix (pulumi_aws fis/_inputs.py).
                cloudwatch_logs_configuration=aws.fis.ExperimentTemplateLogConfigurationCloudwatchLogsConfigurationArgs(
                    log_group_arn=pulumi.Output.concat(group.arn, ":*")
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, log_policy]),
        )
        self.template_id = template.id
        self.role_arn = role.arn
        self.log_group_arn = group.arn
        self.register_outputs(
            {"template_id": self.template_id, "role_arn": self.role_arn, "log_group_arn": self.log_group_arn}
        )

    @staticmethod
    def log_policy(log_group_arn: str, account_id: str, region: str) -> dict[str, Any]:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "FisExperimentLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{log_group_arn}:*",
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{region}:{account_id}:*"},
                    },
                }
            ],
        }
