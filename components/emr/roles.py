"""EmrRoles: the EMR service role and the EC2 instance profile of one cluster, least privilege.

- Service role: the AWS managed ``AmazonEMRServicePolicy_v2``, which only acts on network resources tagged
  ``for-use-with-amazon-emr-managed-policies=true`` (our subnets and security groups carry the tag), plus an
  inline policy for what v2 leaves to the customer: ``iam:PassRole`` of exactly this cluster's instance role
  (to EC2 only), and KMS grants on the local-disk key for EBS encryption
  (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html,
  https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-managed-iam-policies.html,
  https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html - "EBS encryption").
- Instance role: only the statements the caller passes (bucket/prefix grants from the lake zones, the
  certificate object, the telemetry statements) plus key use on the listed KMS keys. No ``s3:*``, no ``*``
  resource on a write action. Created with its instance profile, or brought (``instance_role`` with
  ``instance_profile_arn``, as terraform-aws-emr's ``create_iam_instance_profile``/``iam_instance_profile_name``):
  the cluster's statements are then attached to the brought role as one inline policy.
- No autoscaling role: managed scaling runs under the service role; the role is only needed for the legacy
  custom automatic scaling policies of instance groups, which instance fleets do not support.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import naming
from components.security import grants

EMR_SERVICE_POLICY_V2 = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"


@dataclass(frozen=True, kw_only=True)
class EmrRolesArgs:
    account_id: pulumi.Input[str]
    """Account of the cluster (trust-policy confused-deputy conditions). Required."""
    region: str
    """Region of the cluster (the service role trusts EMR only for clusters of this region). Required."""
    instance_statements: Sequence[grants.Statement | list[grants.Statement]]
    """What the cluster's nodes may do: bucket/prefix grants (logs write, artifacts read, data zones) built with
    ``components.security.grants`` or a zone's ``grant_read``/``grant_write``. Required (at least the log
    bucket)."""
    instance_kms_key_arns: Sequence[pulumi.Input[str]] = ()
    """KMS keys the nodes use (local disk, S3 SSE-KMS of the buckets they touch). Default: none."""
    local_disk_kms_key_arn: pulumi.Input[str] | None = None
    """Key of the security configuration's local-disk/EBS encryption: the service role gets the grant
    permissions EBS encryption needs. Default: none (no EBS grant statement)."""
    service_role_arn: pulumi.Input[str] | None = None
    """Bring your own EMR service role. Default: a role is created."""
    instance_role_path: str = "/"
    """IAM path of the created instance role (the Lake Formation runtime role trusts instance roles by path).
    Default: ``/``. Only with a created role."""
    instance_role: aws.iam.Role | None = None
    """Bring your own instance role (give ``instance_profile_arn`` with it); the instance statements are attached
    to it as an inline policy. Default: a role and its instance profile are created."""
    instance_profile_arn: pulumi.Input[str] | None = None
    """Instance profile holding ``instance_role``. Required with ``instance_role``, refused without it."""


def instance_role_path(stack: str) -> str:
    """The IAM path of a stack's EMR instance roles: the Lake Formation runtime role trusts the roles under it."""
    return naming.iam_path(stack, "emr-instance")


def validate_instance_role(
    instance_role: aws.iam.Role | None, instance_profile_arn: pulumi.Input[str] | None, path: str, *, where: str
) -> None:
    """Create or bring your own: both ``instance_role`` and ``instance_profile_arn``, or neither."""
    if (instance_role is None) != (instance_profile_arn is None):
        raise ValueError(
            f"{where}: give instance_role together with instance_profile_arn (bring your own), or neither "
            "(both are created)"
        )
    if instance_role is not None and path != "/":
        raise ValueError(f"{where}.instance_role_path applies to a created role only; the brought role has its own")
    if not (path.startswith("/") and path.endswith("/")):
        raise ValueError(f"{where}.instance_role_path must start and end with '/', got {path!r}")


class EmrRoles(pulumi.ComponentResource):
    """Service role + EC2 instance role/profile for one EMR cluster."""

    service_role_arn: pulumi.Output[str]
    instance_role_arn: pulumi.Output[str]
    instance_role_name: pulumi.Output[str]
    instance_profile_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EmrRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:emr:EmrRoles", name, None, opts)
        if not args.instance_statements:
            raise ValueError("EmrRolesArgs.instance_statements: grant at least the log bucket write")
        validate_instance_role(args.instance_role, args.instance_profile_arn, args.instance_role_path,
                               where="EmrRolesArgs")
        child = pulumi.ResourceOptions(parent=self)

        instance_role = args.instance_role or aws.iam.Role(
            f"{name}-instance",
            description=f"EMR EC2 instance role of {name}",
            path=args.instance_role_path,
            assume_role_policy=grants.service_assume_role_policy(["ec2.amazonaws.com"]),
            opts=child,
        )
        statements: list[grants.Statement | list[grants.Statement]] = list(args.instance_statements)
        if args.instance_kms_key_arns:
            statements.append(grants.kms_use(args.instance_kms_key_arns, sid="cluster keys"))
        aws.iam.RolePolicy(
            f"{name}-instance",
            role=instance_role.name,
            policy=grants.policy_document(statements),
            opts=child,
        )
        if args.instance_profile_arn is not None:
            self.instance_profile_arn = pulumi.Output.from_input(args.instance_profile_arn)
        else:
            profile = aws.iam.InstanceProfile(f"{name}-instance", role=instance_role.name, opts=child)
            self.instance_profile_arn = profile.arn

        if args.service_role_arn is not None:
            self.service_role_arn = pulumi.Output.from_input(args.service_role_arn)
        else:
            trust = pulumi.Output.from_input(args.account_id).apply(
                lambda account: grants.service_assume_role_policy(
                    ["elasticmapreduce.amazonaws.com"],
                    source_account=account,
                    source_arn_like=f"arn:aws:elasticmapreduce:{args.region}:{account}:*",
                )
            )
            service_role = aws.iam.Role(
                f"{name}-service",
                description=f"EMR service role of {name} (AmazonEMRServicePolicy_v2)",
                assume_role_policy=trust,
                opts=child,
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-service-v2", role=service_role.name, policy_arn=EMR_SERVICE_POLICY_V2, opts=child
            )
            service_statements: list[grants.Statement | list[grants.Statement]] = [
                grants.statement(
                    "pass instance role",
                    ["iam:PassRole"],
                    [instance_role.arn],
                    conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                )
            ]
            if args.local_disk_kms_key_arn is not None:
                service_statements += [
                    grants.kms_use([args.local_disk_kms_key_arn], sid="ebs encryption key"),
                    grants.statement(
                        "ebs encryption grants",
                        ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                        [args.local_disk_kms_key_arn],
                        conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                    ),
                ]
            aws.iam.RolePolicy(
                f"{name}-service",
                role=service_role.name,
                policy=grants.policy_document(service_statements),
                opts=child,
            )
            self.service_role_arn = service_role.arn

        self.instance_role_arn = instance_role.arn
        self.instance_role_name = instance_role.name
        self.register_outputs(
            {
                "service_role_arn": self.service_role_arn,
                "instance_role_arn": self.instance_role_arn,
                "instance_role_name": self.instance_role_name,
                "instance_profile_arn": self.instance_profile_arn,
            }
        )

