"""The lake-filling Spark job: it compiles, imports no PySpark at module level, and its pure parts are right."""

from __future__ import annotations

import ast
import py_compile
from pathlib import Path
from typing import Any

import pytest

from jobs import tpcds_to_iceberg as job

JOB_FILE = Path(job.__file__)


def test_job_file_compiles_and_imports_pyspark_only_inside_main(tmp_path: Path) -> None:
    py_compile.compile(str(JOB_FILE), cfile=str(tmp_path / "job.pyc"), doraise=True)
    tree = ast.parse(JOB_FILE.read_text())
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    modules = {a.name for n in top_level if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in top_level if isinstance(n, ast.ImportFrom)}
    assert not {m for m in modules if m.startswith("pyspark")}
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    inner = [n.module for n in ast.walk(main) if isinstance(n, ast.ImportFrom)]
    assert inner == ["pyspark.sql"]


def test_all_24_tpcds_tables_seven_facts_partitioned() -> None:
    assert len(job.TPCDS_TABLES) == len(set(job.TPCDS_TABLES)) == 24
    assert len(job.FACT_PARTITION_KEYS) == 7
    assert job.partition_spec("store_sales") == "truncate(30, ss_sold_date_sk)"
    assert job.partition_spec("item") is None


def test_parse_args_defaults() -> None:
    args = job.parse_args(["--source-root", "alluxio:///onprem/warehouse/tpcds.db/"])
    assert args.source_root == "alluxio:///onprem/warehouse/tpcds.db"
    assert (args.catalog, args.database, args.source_format, args.compact) == ("iceberg", "tpcds", "parquet", True)
    assert args.tables == job.TPCDS_TABLES


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--source-root", "file:///tmp/x"], "source-root"),
        (["--source-root", "s3://b/x", "--tables", "store_sales,nope"], "nope"),
        (["--source-root", "s3://b/x", "--catalog", "Iceberg; DROP"], "--catalog"),
        (["--source-root", "s3://b/x", "--database", "tpcds'"], "--database"),
    ],
)
def test_bad_arguments_are_refused(argv: list[str], match: str) -> None:
    with pytest.raises(job.BadArgumentsError, match=match):
        job.parse_args(argv)


def test_main_exits_2_on_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert job.main(["--source-root", "ftp://x"]) == 2
    assert "source-root" in capsys.readouterr().err


def test_ctas_partitions_facts_and_sets_iceberg_v2() -> None:
    args = job.parse_args(["--source-root", "s3://b/tpcds"])
    sql = job.ctas_sql(args, "store_sales", "src_store_sales")
    assert sql.startswith("CREATE OR REPLACE TABLE iceberg.tpcds.store_sales USING iceberg ")
    assert "PARTITIONED BY (truncate(30, ss_sold_date_sk))" in sql
    assert "'format-version'='2'" in sql
    assert sql.endswith("AS SELECT * FROM src_store_sales")
    assert "PARTITIONED BY" not in job.ctas_sql(args, "item", "src_item")


def test_compaction_calls_rewrite_data_files_on_the_catalog() -> None:
    args = job.parse_args(["--source-root", "s3://b/tpcds", "--catalog", "lake"])
    sql = job.compaction_sql(args, "inventory")
    assert sql.startswith("CALL lake.system.rewrite_data_files(table => 'tpcds.inventory'")
    assert f"'target-file-size-bytes', '{job.TARGET_FILE_SIZE_BYTES}'" in sql


def test_dimensions_load_before_facts() -> None:
    assert job.load_order(["store_sales", "item", "inventory", "date_dim"]) == [
        "item", "date_dim", "store_sales", "inventory",
    ]


class _Reader:
    def __init__(self, log: list[str], fail: set[str]) -> None:
        self.log, self.fail = log, fail

    def format(self, fmt: str) -> _Reader:
        self.log.append(f"format {fmt}")
        return self

    def load(self, path: str) -> _Reader:
        if path.rsplit("/", 1)[1] in self.fail:
            raise RuntimeError(f"Path does not exist: {path}\nstack...")
        self.log.append(f"load {path}")
        return self

    def createOrReplaceTempView(self, name: str) -> None:  # noqa: N802 - the PySpark name
        self.log.append(f"view {name}")


class _Spark:
    """Records what the job asks Spark to do (the SQL text is what matters; Spark itself is not under test)."""

    def __init__(self, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.log: list[str] = []
        self.read = _Reader(self.log, set(fail))

    def sql(self, text: str) -> Any:
        self.log.append(text)


def test_run_loads_compacts_and_keeps_going_after_a_failure() -> None:
    args = job.parse_args(["--source-root", "alluxio:///onprem/tpcds", "--tables", "store_sales,item"])
    spark = _Spark(fail={"item"})
    results = job.run(spark, args)
    assert results == {"item": "FAILED: Path does not exist: alluxio:///onprem/tpcds/item", "store_sales": "ok"}
    assert "load alluxio:///onprem/tpcds/store_sales" in spark.log
    assert any(s.startswith("CALL iceberg.system.rewrite_data_files") for s in spark.log)
    assert "FAILED" in job.summary(results)
