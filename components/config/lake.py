"""``hybrid-burst:lake``: storage zones, the Glue Data Catalog and Lake Formation governance.

Principals are named symbolically so that the config can be validated before any resource exists:

- ``emr-runtime`` (built in): the EMR runtime role the lake creates for Lake Formation-governed Spark/Trino;
- names under ``principals``: an existing IAM role/user (``arn``), a role the lake creates (``create: true``),
  or a role the program creates before the lake and passes to it by ARN (``lateBound``: ``emr-on-eks-job``, the
  EMR on EKS job execution role).

Every grant is checked against the catalog defined here: the database and table must exist, and every column
must be in the table's schema (Lake Formation would only fail at deploy time, after half the grants exist).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .types import Arn, StrictModel

EMR_RUNTIME = "emr-runtime"
"""Symbol of the built-in EMR runtime role (created by ``LakeGovernance``)."""
EMR_ON_EKS_JOB = "emr-on-eks-job"
"""Symbol of the EMR on EKS job execution role: a ``lateBound`` principal the EKS side creates and the lake
grants to."""
EMR_INSTANCE = "emr-instance"
"""Symbol of the burst cluster's EC2 instance role: a ``lateBound`` principal the EMR side creates after the lake
and binds to it (``LakeGovernance.bind_principal``). Trino on EMR always runs as this role (EMR's Lake Formation
integration covers Spark only), and so do Spark steps of a cluster without Lake Formation."""

Zone = Literal["raw", "curated"]
"""Zones that hold catalogued data (the others - logs, exchange, results, artifacts, access-logs - do not)."""

# Lake Formation permissions by resource kind
# (https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-reference.html).
DatabasePermission = Literal["DESCRIBE", "CREATE_TABLE", "ALTER", "DROP"]
TablePermission = Literal["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER", "DROP"]
# Column-level grants (a column list or exclusion list) only admit SELECT.
COLUMN_PERMISSIONS = frozenset({"SELECT"})

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,254}$")
_SYMBOL_RE = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_TAG_RE = re.compile(r"^[a-z][a-z0-9_-]{0,127}$")
# Iceberg primitive types (https://iceberg.apache.org/spec/#primitive-types).
_ICEBERG_TYPE_RE = re.compile(
    r"^(boolean|int|long|float|double|date|time|timestamp|timestamptz|string|uuid|binary|"
    r"decimal\(\d{1,2},\s*\d{1,2}\)|fixed\[\d+\])$"
)
# Lake Formation admins and grantees are IAM users or roles (an STS assumed-role session ARN is not accepted).
# assumableBy: an IAM ARN suffix of the account, role/<path...>/<name> or user/<name>, with a fixed first segment
# of at least 3 characters before any wildcard (IAM names: [\w+=,.@-]; ArnLike wildcards * and ?).
_ASSUMABLE_RE = re.compile(r"^(role|user)/[\w+=,.@-]{3,}(/[\w+=,.@*?-]+)*/?[\w+=,.@*?-]*$")
_IAM_PRINCIPAL_RE = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(role|user)/.+$")

# S3 lifecycle: STANDARD_IA and ONEZONE_IA transitions need objects at least 30 days old
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html).
_MIN_IA_DAYS = 30
StorageClass = Literal["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER"]


def _name(value: str) -> str:
    if not _NAME_RE.match(value):
        raise ValueError(
            "Glue names must be lowercase letters, digits and underscores, starting with a letter (Hive/Trino "
            "lowercase catalogs; Glue allows 255 characters), e.g. tpcds_sf100"
        )
    return value


class LifecycleConfig(StrictModel):
    """Lifecycle rules per zone (days since object creation)."""

    exchange_expiration_days: int = Field(default=1, ge=1, le=30)
    """Trino exchange/spill data is scratch: expire it after this many days. Default: 1."""
    results_expiration_days: int = Field(default=30, ge=1)
    """Query results expire after this many days. Default: 30."""
    raw_transition_days: int = Field(default=90, ge=0)
    """Raw data moves to ``rawTransitionStorageClass`` after this many days. Default: 90."""
    raw_transition_storage_class: StorageClass = "INTELLIGENT_TIERING"
    """Storage class for old raw data. Default: INTELLIGENT_TIERING (no retrieval fees for data Trino rereads)."""
    logs_expiration_days: int = Field(default=90, ge=1)
    """EMR logs expire after this many days. Default: 90."""
    access_logs_expiration_days: int = Field(default=90, ge=1)
    """S3 server access logs expire after this many days. Default: 90."""
    noncurrent_version_expiration_days: int = Field(default=30, ge=1)
    """Versions replaced or deleted are kept this many days (all zones). Default: 30."""
    abort_incomplete_multipart_days: int = Field(default=7, ge=1)
    """Incomplete multipart uploads are aborted after this many days. Default: 7."""

    @model_validator(mode="after")
    def _ia_minimum(self) -> LifecycleConfig:
        if self.raw_transition_storage_class == "STANDARD_IA" and self.raw_transition_days < _MIN_IA_DAYS:
            raise ValueError(
                f"@rawTransitionDays: S3 moves objects to STANDARD_IA only after at least {_MIN_IA_DAYS} days "
                "(AWS lifecycle constraint); set rawTransitionDays: 30 or more, or use INTELLIGENT_TIERING"
            )
        return self


class ColumnConfig(StrictModel):
    name: str
    """Column name (lowercase). Required."""
    type: str
    """Iceberg primitive type: long, string, date, timestamp, decimal(10,2), ... Required."""
    comment: str = ""
    """Column comment. Default: none."""
    required: bool = False
    """Non-nullable. Default: nullable."""
    lf_tags: dict[str, str] = Field(default_factory=dict)
    """LF-tags on this column, overriding the ones inherited from the table (e.g. ``sensitivity: pii``).
    Default: inherit."""

    _n = field_validator("name")(_name)

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if not _ICEBERG_TYPE_RE.match(value):
            raise ValueError(
                "not an Iceberg primitive type; use boolean, int, long, float, double, decimal(p,s), date, time, "
                "timestamp, timestamptz, string, uuid, binary or fixed[n]"
            )
        return value


class TableConfig(StrictModel):
    """An Iceberg table the lake defines in the catalog (data written later by Spark/Trino)."""

    name: str
    """Table name (lowercase). Required."""
    description: str = ""
    columns: list[ColumnConfig] = Field(min_length=1)
    """Schema, in order. Required (at least one column)."""
    partition_by: list[str] = Field(default_factory=list)
    """Identity-partition columns. Default: unpartitioned."""
    lf_tags: dict[str, str] = Field(default_factory=dict)
    """LF-tags on the table, overriding the database's. Default: inherit."""

    _n = field_validator("name")(_name)

    @model_validator(mode="after")
    def _columns(self) -> TableConfig:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"@columns: repeats {', '.join(dupes)}; each column once")
        for i, col in enumerate(self.partition_by):
            if col not in names:
                raise ValueError(f"@partitionBy.{i}: {col!r} is not a column of {self.name}; use one of {names}")
        return self

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


class DatabaseConfig(StrictModel):
    name: str
    """Glue database name. Required."""
    description: str = ""
    zone: Zone
    """Zone holding the database's data (location ``s3://<zone bucket>/<name>/``). Required."""
    lf_tags: dict[str, str] = Field(default_factory=dict)
    """LF-tags on the database (inherited by its tables and columns). Default: none."""
    tables: list[TableConfig] = Field(default_factory=list)
    """Tables the lake defines. Default: none (engines create them, e.g. the TPC-DS data preparation)."""

    _n = field_validator("name")(_name)

    def table(self, name: str) -> TableConfig | None:
        return next((t for t in self.tables if t.name == name), None)


class PrincipalConfig(StrictModel):
    """A grantee, named by a symbol in ``grants`` and ``tagGrants``."""

    arn: Arn | None = None
    """An existing IAM role or user. Default: none (then ``create`` or ``lateBound`` must be set)."""
    create: bool = False
    """The lake creates an IAM role for this principal, assumable only by the account's IAM principals whose ARN
    matches ``assumableBy`` (and whose own policies allow ``sts:AssumeRole`` on it). Default: off."""
    assumable_by: list[str] = Field(default_factory=list)
    """With ``create``: who may assume the created role, as IAM ARN suffixes of this account matched with
    ``aws:PrincipalArn`` (``ArnLike``; ``*`` and ``?`` allowed after the path), e.g. ``role/hybrid-burst-analysts/*``
    (every role under that IAM path). Required with ``create``: without it the role would trust every principal of
    the account. Default: none."""
    late_bound: bool = False
    """A role the program creates before the lake and passes to it by ARN (``LakeGovernanceArgs.principal_arns``;
    the EMR on EKS job role). Default: off."""

    @field_validator("arn")
    @classmethod
    def _iam(cls, value: str | None) -> str | None:
        if value is not None and not _IAM_PRINCIPAL_RE.match(value):
            raise ValueError(
                "Lake Formation grants go to IAM roles or users: use arn:aws:iam::<account>:role/<name> (not an "
                "sts assumed-role session ARN)"
            )
        return value

    @field_validator("assumable_by")
    @classmethod
    def _assumable_by(cls, value: list[str]) -> list[str]:
        for i, pattern in enumerate(value):
            if not _ASSUMABLE_RE.match(pattern):
                raise ValueError(
                    f"entry {i} ({pattern!r}): write role/<path>/<name> or user/<name> (this account's IAM ARN after "
                    "'arn:aws:iam::<account>:'), e.g. role/hybrid-burst-analysts/*; a wildcard must follow a fixed "
                    "role path or name prefix (role/* would trust every role of the account)"
                )
        return value

    @model_validator(mode="after")
    def _one_source(self) -> PrincipalConfig:
        sources = [self.arn is not None, self.create, self.late_bound]
        if sum(sources) != 1:
            raise ValueError(
                "@arn: set exactly one of arn (existing principal), create: true (the lake creates a role) or "
                "lateBound: true (a role the program creates, e.g. emr-on-eks-job)"
            )
        if self.create and not self.assumable_by:
            raise ValueError(
                "@assumableBy: a created role needs the principals that may assume it (aws:PrincipalArn patterns, "
                "e.g. [role/hybrid-burst-analysts/*]); an empty list would trust the whole account"
            )
        if self.assumable_by and not self.create:
            raise ValueError("@assumableBy: only a created role (create: true) has a trust policy here; remove it")
        return self


class GrantConfig(StrictModel):
    """A named-resource grant: a database, or a table down to columns."""

    principal: str
    """Principal symbol (``emr-runtime`` or a key of ``principals``). Required."""
    database: str
    """Database name (from ``databases``). Required."""
    table: str | None = None
    """Table name (from the database's ``tables``). Default: the grant is on the database itself."""
    columns: list[str] | None = None
    """Only these columns (SELECT only). Default: all columns."""
    excluded_columns: list[str] | None = None
    """All columns except these (SELECT only), e.g. the PII columns. Default: none excluded."""
    permissions: list[str] = Field(min_length=1)
    """Lake Formation permissions. Database: DESCRIBE, CREATE_TABLE, ALTER, DROP; table: SELECT, DESCRIBE,
    INSERT, DELETE, ALTER, DROP; column-level: SELECT. Required."""

    @model_validator(mode="after")
    def _shape(self) -> GrantConfig:
        if self.columns is not None and self.excluded_columns is not None:
            raise ValueError("@columns: set columns or excludedColumns, not both")
        if (self.columns is not None or self.excluded_columns is not None) and self.table is None:
            raise ValueError("@columns: column-level grants need a table; add table: <name>")
        allowed: frozenset[str]
        if self.table is None:
            allowed = frozenset(DatabasePermission.__args__)  # type: ignore[attr-defined]
        elif self.columns is not None or self.excluded_columns is not None:
            allowed = COLUMN_PERMISSIONS
        else:
            allowed = frozenset(TablePermission.__args__)  # type: ignore[attr-defined]
        bad = [p for p in self.permissions if p not in allowed]
        if bad:
            raise ValueError(
                f"@permissions: {', '.join(bad)} not valid for this grant; use {', '.join(sorted(allowed))} "
                "(Lake Formation permissions reference)"
            )
        return self


class TagGrantConfig(StrictModel):
    """A tag-based grant: every database/table whose LF-tags match the expression (now and in future)."""

    principal: str
    """Principal symbol. Required."""
    resource_type: Literal["DATABASE", "TABLE"] = "TABLE"
    """What the expression selects. Default: TABLE (tables and their columns)."""
    expression: dict[str, list[str]] = Field(min_length=1)
    """LF-tag key -> allowed values (AND across keys, OR within values). Required."""
    permissions: list[str] = Field(min_length=1)
    """TABLE: SELECT, DESCRIBE, ...; DATABASE: DESCRIBE, CREATE_TABLE, ... Required."""

    @model_validator(mode="after")
    def _perms(self) -> TagGrantConfig:
        lit = DatabasePermission if self.resource_type == "DATABASE" else TablePermission
        allowed = frozenset(lit.__args__)  # type: ignore[attr-defined]
        bad = [p for p in self.permissions if p not in allowed]
        if bad:
            raise ValueError(f"@permissions: {', '.join(bad)} not valid on {self.resource_type}; use "
                             f"{', '.join(sorted(allowed))}")
        return self


class LocationGrantConfig(StrictModel):
    """``DATA_LOCATION_ACCESS`` on a registered zone, or on a prefix under it: lets the principal create tables
    whose data lives there."""

    principal: str
    zone: Zone
    prefix: str | None = None
    """Only this prefix of the zone's bucket (``tpcds/``: a database's location). Lake Formation takes a bucket or a
    prefix under a registered bucket, not an object
    (https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html). Default: the whole
    zone."""

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[a-z0-9][a-z0-9_\-]*(/[a-z0-9][a-z0-9_\-]*)*/$", value):
            raise ValueError("a prefix under the zone's bucket, relative and ending in '/': e.g. tpcds/")
        return value


class LakeConfig(StrictModel):
    """Storage zones, Glue databases and tables, LF-tags, principals and grants. (Lake Formation's admins and
    settings are account-wide: ``hybrid-burst:accountBaseline``.)"""

    force_destroy: bool = False
    """Let ``pulumi destroy`` delete non-empty buckets. Default: off; on in the dev preset only (never with
    ``protect``)."""
    lifecycle: LifecycleConfig = Field(default_factory=LifecycleConfig)
    lf_tags: dict[str, list[str]] = Field(default_factory=dict)
    """LF-tag keys and their allowed values. Default: none."""
    databases: list[DatabaseConfig] = Field(default_factory=list)
    """Glue databases. Default: none."""
    principals: dict[str, PrincipalConfig] = Field(default_factory=dict)
    """Grantees by symbol (``emr-runtime`` is built in and must not be listed). Default: none."""
    grants: list[GrantConfig] = Field(default_factory=list)
    tag_grants: list[TagGrantConfig] = Field(default_factory=list)
    location_grants: list[LocationGrantConfig] = Field(default_factory=list)

    @field_validator("lf_tags")
    @classmethod
    def _tags(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        # LF-tag limits: key up to 128 characters, up to 1000 values per key
        # (https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-creating-tags.html).
        for key, values in value.items():
            if not _TAG_RE.match(key):
                raise ValueError(f"LF-tag key {key!r}: lowercase letters, digits, '_' or '-', up to 128 characters")
            if not values or len(values) > 1000 or len(set(values)) != len(values):
                raise ValueError(f"LF-tag {key!r}: list 1-1000 distinct values")
        return value

    @model_validator(mode="after")
    def _references(self) -> LakeConfig:
        if EMR_RUNTIME in self.principals:
            raise ValueError(f"@principals.{EMR_RUNTIME}: is built in (the lake creates it); remove it")
        for sym in self.principals:
            if not _SYMBOL_RE.match(sym):
                raise ValueError(f"@principals.{sym}: symbols are lowercase letters, digits and '-'")
        known = {EMR_RUNTIME, *self.principals}
        dbs = {d.name: d for d in self.databases}
        if len(dbs) != len(self.databases):
            raise ValueError("@databases: a database name is repeated")

        def check_tags(where: str, tags: dict[str, str]) -> None:
            for key, val in tags.items():
                if key not in self.lf_tags:
                    raise ValueError(f"@{where}.lfTags.{key}: unknown LF-tag; define it under lfTags first")
                if val not in self.lf_tags[key]:
                    raise ValueError(
                        f"@{where}.lfTags.{key}: {val!r} is not an allowed value; use one of {self.lf_tags[key]}"
                    )

        for i, db in enumerate(self.databases):
            check_tags(f"databases.{i}", db.lf_tags)
            names = [t.name for t in db.tables]
            if len(set(names)) != len(names):
                raise ValueError(f"@databases.{i}.tables: a table name is repeated")
            for j, table in enumerate(db.tables):
                check_tags(f"databases.{i}.tables.{j}", table.lf_tags)
                for k, col in enumerate(table.columns):
                    check_tags(f"databases.{i}.tables.{j}.columns.{k}", col.lf_tags)

        def check_principal(where: str, sym: str) -> None:
            if sym not in known:
                raise ValueError(
                    f"@{where}.principal: unknown principal {sym!r}; use {EMR_RUNTIME} or a key of principals "
                    f"({', '.join(sorted(self.principals)) or 'none defined'})"
                )

        for i, grant in enumerate(self.grants):
            check_principal(f"grants.{i}", grant.principal)
            gdb = dbs.get(grant.database)
            if gdb is None:
                raise ValueError(
                    f"@grants.{i}.database: unknown database {grant.database!r}; define it under databases "
                    f"(known: {', '.join(sorted(dbs)) or 'none'})"
                )
            if grant.table is None:
                continue
            gtable = gdb.table(grant.table)
            if gtable is None:
                raise ValueError(
                    f"@grants.{i}.table: {grant.table!r} is not a table of database {gdb.name!r} "
                    f"(known: {', '.join(t.name for t in gdb.tables) or 'none'}); define it under that database's "
                    "tables"
                )
            for field, cols in (("columns", grant.columns), ("excludedColumns", grant.excluded_columns)):
                for k, cname in enumerate(cols or []):
                    if cname not in gtable.column_names():
                        raise ValueError(
                            f"@grants.{i}.{field}.{k}: {cname!r} is not a column of {gdb.name}.{gtable.name}; its "
                            f"schema has {', '.join(gtable.column_names())}"
                        )
        for i, tgrant in enumerate(self.tag_grants):
            check_principal(f"tagGrants.{i}", tgrant.principal)
            for key, values in tgrant.expression.items():
                if key not in self.lf_tags:
                    raise ValueError(f"@tagGrants.{i}.expression.{key}: unknown LF-tag; define it under lfTags")
                bad = [v for v in values if v not in self.lf_tags[key]]
                if bad or not values:
                    raise ValueError(
                        f"@tagGrants.{i}.expression.{key}: {bad or 'empty'} not in the tag's values "
                        f"{self.lf_tags[key]}"
                    )
        for i, lgrant in enumerate(self.location_grants):
            check_principal(f"locationGrants.{i}", lgrant.principal)
        return self

    def database(self, name: str) -> DatabaseConfig:
        return next(d for d in self.databases if d.name == name)

