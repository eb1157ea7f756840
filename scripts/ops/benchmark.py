"""benchmark: TPC-DS q44 on the burst cluster through Alluxio, cold then warm, with Alluxio's cache figures.

    python -m scripts.ops.benchmark outputs.json                        # 2 cold + 2 warm runs on catalog onprem
    python -m scripts.ops.benchmark outputs.json --runs 3 --query scripts/ops/sql/q44.sql
    python -m scripts.ops.benchmark outputs.json --catalog lake --schema tpcds   # the same query on a cloud copy

Each run is one EMR step on the burst cluster (stack output ``burst_cluster_id``) that:
1. cold runs only: ``alluxio fs free <--free-path>`` (default /onprem, the mount of the on-prem HDFS), so that the
   run reads across the link from the on-prem HDFS again;
2. reads Alluxio's cluster metrics (``curl http://localhost:19999/metrics/json/``: the leading master's metrics
   servlet: Alluxio docs/en/operation/Metrics-System.md, "curl 127.0.0.1:19999/metrics/json/");
3. runs the query with the engine's CLI (``trino-cli --catalog onprem --schema tpcds --execute ...``), timed on the
   node in milliseconds;
4. reads the metrics again.

From the two metric snapshots (Alluxio metric names: docs/en/reference/Metrics-List.md):
- bytes from the on-prem HDFS (under store) = delta of ``Cluster.BytesReadUfsAll``;
- bytes served from Alluxio's cache = delta of ``Cluster.BytesReadLocal + Cluster.BytesReadDomain +
  Cluster.BytesReadRemote`` minus the under-store bytes (remote reads include what workers fetched from the UFS).

Output: a table per run, the cold/warm medians and speed-up, a JSON result and a PNG chart (matplotlib) in
``--output-dir``. Exit 0 when every run completed and all runs returned the same number of rows; 1 otherwise; 2 on
bad input; 3 on an AWS error.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
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

REQUIRED_OUTPUTS = ("burst_cluster_id",)
UFS_METRIC = "Cluster.BytesReadUfsAll"
ALLUXIO_READ_METRICS = ("Cluster.BytesReadLocal", "Cluster.BytesReadDomain", "Cluster.BytesReadRemote")

RUN_SCRIPT = """
mode="$1"; free_path="$2"; cli="$3"; catalog="$4"; schema="$5"; sql="$6"
metrics() { curl -fsS --max-time 10 http://localhost:19999/metrics/json/ | tr -d '\\n' || echo '{}'; }
if [[ "${mode}" == cold && -n "${free_path}" ]]; then
  /opt/alluxio/bin/alluxio fs free "${free_path}" >&2
fi
echo "metrics_before $(metrics)"
start="$(date +%s%3N)"
"${cli}" --catalog "${catalog}" --schema "${schema}" --output-format TSV --execute "${sql}" > /tmp/hb-benchmark.tsv
end="$(date +%s%3N)"
echo "query_ms $((end - start))"
echo "rows $(wc -l < /tmp/hb-benchmark.tsv)"
echo "metrics_after $(metrics)"
"""


@dataclass(frozen=True)
class RunResult:
    run: int
    mode: str
    step_id: str
    state: str
    step_seconds: float | None
    query_seconds: float | None
    rows: int | None
    ufs_bytes: int | None
    cache_bytes: int | None
    failure: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "COMPLETED" and self.query_seconds is not None


def metric(doc: Mapping[str, Any], name: str) -> int:
    """A metric's value from Alluxio's ``/metrics/json/`` document (Dropwizard's servlet format: ``counters`` hold
    ``count``, ``gauges`` hold ``value``); 0 when absent (Alluxio omits metrics that were never updated)."""
    counter = doc.get("counters", {}).get(name)
    if isinstance(counter, Mapping) and isinstance(counter.get("count"), int | float):
        return int(counter["count"])
    gauge = doc.get("gauges", {}).get(name)
    if isinstance(gauge, Mapping) and isinstance(gauge.get("value"), int | float):
        return int(gauge["value"])
    return 0


def cache_figures(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[int, int]:
    """(bytes read from the under store, bytes served from Alluxio's cache) between two snapshots."""
    ufs = max(metric(after, UFS_METRIC) - metric(before, UFS_METRIC), 0)
    total = sum(max(metric(after, m) - metric(before, m), 0) for m in ALLUXIO_READ_METRICS)
    return ufs, max(total - ufs, 0)


def parse_run_output(text: str) -> dict[str, Any]:
    """The ``key value`` lines the run step prints (values: JSON for metrics, integers otherwise)."""
    out: dict[str, Any] = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key in ("metrics_before", "metrics_after"):
            try:
                doc = json.loads(value or "{}")
            except json.JSONDecodeError:
                doc = {}
            out[key] = doc if isinstance(doc, dict) else {}
        elif key in ("query_ms", "rows") and value.strip().lstrip("-").isdigit():
            out[key] = int(value)
    return out


def plan_runs(runs: int) -> list[str]:
    return ["cold"] * runs + ["warm"] * runs


def summarize(results: Sequence[RunResult]) -> dict[str, Any]:
    def median(mode: str, attr: str) -> float | None:
        values = [getattr(r, attr) for r in results if r.mode == mode and r.ok and getattr(r, attr) is not None]
        return statistics.median(values) if values else None

    cold, warm = median("cold", "query_seconds"), median("warm", "query_seconds")
    return {
        "cold_median_seconds": cold,
        "warm_median_seconds": warm,
        "speedup": round(cold / warm, 2) if cold and warm else None,
        "cold_median_ufs_bytes": median("cold", "ufs_bytes"),
        "warm_median_ufs_bytes": median("warm", "ufs_bytes"),
        "warm_median_cache_bytes": median("warm", "cache_bytes"),
    }


def chart(results: Sequence[RunResult], path: Path, title: str) -> Path:
    """Query time per run and where its bytes came from (on-prem HDFS vs Alluxio cache), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r.mode} {r.run}" for r in results]
    colors = ["#c0504d" if r.mode == "cold" else "#4f81bd" for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.bar(labels, [r.query_seconds or 0 for r in results], color=colors)
    left.set_ylabel("query time (s)")
    left.set_title("q44 query time per run")
    mib = 1024 * 1024
    ufs = [(r.ufs_bytes or 0) / mib for r in results]
    cache = [(r.cache_bytes or 0) / mib for r in results]
    right.bar(labels, ufs, label="from on-prem HDFS (under store)", color="#c0504d")
    right.bar(labels, cache, bottom=ufs, label="from Alluxio cache", color="#9bbb59")
    right.set_ylabel("MiB read")
    right.set_title("where the bytes came from")
    right.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    p.add_argument("--query", type=Path, default=SQL_DIR / "q44.sql", help="SQL file (default scripts/ops/sql/q44.sql)")
    p.add_argument("--runs", type=int, default=2, help="runs of each kind, cold then warm (default 2)")
    p.add_argument("--catalog", default="onprem",
                   help="catalog to query (default onprem, the on-prem Hive metastore through Alluxio; name a cloud "
                        "lake catalog to compare with a copy in S3)")
    p.add_argument("--schema", default="tpcds", help="schema of the tables (default tpcds, as prepare_data creates)")
    p.add_argument("--engine", default="trino", choices=sorted(emr_steps.ENGINE_CLI), help="SQL engine (default trino)")
    p.add_argument("--free-path", default="/onprem",
                   help="Alluxio path freed before each cold run (default /onprem, the on-prem mount); '' to skip")
    p.add_argument("--timeout", type=positive, default=3600.0, help="seconds to wait per run (default 3600)")
    p.add_argument("--interval", type=positive, default=10.0, help="seconds between polls (default 10)")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock()))


def _main(args: argparse.Namespace, clock: Clock) -> int:
    if not 1 <= args.runs <= 20:
        raise BadInputError(f"--runs {args.runs}: use 1 to 20 runs of each kind")
    sql = emr_steps.sql_text(args.query)
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS)
    region = outputs.region("compute")
    clients = client_factory(args.endpoint_url, args.profile)
    emr, s3 = clients("emr", region), clients("s3", region)
    progress = Progress(quiet=args.quiet)
    run_ = run_id()
    cluster = emr_steps.cluster(emr, outputs, "burst_cluster_id", region)
    cli = emr_steps.ENGINE_CLI[args.engine]

    results: list[RunResult] = []
    for number, mode in enumerate(plan_runs(args.runs), start=1):
        name = f"benchmark-{number:02d}-{mode}"
        uri = cluster.output_uri(run_, name)
        step = emr_steps.script_step(
            f"benchmark: {args.query.stem} run {number} ({mode})", RUN_SCRIPT,
            [mode, args.free_path, cli, args.catalog, args.schema, sql], uri,
        )
        (step_id,) = emr_steps.submit(emr, cluster, [step])
        (done,) = emr_steps.wait(
            emr, cluster, [step_id], what=f"run {number}/{2 * args.runs} ({mode})", timeout=args.timeout,
            interval=args.interval, clock=clock, progress=progress,
        )
        parsed: dict[str, Any] = parse_run_output(emr_steps.read_output(s3, uri)) if done.ok else {}
        ufs = cache = None
        if "metrics_before" in parsed and "metrics_after" in parsed:
            ufs, cache = cache_figures(parsed["metrics_before"], parsed["metrics_after"])
        results.append(
            RunResult(
                run=number, mode=mode, step_id=step_id, state=done.state, step_seconds=done.seconds,
                query_seconds=parsed["query_ms"] / 1000 if "query_ms" in parsed else None,
                rows=parsed.get("rows"), ufs_bytes=ufs, cache_bytes=cache, failure=done.failure,
            )
        )

    mib = 1024 * 1024
    print(table(
        ["run", "mode", "state", "query s", "step s", "rows", "on-prem MiB", "cache MiB"],
        [(r.run, r.mode, r.state, r.query_seconds, r.step_seconds, r.rows,
          None if r.ufs_bytes is None else r.ufs_bytes / mib, None if r.cache_bytes is None else r.cache_bytes / mib)
         for r in results],
    ))
    summary = summarize(results)
    problems = [f"run {r.run} ({r.mode}) {r.state}{f': {r.failure}' if r.failure else ''}" for r in results if not r.ok]
    row_counts = {r.rows for r in results if r.ok and r.rows is not None}
    if len(row_counts) > 1:
        problems.append(f"runs returned different row counts: {sorted(row_counts)}")
    title = f"{args.query.name} on {args.catalog}.{args.schema}, cluster {cluster.id}"
    png = chart(results, args.output_dir / f"benchmark-{run_}.png", title)
    result = {
        "runbook": "benchmark", "run": run_, "cluster_id": cluster.id, "region": region, "query": str(args.query),
        "catalog": args.catalog, "schema": args.schema, "runs": [asdict(r) for r in results], "summary": summary,
        "ok": not problems, "problems": problems, "chart": str(png),
    }
    path = write_json(args.output_dir / f"benchmark-{run_}.json", result)
    cold, warm, speedup = summary["cold_median_seconds"], summary["warm_median_seconds"], summary["speedup"]
    print()
    print(f"{'PASS' if not problems else 'FAIL'}  benchmark: cold median {_s(cold)}, warm median {_s(warm)}, "
          f"speed-up {speedup if speedup is not None else '-'}x; result: {path}; chart: {png}")
    for problem in problems:
        print(f"      {problem}")
    return EXIT_OK if not problems else EXIT_CHECKS_FAILED


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


if __name__ == "__main__":
    raise SystemExit(main())
