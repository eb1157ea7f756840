"""benchmark end to end against moto's EMR and S3.

moto cannot run Trino or Alluxio: ``EmrDriver`` ends each run step and uploads the lines the run script prints
(``metrics_before``/``metrics_after`` as Alluxio's ``/metrics/json/`` documents, ``query_ms``, ``rows``). The
documents follow the Dropwizard servlet format Alluxio serves (``counters`` with ``count``, ``gauges`` with
``value``); their numbers are test inputs chosen to look like a cold and a warm run, not measurements.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.ops import benchmark
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.runbook_fixture import EmrDriver, Outcome, runbook_stack, write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

GIB = 1024**3


def _metrics(ufs: int, local: int, remote: int) -> str:
    return json.dumps({
        "version": "4.0.0",
        "counters": {"Cluster.BytesReadUfsAll": {"count": ufs}},
        "gauges": {"Cluster.BytesReadLocal": {"value": local}, "Cluster.BytesReadRemote": {"value": remote}},
    })


def _run(before: tuple[int, int, int], after: tuple[int, int, int], query_ms: int, rows: int = 100) -> str:
    return (f"metrics_before {_metrics(*before)}\nquery_ms {query_ms}\nrows {rows}\n"
            f"metrics_after {_metrics(*after)}\n")


RUNS = {
    # cold: everything read from the on-prem HDFS through the workers (remote reads include the UFS bytes)
    "benchmark: q44 run 1 (cold)": Outcome(output=_run((0, 0, 0), (2 * GIB, 0, 2 * GIB), 48_200)),
    "benchmark: q44 run 2 (cold)": Outcome(output=_run((2 * GIB, 0, 2 * GIB), (4 * GIB, 0, 4 * GIB), 46_900)),
    # warm: served from the cache (short-circuit local reads), nothing from the under store
    "benchmark: q44 run 3 (warm)": Outcome(output=_run((4 * GIB, 0, 4 * GIB), (4 * GIB, 2 * GIB, 4 * GIB), 9_800)),
    "benchmark: q44 run 4 (warm)": Outcome(output=_run((4 * GIB, 2 * GIB, 4 * GIB), (4 * GIB, 4 * GIB, 4 * GIB),
                                                       9_400)),
}


def _args(outputs: str, moto_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [outputs, "--endpoint-url", moto_url, "--output-dir", str(tmp_path / "out"), "--interval", "5", *extra]


def test_cold_then_warm_with_cache_figures_table_json_and_chart(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, dict(RUNS)).watch(out)

    code = benchmark.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "PASS  benchmark: cold median 47.5s, warm median 9.6s, speed-up 4.95x" in printed.out
    (result,) = (tmp_path / "out").glob("benchmark-*.json")
    data = json.loads(result.read_text())
    assert [(r["mode"], r["ufs_bytes"], r["cache_bytes"]) for r in data["runs"]] == [
        ("cold", 2 * GIB, 0), ("cold", 2 * GIB, 0), ("warm", 0, 2 * GIB), ("warm", 0, 2 * GIB),
    ]
    png = Path(data["chart"])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    steps = driver.steps(REGIONS["compute"], out["burst_cluster_id"])
    cold, warm = steps[0].args, steps[2].args
    assert cold[:2] == ["bash", "-c"]
    assert "alluxio fs free" in cold[2]
    assert cold[4:9] == ["cold", "/onprem", "trino-cli", "onprem", "tpcds"]
    assert warm[4] == "warm"
    assert "store_sales ss1" in cold[9]
    assert not cold[9].lstrip().startswith("--"), "the query is sent without its comments"


def test_the_catalog_option_runs_the_query_on_another_catalog(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    runs = {"benchmark: q44 run 1 (cold)": Outcome(output=_run((0, 0, 0), (0, 0, 0), 21_000)),
            "benchmark: q44 run 2 (warm)": Outcome(output=_run((0, 0, 0), (0, 0, 0), 20_000))}
    driver = EmrDriver(aws, runs).watch(out)

    code = benchmark.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--runs", "1", "--catalog", "lake"),
                          clock=driver.clock())

    assert code == 0, capsys.readouterr().err
    args = driver.steps(REGIONS["compute"], out["burst_cluster_id"])[0].args
    assert args[7] == "lake"


def test_a_failed_run_fails_the_benchmark(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    runs = dict(RUNS)
    runs["benchmark: q44 run 3 (warm)"] = Outcome(state="FAILED", reason="Query exceeded per-node memory limit")
    driver = EmrDriver(aws, runs).watch(out)

    code = benchmark.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    printed = capsys.readouterr()
    assert code == 1
    assert "run 3 (warm) FAILED: Query exceeded per-node memory limit" in printed.out
    assert "Traceback" not in printed.err


def test_missing_query_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = write_outputs(tmp_path, {"regions": dict(REGIONS), "burst_cluster_id": "j-1"})
    assert benchmark.main([outputs, "--query", str(tmp_path / "nope.sql")]) == 2
    assert "nope.sql: no such SQL file" in capsys.readouterr().err


def test_cache_figures_subtract_the_under_store_from_remote_reads() -> None:
    before = json.loads(_metrics(10, 5, 10))
    after = json.loads(_metrics(30, 5, 40))
    assert benchmark.cache_figures(before, after) == (20, 10)
    assert benchmark.cache_figures({}, {}) == (0, 0)
