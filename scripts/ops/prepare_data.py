"""prepare-data: put the TPC-DS tables into the on-prem cluster's HDFS and Hive, as the Alluxio tutorial does.

    pulumi stack output --json -s dev > outputs.json
    python -m scripts.ops.prepare_data outputs.json
    python -m scripts.ops.prepare_data outputs.json --source s3://my-bucket/tpcds/sf100/ --tables store_sales,item

EMR steps on the on-prem cluster (stack output ``onprem_cluster_id``), in order:
1. ``hdfs dfs -mkdir -p <hdfs dir>`` (default /tmp/tpcds, the tutorial's);
2. one ``s3-dist-cp --src <source>/<table>/ --dest hdfs://<hdfs dir>/<table>/`` per table;
3. ``hive -f`` of scripts/ops/sql/tpcds_ddl.hql (external tables over the copied files);
4. a Hive count step (``SELECT count(*)`` per table) whose output the runbook reads back and reports.

Default source: the tutorial's s3a://autobots-tpcds-pregenerated-data/spark/unpart_sf100_10k/ (scale factor 100).
The on-prem cluster must be able to read it: its instance role needs s3:GetObject/ListBucket on the source and the
on-prem VPC a route to it (a same-region bucket through the S3 gateway endpoint, or a NAT). To stage the data in
your own bucket first: aws s3 sync <tutorial source> s3://<bucket>/tpcds/ and pass --source.

Exit 0 when every step completed and every table has rows; 1 when a step failed, a table is empty or the cluster is
not usable; 2 on bad input (outputs file, options); 3 on an AWS error (access denied, unreachable endpoint).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.ops import emr_steps
from scripts.ops.aws import client_factory
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    SQL_DIR,
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

TUTORIAL_SOURCE = "s3a://autobots-tpcds-pregenerated-data/spark/unpart_sf100_10k/"
DEFAULT_TABLES = ("store_sales", "item", "date_dim", "inventory", "warehouse")
"""q44 reads store_sales and item; the Spot drill's q39 reads inventory, item, warehouse and date_dim."""
DDL_FILE = SQL_DIR / "tpcds_ddl.hql"
REQUIRED_OUTPUTS = ("onprem_cluster_id",)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")

COUNT_SCRIPT = """
db="$1"; shift
query=""
for t in "${@:1:$#-1}"; do
  query="${query:+${query} UNION ALL }SELECT '${t}', count(*) FROM ${db}.${t}"
done
hive -S -e "${query}"
"""
"""Prints one ``<table><TAB><rows>`` line per table (Hive's silent mode prints only the result rows)."""


def build_steps(
    cluster: emr_steps.Cluster, *, run: str, source: str, hdfs_dir: str, tables: Sequence[str], database: str,
    ddl: str, file_format: str,
) -> tuple[list[dict[str, Any]], str]:
    """The steps, in order, and the URI the count step writes to."""
    source = source.rstrip("/") + "/"
    location = f"hdfs://{hdfs_dir}"
    steps = [emr_steps.command_step("prepare-data: mkdir", ["hdfs", "dfs", "-mkdir", "-p", hdfs_dir])]
    steps.extend(
        emr_steps.command_step(
            f"prepare-data: copy {t}", ["s3-dist-cp", "--src", f"{source}{t}/", "--dest", f"{location}/{t}/"]
        )
        for t in tables
    )
    steps.append(
        emr_steps.command_step(
            "prepare-data: create tables",
            ["hive", "--hivevar", f"database={database}", "--hivevar", f"location={location}",
             "--hivevar", f"file_format={file_format}", "-e", strip_comments(ddl)],
        )
    )
    count_uri = cluster.output_uri(run, "prepare-data-counts")
    steps.append(emr_steps.script_step("prepare-data: count rows", COUNT_SCRIPT, [database, *tables], count_uri))
    return steps, count_uri


def strip_comments(sql: str) -> str:
    """The DDL without its ``--`` comment lines (``hive -e`` is given the text, not a file)."""
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def parse_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) == 2 and parts[1].strip().isdigit():
            counts[parts[0].strip()] = int(parts[1])
    return counts


def _tables(value: str) -> list[str]:
    names = [t.strip() for t in value.split(",") if t.strip()]
    bad = [t for t in names if not _NAME.match(t)]
    if not names or bad:
        raise argparse.ArgumentTypeError(f"table names are lowercase letters, digits and _ (got {bad or value!r})")
    return names


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    p.add_argument("--source", default=TUTORIAL_SOURCE,
                   help=f"S3 prefix with one directory per table (default: the tutorial's {TUTORIAL_SOURCE})")
    p.add_argument("--tables", type=_tables, default=list(DEFAULT_TABLES),
                   help="comma-separated tables to copy (default: " + ",".join(DEFAULT_TABLES) + ")")
    hdfs_default = "/tmp/tpcds"  # noqa: S108 - an HDFS path on the cluster (the tutorial's), not a local file
    p.add_argument("--hdfs-dir", default=hdfs_default, help="HDFS directory for the tables (default /tmp/tpcds)")
    p.add_argument("--database", default="tpcds", help="Hive database for the tables (default tpcds)")
    p.add_argument("--file-format", default="PARQUET", choices=["PARQUET", "ORC", "TEXTFILE"],
                   help="format of the source files (default PARQUET, what Spark's TPC-DS generator writes)")
    p.add_argument("--ddl", type=Path, default=DDL_FILE, help="Hive DDL file (default scripts/ops/sql/tpcds_ddl.hql)")
    p.add_argument("--timeout", type=positive, default=3600.0,
                   help="seconds to wait for all steps (default 3600; the tutorial's copy takes about 3 minutes)")
    p.add_argument("--interval", type=positive, default=15.0, help="seconds between polls (default 15)")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock()))


def _main(args: argparse.Namespace, clock: Clock) -> int:
    if not re.match(r"^s3a?://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/.*)?$", args.source):
        raise BadInputError(f"--source {args.source!r}: write an S3 prefix, e.g. s3://my-bucket/tpcds/sf100/")
    if not args.hdfs_dir.startswith("/") or " " in args.hdfs_dir:
        raise BadInputError(f"--hdfs-dir {args.hdfs_dir!r}: write an absolute HDFS path, e.g. /tmp/tpcds")
    if not _NAME.match(args.database):
        raise BadInputError(f"--database {args.database!r}: Hive database names are lowercase letters, digits and _")
    if not args.ddl.is_file():
        raise BadInputError(f"--ddl {args.ddl}: no such file")
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS)
    region = outputs.region("onprem")
    clients = client_factory(args.endpoint_url, args.profile)
    emr, s3 = clients("emr", region), clients("s3", region)
    progress = Progress(quiet=args.quiet)
    run_ = run_id()

    cluster = emr_steps.cluster(emr, outputs, "onprem_cluster_id", region)
    steps, count_uri = build_steps(
        cluster, run=run_, source=args.source, hdfs_dir=args.hdfs_dir, tables=args.tables, database=args.database,
        ddl=args.ddl.read_text(encoding="utf-8"), file_format=args.file_format,
    )
    step_ids = emr_steps.submit(emr, cluster, steps)
    progress.note(f"submitted {len(step_ids)} steps to {cluster.id} ({cluster.name}, {region})")
    results = emr_steps.wait(
        emr, cluster, step_ids, what=f"prepare-data steps on {cluster.id}", timeout=args.timeout,
        interval=args.interval, clock=clock, progress=progress,
    )
    counts: dict[str, int] = {}
    problems = [f"step {r.name} {r.state}{f': {r.failure}' if r.failure else ''}" for r in results if not r.ok]
    if results[-1].ok:
        counts = parse_counts(emr_steps.read_output(s3, count_uri))
        problems += [f"table {t} has no rows" for t in args.tables if counts.get(t, 0) == 0]

    print(table(["step", "state", "seconds"], [(r.name, r.state, r.seconds) for r in results]))
    print()
    print(table(["table", "rows"], [(t, f"{counts[t]:,}" if t in counts else None) for t in args.tables]))
    result = {
        "runbook": "prepare_data", "run": run_, "cluster_id": cluster.id, "region": region, "source": args.source,
        "hdfs_dir": args.hdfs_dir, "database": args.database, "steps": [r.as_dict() for r in results],
        "row_counts": counts, "ok": not problems, "problems": problems,
    }
    path = write_json(args.output_dir / f"prepare_data-{run_}.json", result)
    print(f"\n{'PASS' if not problems else 'FAIL'}  prepare-data: {len(counts)} table(s) counted; result: {path}")
    for problem in problems:
        print(f"      {problem}")
    return EXIT_OK if not problems else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
