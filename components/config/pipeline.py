"""The lake pipeline's principals can create its tables: a check of the whole stack config (``checks.py`` runs it).

Lake Formation refuses a Glue ``CreateTable`` without ``CREATE_TABLE`` on the database and a data-location grant
covering the table's location (https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html).
"""

from __future__ import annotations

from typing import Any

from .errors import PROJECT

Problem = tuple[str, Any, str]


def _k(path: str) -> str:
    return f"{PROJECT}:{path}"


PIPELINE_DATABASE = "tpcds"
"""The database the lake pipeline fills (``components.lake.lake_pipeline.PIPELINE_DATABASE``)."""


def pipeline_writer_problems(emr: Any, eks: Any, lake: Any) -> list[Problem]:
    """Each principal the pipeline runs as can create its tables: ``CREATE_TABLE`` on the pipeline's database and a
    data-location grant covering its location (Lake Formation refuses the Glue ``CreateTable`` otherwise). The
    principals: the runtime role (``emr-runtime``) when the burst cluster is governed (``fill_lake`` submits with it),
    else the instance role (``emr-instance``, if the lake knows it); the EMR on EKS job role with EMR on EKS on."""
    db = next((d for d in lake.databases if d.name == PIPELINE_DATABASE), None)
    if db is None:
        return []
    writers = ["emr-runtime" if emr.settings.lake_formation else "emr-instance"]
    if eks.enabled:
        writers.append("emr-on-eks-job")
    problems: list[Problem] = []
    for who in (w for w in writers if w == "emr-runtime" or w in lake.principals):
        if not any(g.principal == who and g.database == db.name and g.table is None and "CREATE_TABLE" in g.permissions
                   for g in lake.grants):
            problems.append((_k("lake.grants"), who, (
                f"gives {who} no CREATE_TABLE on database {db.name}, but the lake pipeline runs as {who} here; add "
                f"CREATE_TABLE to its grant on {db.name} (or add {{principal: {who}, database: {db.name}, "
                "permissions: [DESCRIBE, CREATE_TABLE]}})")))
        if not any(g.principal == who and g.zone == db.zone and f"{db.name}/".startswith(g.prefix or "")
                   for g in lake.location_grants):
            problems.append((_k("lake.locationGrants"), who, (
                f"gives {who} no data location covering {db.zone}/{db.name}/, where the lake pipeline creates its "
                f"tables as {who}; add {{principal: {who}, zone: {db.zone}, prefix: {db.name}/}}")))
    return problems
