"""What a lake principal needs in IAM besides its Lake Formation grants, as pure functions of the config.

Lake Formation decides which tables and columns a principal sees; the principal's own IAM policy must still allow
Lake Formation credential vending, the Glue catalog calls on the databases it is granted, and the catalog key.
``LakeGovernance`` attaches these statements to the roles it creates; the program attaches them to roles it creates
elsewhere (the EMR on EKS job role) before the lake makes their grants.

The EMR runtime role's trust policy is here too: the EMR instance roles, found by their IAM path (decided on the EMR
side, ``components/emr/roles.py``), may assume it and tag the session the way EMR does for Lake Formation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi

from components.config.lake import DatabaseConfig, GrantConfig, TagGrantConfig
from components.lake.lf_tags import database_may_match
from components.security import grants

EMR_SESSION_TAG = "Amazon EMR"
"""The session-tag value EMR sets (``LakeFormationAuthorizedCaller``) when it assumes a runtime role for a Lake
Formation-governed job; Lake Formation must list it in ``authorizedSessionTagValueList``
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-steps-runtime-roles.html)."""

GLUE_READ = (
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetTableVersions",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
)
GLUE_WRITE = (
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
)
WRITE_PERMISSIONS = frozenset({"CREATE_TABLE", "ALTER", "DROP", "INSERT", "DELETE"})
"""Lake Formation permissions that need the Glue write calls (and the catalog key for encryption)."""


def granted_databases(
    symbol: str,
    *,
    grants_: Sequence[GrantConfig],
    tag_grants: Sequence[TagGrantConfig],
    databases: Sequence[DatabaseConfig],
) -> tuple[list[str], list[str]]:
    """(read, write): the databases a principal is granted on, directly or through an LF-tag expression that one
    of the database's tables may match; sorted."""
    read: set[str] = set()
    write: set[str] = set()
    for g in grants_:
        if g.principal == symbol:
            read.add(g.database)
            if WRITE_PERMISSIONS & set(g.permissions):
                write.add(g.database)
    for tg in tag_grants:
        if tg.principal == symbol:
            for db in databases:
                if database_may_match(db, tg.expression):
                    read.add(db.name)
                    if WRITE_PERMISSIONS & set(tg.permissions):
                        write.add(db.name)
    return sorted(read), sorted(write)


def glue_resources(region: str, account_id: pulumi.Input[str], databases: Sequence[str]) -> list[pulumi.Input[str]]:
    """The catalog and, per database, the database and its tables."""
    base = pulumi.Output.concat("arn:aws:glue:", region, ":", account_id, ":")
    out: list[pulumi.Input[str]] = [pulumi.Output.concat(base, "catalog")]
    for db in databases:
        out.append(pulumi.Output.concat(base, "database/", db))
        out.append(pulumi.Output.concat(base, "table/", db, "/*"))
    return out


def principal_statements(
    symbol: str,
    *,
    grants_: Sequence[GrantConfig],
    tag_grants: Sequence[TagGrantConfig],
    databases: Sequence[DatabaseConfig],
    region: str,
    account_id: pulumi.Input[str],
    catalog_kms_key_arn: pulumi.Input[str],
) -> list[grants.Statement]:
    """IAM statements for ``symbol``: Lake Formation credential vending, Glue catalog read (and write where a grant
    writes) on its databases, and the catalog key (decrypt only unless it writes)."""
    dbs_read, dbs_write = granted_databases(symbol, grants_=grants_, tag_grants=tag_grants, databases=databases)
    stmts = [grants.unscoped_read_only("lake formation data access", ["lakeformation:GetDataAccess"])]
    if dbs_read:
        stmts.append(grants.statement("glue catalog read", GLUE_READ, glue_resources(region, account_id, dbs_read)))
        stmts.append(grants.kms_use([catalog_kms_key_arn], decrypt_only=not dbs_write, sid="catalog key"))
    if dbs_write:
        stmts.append(
            grants.statement("glue catalog write", GLUE_WRITE, glue_resources(region, account_id, dbs_write))
        )
    return stmts


def account_trust_policy(account_id: pulumi.Input[str], assumable_by: Sequence[str]) -> pulumi.Output[str]:
    """Trust the account's IAM principals whose ARN matches ``assumable_by`` (``aws:PrincipalArn``, ``ArnLike``;
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn),
    and who are also allowed ``sts:AssumeRole`` on the role by their own policies."""
    if not assumable_by:
        raise ValueError("account_trust_policy: assumable_by is empty (the role would trust the whole account)")
    return pulumi.Output.from_input(account_id).apply(
        lambda a: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountPrincipalsAssume",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{a}:root"},
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{a}:{p}" for p in assumable_by]}
                        },
                    }
                ],
            },
            sort_keys=True,
        )
    )


def emr_runtime_trust_policy(account_id: str, instance_role_path: str) -> dict[str, Any]:
    """EMR instance roles (by IAM path) may assume the runtime role, set the source identity, and tag the
    session only with the Lake Formation authorized-caller tag EMR uses."""
    instance_roles = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{account_id}:role{instance_role_path}*"}}
    root = {"AWS": f"arn:aws:iam::{account_id}:root"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EmrInstanceRolesAssume",
                "Effect": "Allow",
                "Principal": root,
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "Condition": instance_roles,
            },
            {
                "Sid": "EmrTagsLakeFormationSession",
                "Effect": "Allow",
                "Principal": root,
                "Action": "sts:TagSession",
                "Condition": {
                    **instance_roles,
                    "StringEquals": {"aws:RequestTag/LakeFormationAuthorizedCaller": EMR_SESSION_TAG},
                },
            },
        ],
    }


def emr_runtime_assume_statements(runtime_role_arn: pulumi.Input[str]) -> list[grants.Statement]:
    """For the EMR instance role's own policy: assume the runtime role, set source identity, tag the session."""
    return [
        grants.statement(
            "assume emr runtime role",
            ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
            [runtime_role_arn],
        )
    ]
