"""Karpenter's IAM and queue policies (pure): the controller's IRSA trust, Karpenter v1's scoped controller policy
through the grant helpers, and the interruption queue's policy.

Source: aws/karpenter-provider-aws ``website/content/en/preview/getting-started/getting-started-with-karpenter/
cloudformation.yaml`` (v1); every statement keeps its Sid's intent, scoped to this account, region and cluster instead
of ``*`` where the action allows it.
"""

from __future__ import annotations

import json

import pulumi

from components.security import grants

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "karpenter"


def controller_trust_policy(oidc_provider_arn: str) -> str:
    """Only Karpenter's service account, through this cluster's OIDC provider (IRSA)."""
    return grants.service_account_trust_policy(
        oidc_provider_arn, sid="KarpenterServiceAccount", subject=f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
    )


def controller_statements(
    *,
    partition: str,
    region: str,
    account_id: pulumi.Input[str],
    cluster_name: str,
    queue_arn: pulumi.Input[str],
    node_role_arn: pulumi.Input[str],
) -> list[grants.Statement]:
    """The controller's policy: Karpenter v1's statements, every resource in this account/region/cluster."""

    def ec2(resource: str, *, owner: bool = True) -> pulumi.Output[str]:
        # AMIs and snapshots are owned by AWS or other accounts: no account in their ARN pattern.
        return pulumi.Output.concat(
            f"arn:{partition}:ec2:{region}:", account_id if owner else "", f":{resource}/*"
        )

    owned = {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned"}
    requested = {
        f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned",
        "aws:RequestTag/eks:eks-cluster-name": cluster_name,
    }
    launched = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"]
    profiles = pulumi.Output.concat(f"arn:{partition}:iam::", account_id, ":instance-profile/*")
    profile_owned = {**owned, "aws:ResourceTag/topology.kubernetes.io/region": region}
    profile_requested = {**requested, "aws:RequestTag/topology.kubernetes.io/region": region}
    return [
        grants.statement(
            "scoped ec2 instance access",
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [ec2("image", owner=False), ec2("snapshot", owner=False), ec2("security-group"), ec2("subnet")],
        ),
        grants.statement(
            "scoped ec2 launch template access",
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [ec2("launch-template")],
            conditions={"StringEquals": owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}},
        ),
        grants.statement(
            "scoped ec2 instance actions with tags",
            ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            [ec2(r) for r in launched],
            conditions={"StringEquals": requested, "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}},
        ),
        grants.statement(
            "scoped resource creation tagging",
            ["ec2:CreateTags"],
            [ec2(r) for r in launched],
            conditions={
                "StringEquals": {
                    **requested,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        ),
        grants.statement(
            "scoped resource tagging",
            ["ec2:CreateTags"],
            [ec2("instance")],
            conditions={
                "StringEquals": owned,
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster_name},
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                },
            },
        ),
        grants.statement(
            "scoped deletion",
            ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            [ec2("instance"), ec2("launch-template")],
            conditions={"StringEquals": owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}},
        ),
        # EC2 Describe* and pricing:GetProducts support no resource-level permissions (Service Authorization
        # Reference): the only unscoped statements, read-only.
        grants.unscoped_read_only(
            "regional read actions",
            [
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
        ),
        grants.unscoped_read_only("pricing read actions", ["pricing:GetProducts"]),
        grants.statement(
            "ssm read actions",
            ["ssm:GetParameter"],
            [f"arn:{partition}:ssm:{region}::parameter/aws/service/*"],
        ),
        grants.statement(
            "interruption queue actions", ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], [queue_arn]
        ),
        grants.statement(
            "passing instance role",
            ["iam:PassRole"],
            [node_role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        ),
        grants.statement(
            "scoped instance profile creation",
            ["iam:CreateInstanceProfile"],
            [profiles],
            conditions={
                "StringEquals": profile_requested,
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        ),
        grants.statement(
            "scoped instance profile tagging",
            ["iam:TagInstanceProfile"],
            [profiles],
            conditions={
                "StringEquals": {**profile_owned, **profile_requested},
                "StringLike": {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        ),
        grants.statement(
            "scoped instance profile actions",
            ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            [profiles],
            conditions={
                "StringEquals": profile_owned,
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        ),
        grants.statement("instance profile read", ["iam:GetInstanceProfile"], [profiles]),
        grants.statement(
            "api server endpoint discovery",
            ["eks:DescribeCluster"],
            [pulumi.Output.concat(f"arn:{partition}:eks:{region}:", account_id, f":cluster/{cluster_name}")],
        ),
    ]


def queue_policy(queue_arn: str) -> str:
    """EventBridge (and SQS itself) may send; nothing over plain HTTP."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "EC2InterruptionPolicy",
            "Statement": [
                {
                    "Sid": "EventsSend",
                    "Effect": "Allow",
                    "Principal": {"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                },
                {
                    "Sid": "DenyHTTP",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": queue_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
        sort_keys=True,
    )
