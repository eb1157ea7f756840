"""A customer-managed KMS key with rotation, an alias and a key policy scoped to its users."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming

ENCRYPT_DECRYPT = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)


@dataclass(frozen=True, kw_only=True)
class ServiceKeyGrant:
    """Lets an AWS service principal use the key, under conditions that pin it to our account/resources."""

    service: str
    """Service principal, e.g. ``logs.us-east-1.amazonaws.com`` or ``sns.amazonaws.com``."""
    actions: Sequence[str] = ENCRYPT_DECRYPT
    """Key actions. Default: encrypt/decrypt/re-encrypt/generate data key/describe."""
    conditions: dict[str, Any] = field(default_factory=dict)
    """IAM condition block. Default: none (callers should pin the source account or ARN)."""


ACCOUNT = "${AccountId}"
"""Placeholder in grant conditions, replaced by the account id when the key policy is rendered."""


def logs_service_grant(region: str) -> ServiceKeyGrant:
    """CloudWatch Logs may use the key only for log groups of this account and region
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""
    return ServiceKeyGrant(
        service=f"logs.{region}.amazonaws.com",
        actions=("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
                 "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"),
        conditions={
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:*"}
        },
    )


@dataclass(frozen=True, kw_only=True)
class KmsKeyArgs:
    account_id: pulumi.Input[str]
    """The account that owns the key (root administers it); usually ``get_caller_identity_output().account_id``.
    Required."""
    region: str
    """Region of the provider the key is created with (for service principals). Required."""
    purpose: str
    """What the key protects (``data``, ``logs``, ``catalog``); used in the alias and description. Required."""
    user_role_arns: Sequence[pulumi.Input[str]] = ()
    """IAM roles that may encrypt/decrypt with the key. Default: none (IAM policies of the account still need
    to grant use; the key policy delegates to IAM through the root statement)."""
    service_grants: Sequence[ServiceKeyGrant] = ()
    """AWS services that may use the key directly. Default: none."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion. Default: 30 days (the maximum)."""
    protect: bool = False
    """Protect the key from deletion by Pulumi and retain it when removed from the program. Default: off."""
    user_via_services: Sequence[str] = ()
    """Restrict the ``user_role_arns`` statement to requests made through these services
    (``kms:ViaService``, e.g. ``s3.us-east-1.amazonaws.com``). Default: no restriction (the roles may also call
    KMS directly)."""


class KmsKey(pulumi.ComponentResource):
    """Symmetric CMK, rotation on, ``alias/hybrid-burst/<stack>/<purpose>``.

    The key policy has one administrative statement for the account root (``kms:*``, which AWS requires to keep
    the key manageable through IAM) and least-privilege usage statements for the listed roles and services.
    """

    key_arn: pulumi.Output[str]
    key_id: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:security:KmsKey", name, None, opts)
        self.validate(args)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect)
        policy = pulumi.Output.all(args.account_id, *args.user_role_arns).apply(
            lambda vals: json.dumps(self.key_policy(args, str(vals[0]), list(vals[1:])), sort_keys=True)
        )
        key = aws.kms.Key(
            f"{name}-key",
            description=f"hybrid-burst {pulumi.get_stack()} {args.purpose} key",
            enable_key_rotation=True,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            deletion_window_in_days=args.deletion_window_in_days,
            policy=policy,
            opts=stateful,
        )
        alias = aws.kms.Alias(
            f"{name}-alias",
            name=naming.kms_alias(pulumi.get_stack(), args.purpose),
            target_key_id=key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = key.arn
        self.key_id = key.key_id
        self.alias_name = alias.name
        self.register_outputs({"key_arn": self.key_arn, "key_id": self.key_id, "alias_name": self.alias_name})

    @staticmethod
    def validate(args: KmsKeyArgs) -> None:
        """Only the account-root administration statement may hold ``kms:*``; everyone else names actions."""
        if not args.purpose or not all(c.isalnum() or c in "-_" for c in args.purpose):
            raise ValueError(f"KmsKeyArgs.purpose {args.purpose!r}: use letters, digits, '-' or '_' (alias part)")
        for grant in args.service_grants:
            for action in grant.actions:
                if "*" in action:
                    raise ValueError(
                        f"ServiceKeyGrant for {grant.service}: wildcard action {action!r}; name the key actions "
                        "the service needs (only the account root administers the key with kms:*)"
                    )
            if "*" in grant.service:
                raise ValueError(f"ServiceKeyGrant: wildcard service principal {grant.service!r}")

    @staticmethod
    def key_policy(args: KmsKeyArgs, account_id: str, role_arns: list[str]) -> dict[str, Any]:
        statements: list[dict[str, Any]] = [
            {
                # The default key policy statement: the account administers the key through IAM
                # (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
                "Sid": "AccountRootAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        if role_arns:
            roles_stmt: dict[str, Any] = {
                "Sid": "RolesUseKey",
                "Effect": "Allow",
                "Principal": {"AWS": sorted(role_arns) if len(role_arns) > 1 else role_arns[0]},
                "Action": list(ENCRYPT_DECRYPT),
                "Resource": "*",
            }
            if args.user_via_services:
                # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                roles_stmt["Condition"] = {"StringEquals": {"kms:ViaService": sorted(args.user_via_services)}}
            statements.append(roles_stmt)
        for i, grant in enumerate(args.service_grants):
            stmt: dict[str, Any] = {
                "Sid": f"ServiceUse{i}",
                "Effect": "Allow",
                "Principal": {"Service": grant.service},
                "Action": list(grant.actions),
                "Resource": "*",
            }
            if grant.conditions:
                stmt["Condition"] = json.loads(json.dumps(grant.conditions).replace(ACCOUNT, account_id))
            statements.append(stmt)
        return {"Version": "2012-10-17", "Statement": statements}
