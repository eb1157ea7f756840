"""Benchmark: the offline plan of every stack.

Prints, per stack: resources recorded, seconds (median of N runs, after one warm-up), ms per resource, peak
Python heap during a run (tracemalloc), and the deploy critical path. Run: ``python bench/bench_plan.py [-n 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.offline import recorder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=5, help="timed runs per stack (default 5)")
    args = parser.parse_args()

    from scripts.offline.critical_path import critical_path

    print(f"offline plan benchmark: {args.runs} timed runs per stack after 1 warm-up (python {sys.version.split()[0]})")
    header = f"{'stack':<10}{'resources':>10}{'median s':>10}{'min s':>8}{'ms/res':>8}{'peak MiB':>10}"
    print(header)
    print("-" * len(header))
    paths = []
    for stack in recorder.available_stacks():
        recorder.record(stack=stack)  # warm-up: imports, first-run caches
        times = []
        plan = None
        for _ in range(args.runs):
            start = time.perf_counter()
            plan = recorder.record(stack=stack)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        recorder.record(stack=stack)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert plan is not None
        n = len(plan.custom_resources)
        med = statistics.median(times)
        print(f"{stack:<10}{n:>10}{med:>10.3f}{min(times):>8.3f}{1000 * med / n:>8.2f}{peak / 2**20:>10.1f}")
        paths.append((stack, critical_path(plan)))
    for stack, path in paths:
        print(f"\ncritical path {stack}:")
        print(path.to_console())
    return 0


if __name__ == "__main__":
    sys.exit(main())
