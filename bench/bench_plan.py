"""Benchmark: the offline plan of every stack.

Prints, per stack: resources recorded, seconds (median of N runs, after one warm-up), ms per resource, peak
Python heap during a run (tracemalloc), and the deploy critical path. Run: ``python bench/bench_plan.py [-n 5]``.

``--floor`` compares each stack with the SDK's floor in fresh processes, interleaved (docs/performance.md explains
how to read it): per round, each stack's program, a program of as many plain ``aws.s3.BucketV2`` resources on one
explicit provider, and that program with none (the fixed cost: interpreter, imports, one provider), all under the
same GC policy (``scripts/offline/gc_policy.py``). It prints the median CPU seconds of each, ms per resource net of
the fixed cost, and the ratio ``(stack - empty) / (floor - empty)``. ``--gc P1 P2 ...`` runs the comparison under
several GC policies (interleaved too), which is how the project's policy was chosen.

    python bench/bench_plan.py --floor [-n 5] [--gc default freeze+threshold] [--stacks dev prod]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import fresh  # noqa: E402
from scripts.offline import gc_policy, recorder  # noqa: E402


def floor(runs: int, policies: list[str], stacks: list[str]) -> int:
    """Each stack against the floor, in fresh processes, interleaved; medians of ``runs`` rounds."""
    samples: dict[tuple[str, str, str], list[fresh.Sample]] = {}
    sizes: dict[str, int] = {}
    print(
        f"floor benchmark: {runs} rounds, fresh processes interleaved, medians of CPU seconds (user+sys) "
        f"(python {sys.version.split()[0]}, {len(os.sched_getaffinity(0))} cores)",
        flush=True,
    )
    fresh.warm_up()
    for round_ in range(runs):
        for pol in policies:
            for stack in stacks:
                s = fresh.run("stack", stack, gc_policy=pol)
                sizes[stack] = s.resources
                samples.setdefault((pol, "stack", stack), []).append(s)
                f = fresh.run("floor", str(s.resources), gc_policy=pol)
                samples.setdefault((pol, "floor", stack), []).append(f)
                i = fresh.run("imports", ",".join(s.sdk_modules), gc_policy=pol)
                samples.setdefault((pol, "imports", stack), []).append(i)
            e = fresh.run("empty", gc_policy=pol)
            samples.setdefault((pol, "empty", ""), []).append(e)
            s3_run = fresh.run("imports", "pulumi_aws.s3", gc_policy=pol)
            samples.setdefault((pol, "imports", "floor"), []).append(s3_run)
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)

    def med(key: tuple[str, str, str], attr: str = "cpu_s") -> float:
        return float(statistics.median(getattr(x, attr) for x in samples[key]))

    header = (
        f"{'gc policy':<18}{'stack':<9}{'res':>5}{'stack s':>9}{'floor s':>9}{'empty s':>9}"
        f"{'ms/res':>8}{'floor ms/res':>14}{'ratio':>7}{'rec ms/res':>12}{'peak MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    net: list[str] = []
    for pol in policies:
        empty = med((pol, "empty", ""))
        s3 = med((pol, "imports", "floor"))
        for stack in stacks:
            n = sizes[stack]
            st, fl = med((pol, "stack", stack)), med((pol, "floor", stack))
            ms, floor_ms = 1000 * (st - empty) / n, 1000 * (fl - empty) / n
            rec_ms = 1000 * med((pol, "stack", stack), "record_cpu_s") / n
            peak = med((pol, "stack", stack), "peak_mib")
            print(
                f"{pol:<18}{stack:<9}{n:>5}{st:>9.2f}{fl:>9.2f}{empty:>9.2f}{ms:>8.2f}{floor_ms:>14.2f}"
                f"{ms / floor_ms:>7.2f}{rec_ms:>12.2f}{peak:>10.0f}"
            )
            imp = med((pol, "imports", stack))
            net_ms, net_floor = 1000 * (st - imp) / n, 1000 * (fl - s3) / n
            net.append(
                f"{pol:<18}{stack:<9}{n:>5}{imp - empty:>10.2f}{s3 - empty:>10.2f}{net_ms:>8.2f}{net_floor:>11.2f}"
                f"{net_ms / net_floor:>7.2f}"
            )
    print(
        "ms/res = (stack - empty) / res; floor ms/res = (floor - empty) / res; ratio = ms/res / floor ms/res;"
        " rec ms/res = CPU inside record() / res (stack program only)"
    )
    head = (
        f"{'gc policy':<18}{'stack':<9}{'res':>5}{'sdk imp s':>10}{'s3 imp s':>10}{'net ms':>8}{'net floor':>11}"
        f"{'ratio':>7}"
    )
    print("\nthe same, net of importing the provider SDK modules each program loads (fresh.py kind 'imports'):")
    print(head)
    print("-" * len(head))
    print("\n".join(net))
    print(
        "sdk imp s = (empty program + the stack's pulumi_aws service modules, pulumi_eks, ...) - empty; s3 imp s = the"
        " same for pulumi_aws.s3 (the floor's only one); net ms = (stack - its imports) / res; net floor = (floor - s3"
        " imports) / res"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=5, help="timed runs (rounds with --floor) (default 5)")
    parser.add_argument("--floor", action="store_true", help="compare each stack with the SDK floor (fresh processes)")
    parser.add_argument(
        "--gc", nargs="+", choices=gc_policy.POLICIES, default=None, help="with --floor: GC policies to compare"
    )
    parser.add_argument("--stacks", nargs="+", default=None, help="with --floor: stacks (default: all)")
    args = parser.parse_args()
    if args.floor:
        return floor(args.runs, args.gc or [gc_policy.policy()], args.stacks or recorder.available_stacks())
    gc_policy.apply_after_imports()

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
