"""Who can read what: the Lake Formation grant matrix of a stack, computed from its config alone.

Pure functions over ``StackConfig`` (no Pulumi runtime): the plan report and ``docs/lake.md`` call
``grant_matrix(cfg)`` and ``render_markdown(rows)``. LF-tag grants are expanded over the catalog the config
defines, with Lake Formation's inheritance (``lf_tags.py``).
Tables created later by engines (the TPC-DS tables) show as "all tables (current and future)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components.config.lake import EMR_INSTANCE, EMR_ON_EKS_JOB, EMR_RUNTIME, LakeConfig
from components.config.stack import StackConfig
from components.lake.lake_pipeline import PIPELINE_DATABASE
from components.lake.lf_tags import matches, tag_matched_columns

ALL_TABLES = "all tables (current and future)"


@dataclass(frozen=True)
class GrantRow:
    principal: str
    """Principal symbol (``emr-runtime``, ``analysts``, ...)."""
    source: str
    """Where the principal comes from: ``created by the lake``, ``program-created (...)`` or its ARN."""
    database: str
    """Database, or ``s3 zone <zone>`` for data-location grants."""
    table: str
    """Table, ``ALL_TABLES`` or ``-`` for a database-level grant."""
    columns: str
    """``all``, ``only: a, b``, ``all except: a, b`` or ``-``."""
    permissions: str
    """Comma-separated Lake Formation permissions."""
    via: str
    """``grant`` (named resource), ``LF-tags <expression>`` or ``data location``."""


def principal_source(lake: LakeConfig, symbol: str) -> str:
    if symbol == EMR_RUNTIME:
        return "created by the lake (EMR runtime role)"
    if symbol == EMR_INSTANCE:
        return "program-created (burst instance role, bound after the cluster)"
    p = lake.principals[symbol]
    if p.arn is not None:
        return p.arn
    if p.create:
        return "created by the lake"
    return "program-created (ARN passed to LakeGovernance)"


def _expr(expression: Mapping[str, list[str]]) -> str:
    return " AND ".join(f"{k} in ({'|'.join(v)})" for k, v in expression.items())


def _columns(only: list[str] | None, excluded: list[str] | None) -> str:
    if only is not None:
        return "only: " + ", ".join(only)
    if excluded:
        return "all except: " + ", ".join(excluded)
    return "all"


def grant_matrix(cfg: StackConfig) -> list[GrantRow]:
    """Every grant the stack makes, one row per principal x database/table, sorted for stable output."""
    lake = cfg.lake
    rows: list[GrantRow] = []
    for g in lake.grants:
        perms = ", ".join(g.permissions)
        src = principal_source(lake, g.principal)
        if g.table is None:
            rows.append(GrantRow(g.principal, src, g.database, "-", "-", perms, "grant"))
        else:
            rows.append(
                GrantRow(g.principal, src, g.database, g.table, _columns(g.columns, g.excluded_columns), perms,
                         "grant")
            )
    for tg in lake.tag_grants:
        perms = ", ".join(tg.permissions)
        src = principal_source(lake, tg.principal)
        via = f"LF-tags {_expr(tg.expression)}"
        for db in lake.databases:
            if tg.resource_type == "DATABASE":
                if matches(db.lf_tags, tg.expression):
                    rows.append(GrantRow(tg.principal, src, db.name, "-", "-", perms, via))
                continue
            if not db.tables:
                if matches(db.lf_tags, tg.expression):
                    rows.append(GrantRow(tg.principal, src, db.name, ALL_TABLES, "all (tags inherited)", perms, via))
                continue
            for table in db.tables:
                matched, unmatched = tag_matched_columns(db, table, tg.expression)
                if matched:
                    rows.append(
                        GrantRow(tg.principal, src, db.name, table.name,
                                 _columns(None, unmatched) if unmatched else "all", perms, via)
                    )
    rows.extend(
        GrantRow(lg.principal, principal_source(lake, lg.principal), f"s3 zone {lg.zone}/{lg.prefix or ''}".rstrip("/"),
                 "-", "-", "DATA_LOCATION_ACCESS", "data location")
        for lg in lake.location_grants
    )
    return sorted(rows, key=lambda r: (r.principal, r.database, r.table, r.via))


def render_markdown(rows: list[GrantRow]) -> str:
    """A Markdown table of the rows (pipes in values escaped)."""
    head = ["Principal", "Source", "Database", "Table", "Columns", "Permissions", "Via"]

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r.principal, r.source, r.database, r.table, r.columns, r.permissions, r.via]
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines) + "\n"


# --- which engine reads and writes what ----------------------------------------------------------------------------
# The grant rows above say what Lake Formation allows each principal; what an engine actually reads and writes also
# depends on whether Lake Formation enforces column filters for that engine, and on which zones its role reads or
# writes straight from S3 (an engine that reads files with IAM credentials sees every column of every file it can
# read).
#
# - burst Spark (EMR steps, ``fill_lake``): with ``emr.settings.lakeFormation`` on they run as the runtime role
#   (``emr-runtime``) and EMR's Lake Formation integration filters columns; with it off they run as the instance role
#   (``emr-instance``).
# - burst Trino (``hive``, ``iceberg`` catalogs on Glue): always the instance role (``emr-instance``). EMR's Lake
#   Formation integration covers Spark only ("You can only use Amazon EMR with Lake Formation for Spark jobs",
#   https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-lf-limitations.html): Lake Formation governs Trino's
#   Glue metadata calls (which tables it sees: its DESCRIBE/SELECT grants) but not the columns it reads from S3.
# - EMR on EKS Spark (``submit_job``, the job template): the job role (``emr-on-eks-job``). EMR on EKS's Lake Formation
#   integration needs an EMR on EKS security configuration, which pulumi-aws 7.51 cannot create (no
#   ``aws.emrcontainers.SecurityConfiguration``; docs/eks.md): no column filters, so the job role reads no catalogued
#   zone directly except the pipeline's ``raw/tpcds/`` prefix.
# - Table creation: Lake Formation checks CREATE_TABLE on the database and DATA_LOCATION_ACCESS on the table's
#   location (https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html); the files
#   are written with the role's IAM credentials (EMR's integration does not write through Lake Formation:
#   ``components/lake/lake_pipeline.py``).
# Direct-read and write locations below mirror the IAM grants the program attaches (stack/emr.py, stack/eks.py,
# stack/lake.py); tests/stack/ check the recorded policies agree.

BURST_INSTANCE = EMR_INSTANCE
EKS_JOB = EMR_ON_EKS_JOB
IAM_READ_ZONES: dict[str, frozenset[str]] = {BURST_INSTANCE: frozenset({"raw"}), EKS_JOB: frozenset({"raw"})}
"""Catalogued zones each role may read straight from S3 (raw holds only the public benchmark data)."""


@dataclass(frozen=True)
class EngineRow:
    engine: str
    principal: str
    access: str
    """``read`` (SELECT), ``create tables`` (CREATE_TABLE on a database) or ``write`` (INSERT/DELETE/ALTER)."""
    enforcement: str
    database: str
    table: str
    columns: str
    """Columns the engine reads (``none`` when it can see the table's metadata but not its files); ``all`` for
    writes."""


def engine_principals(cfg: StackConfig) -> list[tuple[str, str, bool]]:
    """(engine, principal symbol, Lake Formation filters columns) for the engines of the stack."""
    governed = cfg.emr.settings.lake_formation
    out = [
        ("burst Spark (EMR steps)", EMR_RUNTIME if governed else BURST_INSTANCE, governed),
        ("burst Trino (hive, iceberg catalogs)", BURST_INSTANCE, False),
    ]
    if cfg.eks.enabled:
        out.append(("EMR on EKS Spark", EKS_JOB, False))
    return out


def iam_write_prefixes(cfg: StackConfig) -> dict[str, frozenset[tuple[str, str]]]:
    """(zone, prefix) each principal writes straight to S3: the pipeline's writers under ``raw/<database>/``
    (``LakePipeline.writer_statements``): the runtime role, the instance role where Spark steps run as it (Lake
    Formation off), the EMR on EKS job role."""
    zone = next((d.zone for d in cfg.lake.databases if d.name == PIPELINE_DATABASE), "raw")
    pipeline = frozenset({(zone, f"{PIPELINE_DATABASE}/")})
    out = {EMR_RUNTIME: pipeline}
    if not cfg.emr.settings.lake_formation:
        out[BURST_INSTANCE] = pipeline
    if cfg.eks.enabled:
        out[EKS_JOB] = pipeline
    return out


def _read_row(engine: str, principal: str, governed: bool, r: GrantRow, zones: dict[str, str]) -> EngineRow:
    if governed:
        enforcement, columns = "Lake Formation (column filters)", r.columns
    elif zones.get(r.database) in IAM_READ_ZONES.get(principal, frozenset()):
        enforcement, columns = "IAM (files read directly)", "all"
    else:
        enforcement, columns = "IAM (no access to the zone's files)", "none"
    return EngineRow(engine, principal, "read", enforcement, r.database, r.table, columns)


def _create_row(cfg: StackConfig, engine: str, principal: str, r: GrantRow, zones: dict[str, str]) -> EngineRow:
    zone = zones.get(r.database, "?")
    locations = [f"{lg.zone}/{lg.prefix}" if lg.prefix else f"{lg.zone} (whole zone)" for lg in cfg.lake.location_grants
                 if lg.principal == principal and lg.zone == zone]
    writes = [f"{z}/{p}" for z, p in iam_write_prefixes(cfg).get(principal, frozenset()) if z == zone]
    enforcement = (f"Lake Formation CREATE_TABLE, data location {', '.join(sorted(locations)) or 'none'}; "
                   f"files: IAM write {', '.join(sorted(writes)) or 'none'}")
    return EngineRow(engine, principal, "create tables", enforcement, r.database, "new tables", "all")


def engine_matrix(cfg: StackConfig) -> list[EngineRow]:
    """What each engine reads and writes, table by table: Lake Formation's column grants where it enforces them, all
    columns of tables in zones the role reads directly, ``none`` for tables it is granted but cannot read; the
    databases it creates tables in (where, and with which credentials the files are written); the tables it may
    change."""
    zones: dict[str, str] = {d.name: d.zone for d in cfg.lake.databases}
    matrix = grant_matrix(cfg)
    rows: list[EngineRow] = []
    for engine, principal, governed in engine_principals(cfg):
        for r in matrix:
            if r.principal != principal or r.via == "data location":
                continue
            perms = set(r.permissions.split(", "))
            if "SELECT" in perms and r.table != "-":
                rows.append(_read_row(engine, principal, governed, r, zones))
            if "CREATE_TABLE" in perms and r.table == "-":
                rows.append(_create_row(cfg, engine, principal, r, zones))
            if perms & {"INSERT", "DELETE", "ALTER"} and r.table != "-":
                enforcement = "Lake Formation (table grant)" if governed else "IAM"
                rows.append(EngineRow(engine, principal, "write", enforcement, r.database, r.table, "all"))
    return sorted(set(rows), key=lambda e: (e.engine, e.access, e.database, e.table, e.columns))


def render_engine_markdown(rows: list[EngineRow]) -> str:
    head = ["Engine", "Principal", "Access", "Enforcement", "Database", "Table", "Columns"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r.engine, r.principal, r.access, r.enforcement, r.database, r.table, r.columns]
        lines.append("| " + " | ".join(v.replace("|", "\\|") for v in values) + " |")
    return "\n".join(lines) + "\n"
