"""Fill the cloud lake: run the TPC-DS-to-Iceberg Spark job as an EMR step on the burst cluster.

    pulumi stack output --json -s staging > outputs.json
    python -m scripts.ops.fill_lake outputs.json [--tables store_sales,item] [--source-root alluxio://...]

1. checks the burst cluster is WAITING or RUNNING;
2. submits one ``command-runner.jar`` step: ``spark-submit --deploy-mode cluster <job> --source-root ...
   --catalog <Spark Iceberg catalog> --database tpcds`` - the job (``jobs/tpcds_to_iceberg.py``, uploaded by the
   stack: output ``lake_pipeline_entry_point``) reads the on-prem tables through Alluxio and writes partitioned,
   compacted Iceberg tables into the Glue database;
   with Lake Formation on (output ``burst_lake_formation``) the step runs as the lake's runtime role
   (``ExecutionRoleArn`` = output ``emr_runtime_role_arn``): EMR requires a runtime role on every step of a cluster
   whose security configuration enables them, and Lake Formation then decides what the step may read and create
   (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-steps-runtime-roles.html);
3. waits for the step (``--timeout``), then lists the Glue database and checks every requested table is there as an
   Iceberg table (``table_type=ICEBERG``, the parameter Iceberg's GlueCatalog sets).

Default source: ``alluxio://<burst primary>:19998/onprem/tmp/tpcds`` - where ``prepare_data`` puts the tables on the
on-prem HDFS (``/tmp/tpcds``), as seen through the burst cluster's Alluxio mount (``/onprem``).

Prints a table per step and per table and writes a JSON result under ``--output-dir``.
Exit codes: 0 every table is in the lake; 1 the step failed or a table is missing; 2 bad input; 3 AWS error.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from typing import Any

from jobs.tpcds_to_iceberg import TPCDS_TABLES
from scripts.ops import emr_steps
from scripts.ops.aws import client_factory
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    BadInputError,
    Clock,
    Progress,
    load_outputs,
    parser,
    positive,
    run,
    run_id,
    table,
    write_json,
)

REQUIRED_OUTPUTS = (
    "burst_cluster_id",
    "burst_master_private_dns",
    "lake_pipeline_entry_point",
    "emr_runtime_role_arn",
)
ALLUXIO_MASTER_PORT = 19998
"""Alluxio master RPC port (Alluxio's default ``alluxio.master.rpc.port``)."""
DEFAULT_ONPREM_DIR = "/tmp/tpcds"  # noqa: S108 - an HDFS path on the on-prem cluster (prepare_data's), not a local file
STEP_NAME = "fill-lake: tpcds to iceberg"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,254}$")


def default_source_root(outputs: Mapping[str, Any], mount_point: str = "/onprem") -> str:
    return f"alluxio://{outputs['burst_master_private_dns']}:{ALLUXIO_MASTER_PORT}{mount_point}{DEFAULT_ONPREM_DIR}"


def job_arguments(*, source_root: str, catalog: str, database: str, tables: Sequence[str]) -> list[str]:
    return ["--source-root", source_root, "--catalog", catalog, "--database", database, "--tables", ",".join(tables)]


def spark_step(entry_point: str, arguments: Sequence[str]) -> dict[str, Any]:
    """The EMR step: ``command-runner.jar`` running ``spark-submit`` in cluster mode."""
    return emr_steps.command_step(STEP_NAME, ["spark-submit", "--deploy-mode", "cluster", entry_point, *arguments])


def execution_role_arn(outputs: Mapping[str, Any]) -> str | None:
    """The step's runtime role: the lake's ``emr-runtime`` role when the burst cluster is governed (output
    ``burst_lake_formation``), else none - the step then runs as the cluster's instance role."""
    return str(outputs["emr_runtime_role_arn"]) if outputs.get("burst_lake_formation") else None


def submit(emr: Any, cluster_id: str, step: dict[str, Any], *, execution_role_arn: str | None) -> list[str]:
    """``AddJobFlowSteps``; the runtime role is a parameter of the call (it applies to every step it adds)."""
    params: dict[str, Any] = {"JobFlowId": cluster_id, "Steps": [step]}
    if execution_role_arn:
        params["ExecutionRoleArn"] = execution_role_arn
    return list(emr.add_job_flow_steps(**params)["StepIds"])


def iceberg_tables(glue: Any, database: str) -> dict[str, str]:
    """Tables of the Glue database -> their ``table_type`` parameter (``ICEBERG`` for Iceberg tables)."""
    found: dict[str, str] = {}
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
        for t in page["TableList"]:
            found[t["Name"]] = str(t.get("Parameters", {}).get("table_type", "")).upper()
    return found


def _tables(value: str) -> list[str]:
    names = [t.strip() for t in value.split(",") if t.strip()]
    bad = [t for t in names if t not in TPCDS_TABLES]
    if not names or bad:
        raise argparse.ArgumentTypeError(f"not TPC-DS tables: {bad or value!r}; choose from {', '.join(TPCDS_TABLES)}")
    return names


def add_job_input_args(p: argparse.ArgumentParser) -> None:
    """The job's inputs, the same wherever it is submitted (this runbook, and ``submit_job`` on EMR on EKS)."""
    p.add_argument("--tables", type=_tables, default=list(TPCDS_TABLES), help="comma-separated tables (default all 24)")
    p.add_argument("--source-root", help="directory with one sub-directory per table (default: through Alluxio)")
    p.add_argument("--database", default="tpcds", help="Glue database to fill (default tpcds)")


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    add_job_input_args(p)
    p.add_argument("--catalog", help="Spark Iceberg catalog (default: stack output burst_spark_iceberg_catalog)")
    p.add_argument("--timeout", type=positive, default=7200.0, help="seconds to wait for the step (default 7200)")
    p.add_argument("--interval", type=positive, default=30.0, help="seconds between polls (default 30)")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock()))


def _main(args: argparse.Namespace, clock: Clock) -> int:
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS, sides=("compute",))
    catalog = args.catalog or str(outputs.get("burst_spark_iceberg_catalog") or "iceberg")
    for option, value in (("--database", args.database), ("--catalog", catalog)):
        if not _NAME.match(value):
            raise BadInputError(f"{option} {value!r}: lowercase letters, digits and _ starting with a letter")
    source_root = args.source_root or default_source_root(outputs.data)
    if not re.match(r"^(alluxio|hdfs|s3|s3a)://\S+$", source_root):
        raise BadInputError(f"--source-root {source_root!r}: an alluxio://, hdfs:// or s3:// directory")
    region = outputs.region("compute")
    clients = client_factory(args.endpoint_url, args.profile)
    emr, glue = clients("emr", region), clients("glue", region)
    progress = Progress(quiet=args.quiet)
    run_ = run_id()
    role_arn = execution_role_arn(outputs.data)

    cluster = emr_steps.cluster(emr, outputs, "burst_cluster_id", region)
    step = spark_step(
        str(outputs["lake_pipeline_entry_point"]),
        job_arguments(source_root=source_root, catalog=catalog, database=args.database, tables=args.tables),
    )
    step_ids = submit(emr, cluster.id, step, execution_role_arn=role_arn)
    role_note = " as the Lake Formation runtime role" if role_arn else ""
    progress.note(f"submitted {STEP_NAME} to {cluster.id} ({region}){role_note}")
    results = emr_steps.wait(
        emr, cluster, step_ids, what=f"fill-lake step on {cluster.id}", timeout=args.timeout,
        interval=args.interval, clock=clock, progress=progress,
    )
    problems = [f"step {r.name} {r.state}{f': {r.failure}' if r.failure else ''}" for r in results if not r.ok]
    found: dict[str, str] = {}
    if not problems:
        found = iceberg_tables(glue, args.database)
        problems += [
            f"table {args.database}.{t} {'is not an Iceberg table' if t in found else 'is missing'} in Glue"
            for t in args.tables
            if found.get(t) != "ICEBERG"
        ]

    print(table(["step", "state", "seconds"], [(r.name, r.state, r.seconds) for r in results]))
    print()
    print(table(["table", "in glue"], [(t, found.get(t) or "missing") for t in args.tables]))
    result = {
        "runbook": "fill_lake", "run": run_, "cluster_id": cluster.id, "region": region, "database": args.database,
        "catalog": catalog, "source_root": source_root, "runtime_role": role_arn is not None,
        "steps": [r.as_dict() for r in results], "tables": {t: found.get(t) for t in args.tables},
        "ok": not problems, "problems": problems,
    }
    path = write_json(args.output_dir / f"fill_lake-{run_}.json", result)
    ok_tables = sum(1 for t in args.tables if found.get(t) == "ICEBERG")
    print(f"\n{'PASS' if not problems else 'FAIL'}  fill-lake: {ok_tables}/{len(args.tables)} Iceberg table(s) in "
          f"{args.database}; result: {path}")
    for problem in problems:
        print(f"      {problem}")
    return EXIT_OK if not problems else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
