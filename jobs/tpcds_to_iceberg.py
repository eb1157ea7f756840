"""Fill the cloud lake: copy the on-prem TPC-DS tables, read through Alluxio, into Iceberg tables on Glue.

    spark-submit tpcds_to_iceberg.py --source-root alluxio:///onprem/warehouse/tpcds.db \
        [--catalog iceberg] [--database tpcds] [--tables store_sales,item] [--format parquet]

For each table: read ``<source-root>/<table>`` (Parquet by default; on the burst cluster ``alluxio://`` paths are
served from Alluxio's cache of the on-prem HDFS, mounted at ``/onprem``), then ``CREATE OR REPLACE TABLE
<catalog>.<database>.<table> USING iceberg PARTITIONED BY (...) AS SELECT ...`` (a re-run replaces the table
atomically: a new Iceberg snapshot, readers never see half a load), then compacts it with Iceberg's
``rewrite_data_files`` procedure (CTAS over many small source files writes many small data files).

Partitioning: the seven TPC-DS fact tables by their date surrogate key truncated to 30 (about a month of
``d_date_sk`` values, so a year is about 12 partitions, not 365), dimensions unpartitioned (they are small).
Iceberg DDL and the procedures: https://iceberg.apache.org/docs/latest/spark-ddl/ (``truncate(L, col)``) and
https://iceberg.apache.org/docs/latest/spark-procedures/#rewrite_data_files.

The Spark catalog ``--catalog`` must be configured as an Iceberg catalog on Glue (``spark.sql.catalog.<name>``;
the burst cluster's ``spark-defaults`` and the EMR on EKS job template do it). With Lake Formation on, the step runs
as the lake's runtime role, which holds CREATE_TABLE on ``tpcds`` and DATA_LOCATION_ACCESS on the raw zone.

Everything above ``main`` is pure (no PySpark import) and unit-tested in tests/jobs/test_tpcds_to_iceberg.py.
Exit codes: 0 every table loaded, 1 a table failed (the others are still attempted), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The 24 TPC-DS tables (TPC-DS specification v3, clause 2) and the date key each fact table is partitioned by.
FACT_PARTITION_KEYS: dict[str, str] = {
    "store_sales": "ss_sold_date_sk",
    "store_returns": "sr_returned_date_sk",
    "catalog_sales": "cs_sold_date_sk",
    "catalog_returns": "cr_returned_date_sk",
    "web_sales": "ws_sold_date_sk",
    "web_returns": "wr_returned_date_sk",
    "inventory": "inv_date_sk",
}
DIMENSIONS: tuple[str, ...] = (
    "call_center", "catalog_page", "customer", "customer_address", "customer_demographics", "date_dim",
    "household_demographics", "income_band", "item", "promotion", "reason", "ship_mode", "store", "time_dim",
    "warehouse", "web_page", "web_site",
)
TPCDS_TABLES: tuple[str, ...] = (*FACT_PARTITION_KEYS, *DIMENSIONS)
DATE_KEY_TRUNCATION = 30
"""Width of the date-key truncation (``d_date_sk`` is a day number: 30 is about a month)."""
TARGET_FILE_SIZE_BYTES = 512 * 1024 * 1024
"""Compaction target (Iceberg's own default for ``write.target-file-size-bytes``)."""
TABLE_PROPERTIES: dict[str, str] = {
    "format-version": "2",
    "write.parquet.compression-codec": "zstd",
    # Cluster rows by partition before writing: one file per partition per task, not one per row group mix.
    "write.distribution-mode": "hash",
}
SOURCE_FORMATS = ("parquet", "orc")
_IDENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,254}$")
_SOURCE_RE = re.compile(r"^(alluxio|hdfs|s3|s3a)://[^\s'\"]*$")


@dataclass(frozen=True)
class JobArgs:
    source_root: str
    catalog: str
    database: str
    tables: tuple[str, ...]
    source_format: str
    compact: bool


class BadArgumentsError(ValueError):
    """Arguments that cannot run (exit 2)."""


def identifier(value: str, what: str) -> str:
    """A lowercase SQL identifier (Glue folds names to lowercase); refuses anything that would need quoting."""
    if not _IDENT_RE.match(value):
        raise BadArgumentsError(f"{what} {value!r}: use lowercase letters, digits and _ starting with a letter")
    return value


def parse_args(argv: Sequence[str]) -> JobArgs:
    parser = argparse.ArgumentParser(prog="tpcds_to_iceberg", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-root", required=True, help="directory holding one sub-directory per table")
    parser.add_argument("--catalog", default="iceberg", help="Spark Iceberg catalog on Glue (default iceberg)")
    parser.add_argument("--database", default="tpcds", help="Glue database (default tpcds)")
    parser.add_argument("--tables", default=",".join(TPCDS_TABLES), help="comma-separated tables (default all 24)")
    parser.add_argument("--format", default="parquet", choices=SOURCE_FORMATS, help="source file format")
    parser.add_argument("--no-compact", action="store_true", help="skip rewrite_data_files")
    ns = parser.parse_args(list(argv))
    root = ns.source_root.rstrip("/")
    if not _SOURCE_RE.match(root):
        raise BadArgumentsError(
            f"--source-root {ns.source_root!r}: use an alluxio://, hdfs:// or s3:// directory, e.g. "
            "alluxio:///onprem/warehouse/tpcds.db"
        )
    tables = tuple(t.strip() for t in ns.tables.split(",") if t.strip())
    unknown = [t for t in tables if t not in TPCDS_TABLES]
    if not tables or unknown:
        raise BadArgumentsError(
            f"--tables: {unknown or 'none given'} not TPC-DS tables; choose from {', '.join(TPCDS_TABLES)}"
        )
    return JobArgs(
        source_root=root,
        catalog=identifier(ns.catalog, "--catalog"),
        database=identifier(ns.database, "--database"),
        tables=tables,
        source_format=ns.format,
        compact=not ns.no_compact,
    )


def source_path(root: str, table: str) -> str:
    return f"{root.rstrip('/')}/{table}"


def qualified(args: JobArgs, table: str) -> str:
    return f"{args.catalog}.{args.database}.{identifier(table, 'table')}"


def partition_spec(table: str) -> str | None:
    """The Iceberg partition transform of a table, or None for an unpartitioned dimension."""
    key = FACT_PARTITION_KEYS.get(table)
    return f"truncate({DATE_KEY_TRUNCATION}, {key})" if key else None


def ctas_sql(args: JobArgs, table: str, view: str) -> str:
    """``CREATE OR REPLACE TABLE ... USING iceberg [PARTITIONED BY] TBLPROPERTIES AS SELECT * FROM <view>``."""
    props = ", ".join(f"'{k}'='{v}'" for k, v in sorted(TABLE_PROPERTIES.items()))
    spec = partition_spec(table)
    parts = [f"CREATE OR REPLACE TABLE {qualified(args, table)} USING iceberg"]
    if spec:
        parts.append(f"PARTITIONED BY ({spec})")
    parts.append(f"TBLPROPERTIES ({props})")
    # Every name in the statement passed ``identifier`` (no quoting or injection possible).
    parts.append(f"AS SELECT * FROM {identifier(view, 'view')}")  # noqa: S608
    return " ".join(parts)


def compaction_sql(args: JobArgs, table: str) -> str:
    """Iceberg's ``rewrite_data_files`` (bin-pack) to the target file size."""
    return (
        f"CALL {args.catalog}.system.rewrite_data_files("
        f"table => '{args.database}.{identifier(table, 'table')}', "
        f"options => map('target-file-size-bytes', '{TARGET_FILE_SIZE_BYTES}', 'partial-progress.enabled', 'true'))"
    )


def load_order(tables: Sequence[str]) -> list[str]:
    """Dimensions first (small, fast to fail on a wrong source root), then facts, each group in given order."""
    return [t for t in tables if t not in FACT_PARTITION_KEYS] + [t for t in tables if t in FACT_PARTITION_KEYS]


def summary(results: dict[str, str]) -> str:
    width = max((len(t) for t in results), default=5)
    return "\n".join(f"{t:<{width}}  {status}" for t, status in results.items())


def run(spark: Any, args: JobArgs) -> dict[str, str]:
    """Load every table; a failure is recorded and the next table still runs."""
    results: dict[str, str] = {}
    for table in load_order(args.tables):
        view = f"src_{table}"
        try:
            spark.read.format(args.source_format).load(source_path(args.source_root, table)).createOrReplaceTempView(
                view
            )
            spark.sql(ctas_sql(args, table, view))
            if args.compact:
                spark.sql(compaction_sql(args, table))
            results[table] = "ok"
        except Exception as err:  # noqa: BLE001 - one table's failure must not stop the others
            results[table] = f"FAILED: {str(err).splitlines()[0][:300]}"
    return results


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except BadArgumentsError as err:
        print(f"tpcds_to_iceberg: {err}", file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession  # imported here: the pure parts above are tested without PySpark

    spark = SparkSession.builder.appName(f"tpcds-to-iceberg-{args.database}").getOrCreate()
    try:
        results = run(spark, args)
    finally:
        spark.stop()
    print(summary(results))
    return 0 if all(v == "ok" for v in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
