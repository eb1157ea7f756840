"""Benchmark: does the offline plan stay linear to thousands of resources? (issue 16 item 4)

For each size (default 1,000 / 3,000 / 5,000 custom resources) the dev stack gets a generated lake
(``bench/scale_config.py``: Glue databases and tables, LF-tags, Lake Formation grants) and is recorded by the
project's recorder in fresh processes, interleaved with a program of as many plain ``BucketV2`` resources (the SDK's
floor) and the empty program (fixed cost), as ``bench_plan.py --floor`` does (``bench/fresh.py``). Prints per size:
CPU seconds (medians), ms per resource net of the empty program, the growth against the smallest size, the floor's
ms per resource and the ratio, CPU inside ``record()`` per resource, and the child's peak RSS
(``ru_maxrss``). Then the policy pack (``policies/hybrid-burst-guardrails``, over the Analyzer gRPC protocol, dev
policy config) evaluates the same records: ms per resource (wall clock, best of ``--pack-runs``).

    python bench/bench_scale.py [-n 3] [--sizes 1000 3000 5000] [--pack-runs 2] [--no-pack] [--no-floor]

Target (issue 16): ms/resource at 5,000 within 15% of the figure at 1,000.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import fresh  # noqa: E402

PACK = ROOT / "policies" / "hybrid-burst-guardrails"
POLICY_CONFIG = ROOT / "stacks" / "policy-config.dev.json"


def _median(samples: list[fresh.Sample], attr: str = "cpu_s") -> float:
    return float(statistics.median(getattr(s, attr) for s in samples))


def plan_scale(sizes: list[int], runs: int, *, floor: bool, dumps: dict[int, Path]) -> None:
    """Fresh processes, interleaved per round; one unmeasured run per size first writes the records to ``dumps``."""
    print(
        f"scale benchmark: sizes {', '.join(map(str, sizes))}, {runs} rounds, fresh processes interleaved, medians "
        f"of CPU seconds (python {sys.version.split()[0]}, {len(os.sched_getaffinity(0))} cores)",
        flush=True,
    )
    fresh.warm_up()
    for size, path in dumps.items():
        fresh.run("scale", str(size), dump=path)  # unmeasured: the records for the pack, and a warm cache
    stacks: dict[int, list[fresh.Sample]] = {s: [] for s in sizes}
    floors: dict[int, list[fresh.Sample]] = {s: [] for s in sizes}
    empty: list[fresh.Sample] = []
    for round_ in range(runs):
        for size in sizes:
            sample = fresh.run("scale", str(size))
            stacks[size].append(sample)
            if floor:
                floors[size].append(fresh.run("floor", str(sample.resources)))
        empty.append(fresh.run("empty"))
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)

    e = _median(empty)
    header = (
        f"{'target':>7}{'res':>7}{'stack s':>9}{'ms/res':>8}{'growth':>8}{'rec ms/res':>12}{'floor s':>9}"
        f"{'floor ms/res':>14}{'ratio':>7}{'peak MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    first = None
    for size in sizes:
        n = stacks[size][0].resources
        st = _median(stacks[size])
        ms = 1000 * (st - e) / n
        first = first or ms
        rec = 1000 * _median(stacks[size], "record_cpu_s") / n
        if floor:
            fl = _median(floors[size])
            fl_ms = 1000 * (fl - e) / n
            floor_cols = f"{fl:>9.2f}{fl_ms:>14.2f}{ms / fl_ms:>7.2f}"
        else:
            floor_cols = f"{'-':>9}{'-':>14}{'-':>7}"
        peak = _median(stacks[size], "peak_mib")
        print(f"{size:>7}{n:>7}{st:>9.2f}{ms:>8.2f}{ms / first:>8.2f}{rec:>12.2f}{floor_cols}{peak:>10.0f}")
    print(
        f"empty program: {e:.2f} s. ms/res = (stack - empty) / res; growth = ms/res / ms/res of the smallest size; "
        "floor = as many plain BucketV2 on one provider; ratio = ms/res / floor ms/res"
    )


def pack_scale(dumps: dict[int, Path], runs: int) -> None:
    from scripts.offline.analyzer import PackSession

    with PackSession(PACK, stack="dev", dry_run=True) as session:
        _, policies = session.analyzer_info()
        print(
            f"\npolicy pack on the same records: {PACK.name}, {len(policies)} policies, {POLICY_CONFIG.name}, best of "
            f"{runs} (wall clock: one Analyze per resource + one AnalyzeStack)"
        )
        header = f"{'target':>7}{'records':>9}{'eval s':>8}{'ms/res':>8}{'growth':>8}{'mandatory':>11}"
        print(header)
        print("-" * len(header))
        first = None
        for size, path in dumps.items():
            records = json.loads(path.read_text())
            session.evaluate(records[:50], config_file=POLICY_CONFIG)  # warm-up
            results = [session.evaluate(records, config_file=POLICY_CONFIG) for _ in range(runs)]
            best = min(results, key=lambda r: r.timings.evaluate_s)
            ms = 1000 * best.timings.evaluate_s / len(records)
            first = first or ms
            print(
                f"{size:>7}{len(records):>9}{best.timings.evaluate_s:>8.2f}{ms:>8.3f}{ms / first:>8.2f}"
                f"{len(best.mandatory_violations()):>11}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 5000])
    parser.add_argument("--pack-runs", type=int, default=2, help="policy-pack evaluations per size (best reported)")
    parser.add_argument("--no-pack", action="store_true", help="skip the policy pack")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor programs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        dumps = {} if args.no_pack else {s: Path(tmp) / f"records-{s}.json" for s in args.sizes}
        plan_scale(args.sizes, args.runs, floor=not args.no_floor, dumps=dumps)
        if dumps:
            pack_scale(dumps, args.pack_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
