"""LakeGovernance: S3 location registration, LF-tags and grants down to columns, and the EMR runtime role whose
Spark/Trino sessions Lake Formation governs. Lake Formation's settings (admins, default permissions, EMR's data
filtering) are account-wide: the owning stack's ``AccountBaseline`` sets them
(``components/platform/account_baseline.py``), and this component's resources wait for them (``wait_for``).

Principals are config symbols (see ``components/config/lake.py``): ``emr-runtime`` is created here (or brought
with ``emr_runtime_role_arn``), ``create: true`` principals are roles created here, ``arn`` principals exist
already, and ``lateBound`` principals are roles the program creates before the lake (the EMR on EKS job role),
whose ARNs arrive in ``principal_arns``. Every principal's configured grants are made at construction. The IAM
statements a principal needs besides its grants come from ``principals.py``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.config.lake import (
    EMR_RUNTIME,
    DatabaseConfig,
    GrantConfig,
    LocationGrantConfig,
    PrincipalConfig,
    TagGrantConfig,
)
from components.lake import principals as lake_principals
from components.lake.storage_zones import ZoneBucket
from components.security import grants

_Statements = grants.Statement | list[grants.Statement]  # (the field ``grants`` shadows the module in the args)


@dataclass(frozen=True, kw_only=True)
class LakeGovernanceArgs:
    region: str
    """Region of the provider in ``opts`` (catalog ARNs). Required."""
    account_id: pulumi.Input[str]
    """The account (catalog id, trust policies). Required."""
    registered_buckets: Mapping[str, ZoneBucket]
    """Zone -> bucket registered as a Lake Formation data location (raw, curated). Required."""
    catalog_kms_key_arn: pulumi.Input[str]
    """Catalog key: principals reading the encrypted catalog need it. Required."""
    database_names: Mapping[str, pulumi.Input[str]]
    """Database name -> the created database's name output (orders grants after the databases). Required."""
    table_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """``<db>.<table>`` -> created table name output. Default: none."""
    databases: Sequence[DatabaseConfig] = ()
    """The catalog as configured (schemas and LF-tags, for validation and tag assignment). Default: none."""
    lf_tags: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """LF-tag keys and values. Default: none."""
    principals: Mapping[str, PrincipalConfig] = field(default_factory=dict)
    """Grantee symbols. Default: none besides ``emr-runtime``."""
    principal_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """ARNs of ``lateBound`` principals (roles the program creates before the lake, e.g. the EMR on EKS job role);
    no other symbol is accepted. A ``lateBound`` principal without an ARN gets no grants: its role is not part of
    this stack (EMR on EKS off). Default: none."""
    emr_instance_role_path: str
    """IAM path of the EMR EC2 instance roles allowed to assume the created runtime role (the EMR side decides it:
    ``components.emr.roles.instance_role_path``). Required."""
    grants: Sequence[GrantConfig] = ()
    """Named-resource grants (database, table, columns). Default: none."""
    tag_grants: Sequence[TagGrantConfig] = ()
    """LF-tag expression grants. Default: none."""
    location_grants: Sequence[LocationGrantConfig] = ()
    """``DATA_LOCATION_ACCESS`` on registered zones. Default: none."""
    emr_runtime_role_arn: pulumi.Input[str] | None = None
    """Bring your own EMR runtime role. Default: one is created, trusted by the EMR instance roles under
    ``emr_instance_role_path``."""
    emr_runtime_statements: Sequence[_Statements] = ()
    """The created runtime role's own inline policy: the jobs it runs, the prefixes they write
    (``LakePipeline.writer_statements``). Default: none. Refused with ``emr_runtime_role_arn``."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources every registration, LF-tag and grant is created after: the owning stack's Lake Formation settings
    (only its admins may grant). Default: none (a sharing stack: the owner set them, and its admin list must name
    this stack's deploy role)."""


class LakeGovernance(pulumi.ComponentResource):
    """Lake Formation governs the lake: locations registered with a dedicated role, LF-tags assigned, and every
    configured grant made (named, column-level, tag-based and data-location)."""

    emr_runtime_role_arn: pulumi.Output[str]
    emr_runtime_role_name: pulumi.Output[str] | None
    """None when the runtime role was brought (``emr_runtime_role_arn``)."""
    emr_instance_role_path: str
    registration_role_arn: pulumi.Output[str]
    principal_arns: dict[str, pulumi.Output[str]]
    """Symbol -> ARN of every principal."""
    lf_tag_keys: list[str]

    def __init__(self, name: str, args: LakeGovernanceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:lake:LakeGovernance", name, None, opts)
        self._name = name
        self._args = args
        self._grant_count = 0
        child = pulumi.ResourceOptions(parent=self)
        self._dbs = {d.name: d for d in args.databases}
        self._settings: list[pulumi.Resource] = list(args.wait_for)

        after_settings = pulumi.ResourceOptions(parent=self, depends_on=self._settings)

        # --- registration of the data zones ---------------------------------------------------------------
        registration_role = aws.iam.Role(
            f"{name}-registration",
            description="Lake Formation data access role for the registered lake zones",
            # https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html
            assume_role_policy=grants.service_assume_role_policy(["lakeformation.amazonaws.com"]),
            opts=child,
        )
        statements = [bucket.grant_read_write(delete=True) for bucket in args.registered_buckets.values()]
        registration_policy = aws.iam.RolePolicy(
            f"{name}-registration-access",
            role=registration_role.id,
            policy=grants.policy_document(statements),
            opts=child,
        )
        self.registration_role_arn = registration_role.arn
        self._registrations: dict[str, aws.lakeformation.Resource] = {}
        for zone, bucket in args.registered_buckets.items():
            self._registrations[zone] = aws.lakeformation.Resource(
                f"{name}-register-{zone}",
                arn=bucket.bucket_arn,
                role_arn=registration_role.arn,
                hybrid_access_enabled=False,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[*self._settings, registration_policy]),
            )

        # --- LF-tags and their assignment -----------------------------------------------------------------
        self._tags: dict[str, aws.lakeformation.LfTag] = {}
        for key, values in args.lf_tags.items():
            self._tags[key] = aws.lakeformation.LfTag(
                f"{name}-tag-{key}", key=key, values=list(values), opts=after_settings
            )
        self.lf_tag_keys = list(self._tags)
        self._assign_tags(name, args)

        self._make_principals(name, args)

        # --- grants ---------------------------------------------------------------------------------------
        for sym, arn in self.principal_arns.items():
            self._configured_grants(sym, arn)

        self.register_outputs(
            {
                "emr_runtime_role_arn": self.emr_runtime_role_arn,
                "registration_role_arn": self.registration_role_arn,
                "principal_arns": self.principal_arns,
            }
        )

    def _make_principals(self, name: str, args: LakeGovernanceArgs) -> None:
        """The EMR runtime role (created or brought) and the ``create``/``arn`` principals of the config."""
        child = pulumi.ResourceOptions(parent=self)
        path = args.emr_instance_role_path
        if not (path.startswith("/") and path.endswith("/")):
            raise ValueError(f"LakeGovernanceArgs.emr_instance_role_path must start and end with '/', got {path!r}")
        self.emr_instance_role_path = path
        late = sorted(s for s, p in args.principals.items() if p.late_bound)
        unknown = sorted(set(args.principal_arns) - set(late))
        if unknown:
            raise ValueError(
                f"LakeGovernanceArgs.principal_arns: {unknown} are not lateBound principals; only these take an "
                f"ARN from the program: {late}"
            )
        self.principal_arns = {}
        if args.emr_runtime_role_arn is not None and args.emr_runtime_statements:
            raise ValueError("LakeGovernanceArgs.emr_runtime_statements: only for a created runtime role")
        if args.emr_runtime_role_arn is not None:
            self.emr_runtime_role_arn = pulumi.Output.from_input(args.emr_runtime_role_arn)
            self.emr_runtime_role_name = None
        else:
            runtime = aws.iam.Role(
                f"{name}-emr-runtime",
                description="EMR runtime role: Spark/Trino sessions governed by Lake Formation",
                assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                    lambda a: json.dumps(lake_principals.emr_runtime_trust_policy(a, path), sort_keys=True)
                ),
                opts=child,
            )
            aws.iam.RolePolicy(
                f"{name}-emr-runtime-catalog",
                role=runtime.id,
                policy=grants.policy_document(self.principal_statements(EMR_RUNTIME)),
                opts=child,
            )
            if args.emr_runtime_statements:
                jobs = grants.policy_document(args.emr_runtime_statements)
                aws.iam.RolePolicy(f"{name}-emr-runtime-jobs", role=runtime.id, policy=jobs, opts=child)
            self.emr_runtime_role_arn = runtime.arn
            self.emr_runtime_role_name = runtime.name
        self.principal_arns[EMR_RUNTIME] = self.emr_runtime_role_arn
        for sym, principal in args.principals.items():
            if principal.arn is not None:
                self.principal_arns[sym] = pulumi.Output.from_input(principal.arn)
            elif principal.late_bound:
                if sym in args.principal_arns:
                    self.principal_arns[sym] = pulumi.Output.from_input(args.principal_arns[sym])
            elif principal.create:
                role = aws.iam.Role(
                    f"{name}-{sym}",
                    description=f"Lake principal '{sym}' (grants from hybrid-burst:lake)",
                    assume_role_policy=lake_principals.account_trust_policy(args.account_id, principal.assumable_by),
                    opts=child,
                )
                aws.iam.RolePolicy(
                    f"{name}-{sym}-catalog",
                    role=role.id,
                    policy=grants.policy_document(self.principal_statements(sym)),
                    opts=child,
                )
                self.principal_arns[sym] = role.arn

    def bind_principal(self, symbol: str, arn: pulumi.Input[str]) -> None:
        """Make the configured grants of a ``lateBound`` principal whose role is created after the lake (the burst
        cluster's instance role, ``emr-instance``: the cluster needs the lake's runtime role first)."""
        principal = self._args.principals.get(symbol)
        if principal is None or not principal.late_bound or symbol in self.principal_arns:
            raise ValueError(f"bind_principal: {symbol!r} is not a lateBound principal without an ARN yet")
        self.principal_arns[symbol] = pulumi.Output.from_input(arn)
        self._configured_grants(symbol, arn)

    def principal_statements(self, symbol: str) -> list[grants.Statement]:
        """IAM statements ``symbol`` needs besides its Lake Formation grants (``principals.principal_statements``
        over this lake's configuration)."""
        a = self._args
        return lake_principals.principal_statements(
            symbol,
            grants_=a.grants,
            tag_grants=a.tag_grants,
            databases=a.databases,
            region=a.region,
            account_id=a.account_id,
            catalog_kms_key_arn=a.catalog_kms_key_arn,
        )

    def grant_select(
        self,
        principal_arn: pulumi.Input[str],
        database: str,
        table: str,
        *,
        columns: Sequence[str] | None = None,
        excluded_columns: Sequence[str] | None = None,
        resource_name: str | None = None,
    ) -> aws.lakeformation.Permissions:
        """SELECT on a table, on only ``columns`` or on all but ``excluded_columns`` (e.g. the PII columns)."""
        return self._grant(
            principal_arn,
            database,
            table,
            ["SELECT"],
            columns=columns,
            excluded_columns=excluded_columns,
            resource_name=resource_name,
        )

    # ------------------------------------------------------------------------------------------------------
    def _db_name(self, database: str) -> pulumi.Input[str]:
        if database not in self._args.database_names:
            raise ValueError(
                f"unknown database {database!r}; known: {sorted(self._args.database_names)} "
                "(hybrid-burst:lake.databases)"
            )
        return self._args.database_names[database]

    def _table_name(self, database: str, table: str) -> pulumi.Input[str]:
        db = self._dbs.get(database)
        if db is None or db.table(table) is None:
            raise ValueError(f"unknown table {database}.{table}; define it under hybrid-burst:lake.databases")
        return self._args.table_names.get(f"{database}.{table}", table)

    def _grant(
        self,
        principal_arn: pulumi.Input[str],
        database: str,
        table: str | None,
        permissions: Sequence[str],
        *,
        columns: Sequence[str] | None = None,
        excluded_columns: Sequence[str] | None = None,
        resource_name: str | None = None,
    ) -> aws.lakeformation.Permissions:
        self._grant_count += 1
        rname = resource_name or f"{self._name}-grant-{self._grant_count}"
        db_name = self._db_name(database)
        opts = pulumi.ResourceOptions(parent=self, depends_on=self._settings)
        if table is None:
            return aws.lakeformation.Permissions(
                rname,
                principal=principal_arn,
                permissions=list(permissions),
                database=aws.lakeformation.PermissionsDatabaseArgs(name=db_name),
                opts=opts,
            )
        table_name = self._table_name(database, table)
        if columns is None and excluded_columns is None:
            return aws.lakeformation.Permissions(
                rname,
                principal=principal_arn,
                permissions=list(permissions),
                table=aws.lakeformation.PermissionsTableArgs(database_name=db_name, name=table_name),
                opts=opts,
            )
        if columns is not None and excluded_columns is not None:
            raise ValueError("grant: give columns or excluded_columns, not both")
        schema = self._dbs[database].table(table)
        assert schema is not None
        unknown = [c for c in (columns or excluded_columns or []) if c not in schema.column_names()]
        if unknown:
            raise ValueError(f"grant: {unknown} not in {database}.{table} ({schema.column_names()})")
        if set(permissions) - {"SELECT"}:
            raise ValueError("grant: column-level grants admit SELECT only (Lake Formation)")
        return aws.lakeformation.Permissions(
            rname,
            principal=principal_arn,
            permissions=list(permissions),
            table_with_columns=aws.lakeformation.PermissionsTableWithColumnsArgs(
                database_name=db_name,
                name=table_name,
                column_names=list(columns) if columns is not None else None,
                # Lake Formation's "all columns except": a column wildcard with exclusions.
                excluded_column_names=list(excluded_columns) if excluded_columns is not None else None,
                wildcard=True if excluded_columns is not None else None,
            ),
            opts=opts,
        )

    def _configured_grants(self, symbol: str, arn: pulumi.Input[str]) -> None:
        name = self._name
        for i, g in enumerate(self._args.grants):
            if g.principal == symbol:
                self._grant(arn, g.database, g.table, g.permissions, columns=g.columns,
                            excluded_columns=g.excluded_columns, resource_name=f"{name}-{symbol}-grant-{i}")
        for i, tg in enumerate(self._args.tag_grants):
            if tg.principal != symbol:
                continue
            missing = [k for k in tg.expression if k not in self._tags]
            if missing:
                raise ValueError(f"tag grant {i}: LF-tag(s) {missing} are not defined (hybrid-burst:lake.lfTags)")
            aws.lakeformation.Permissions(
                f"{name}-{symbol}-tags-{i}",
                principal=arn,
                permissions=list(tg.permissions),
                lf_tag_policy=aws.lakeformation.PermissionsLfTagPolicyArgs(
                    resource_type=tg.resource_type,
                    expressions=[
                        aws.lakeformation.PermissionsLfTagPolicyExpressionArgs(key=k, values=list(v))
                        for k, v in tg.expression.items()
                    ],
                ),
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*self._settings, *(self._tags[k] for k in tg.expression)]
                ),
            )
        for lg in self._args.location_grants:
            if lg.principal != symbol:
                continue
            if lg.zone not in self._registrations:
                raise ValueError(f"location grant: zone {lg.zone!r} is not registered ({sorted(self._registrations)})")
            bucket, path = self._args.registered_buckets[lg.zone].bucket_arn, (lg.prefix or "").rstrip("/")
            aws.lakeformation.Permissions(  # a prefix under the registered bucket: "arn:aws:s3:::bucket/prefix"
                f"{name}-{symbol}-location-{lg.zone}" + (f"-{path.replace('/', '-')}" if path else ""),
                principal=arn,
                permissions=["DATA_LOCATION_ACCESS"],
                data_location=aws.lakeformation.PermissionsDataLocationArgs(
                    arn=pulumi.Output.concat(bucket, "/", path) if path else bucket
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[*self._settings, self._registrations[lg.zone]]),
            )

    def _assign_tags(self, name: str, args: LakeGovernanceArgs) -> None:
        for db in args.databases:
            db_name = self._db_name(db.name)
            if db.lf_tags:
                aws.lakeformation.ResourceLfTags(
                    f"{name}-tags-{db.name}",
                    database=aws.lakeformation.ResourceLfTagsDatabaseArgs(name=db_name),
                    lf_tags=[aws.lakeformation.ResourceLfTagsLfTagArgs(key=k, value=v) for k, v in db.lf_tags.items()],
                    opts=self._tag_opts(db.lf_tags),
                )
            for table in db.tables:
                table_name = self._table_name(db.name, table.name)
                if table.lf_tags:
                    aws.lakeformation.ResourceLfTags(
                        f"{name}-tags-{db.name}-{table.name}",
                        table=aws.lakeformation.ResourceLfTagsTableArgs(database_name=db_name, name=table_name),
                        lf_tags=[
                            aws.lakeformation.ResourceLfTagsLfTagArgs(key=k, value=v) for k, v in table.lf_tags.items()
                        ],
                        opts=self._tag_opts(table.lf_tags),
                    )
                # Columns with the same overriding tags share one assignment.
                groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
                for col in table.columns:
                    if col.lf_tags:
                        groups.setdefault(tuple(sorted(col.lf_tags.items())), []).append(col.name)
                for j, (tags, cols) in enumerate(groups.items()):
                    aws.lakeformation.ResourceLfTags(
                        f"{name}-tags-{db.name}-{table.name}-columns-{j}",
                        table_with_columns=aws.lakeformation.ResourceLfTagsTableWithColumnsArgs(
                            database_name=db_name, name=table_name, column_names=cols
                        ),
                        lf_tags=[aws.lakeformation.ResourceLfTagsLfTagArgs(key=k, value=v) for k, v in tags],
                        opts=self._tag_opts(dict(tags)),
                    )

    def _tag_opts(self, tags: Mapping[str, str]) -> pulumi.ResourceOptions:
        missing = [k for k in tags if k not in self._tags]
        if missing:
            raise ValueError(f"LF-tag(s) {missing} are not defined (hybrid-burst:lake.lfTags)")
        return pulumi.ResourceOptions(parent=self, depends_on=[*self._settings, *(self._tags[k] for k in tags)])
