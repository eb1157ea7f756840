"""The deploy critical path of a recorded plan: the longest chain of resources that wait on each other.

What the engine waits on (and so what this graph has as edges), per custom resource:
- its ``dependencies`` and ``property_dependencies`` (explicit ``depends_on`` and Outputs used as inputs);
- a dependency on a *component* means waiting for the component's custom descendants (a component is done when
  its children are: the SDK expands ``depends_on=[component]`` that way, and we expand again to be safe);
- its parent only when the parent is a *custom* resource (a child cannot register before it has the parent's
  URN); a component parent is registered at once and is not waited on.
Providers take no time. Each resource costs its type's typical creation time from
``scripts/offline/data/creation_times.csv`` (with sources; unknown types get the ``*`` default).

Usage: ``python -m scripts.offline.critical_path --stack dev`` (prints the path of each stack given).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .recorder import Plan, RecordedResource, record

TIMES_CSV = Path(__file__).resolve().parent / "data" / "creation_times.csv"
DEFAULT_KEY = "*"


@dataclass(frozen=True)
class CreationTime:
    seconds: float
    basis: str
    source: str


def load_creation_times(path: Path = TIMES_CSV) -> dict[str, CreationTime]:
    """Typical creation seconds per resource type (``*`` = default)."""
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    times = {r["resource_type"]: CreationTime(float(r["typical_seconds"]), r["basis"], r["source"]) for r in rows}
    if DEFAULT_KEY not in times:
        raise ValueError(f"{path}: needs a '{DEFAULT_KEY}' row (the default for unknown types)")
    return times


@dataclass(frozen=True)
class PathStep:
    urn: str
    type: str
    name: str
    seconds: float
    start: float
    finish: float


@dataclass(frozen=True)
class CriticalPath:
    stack: str
    total_seconds: float
    steps: tuple[PathStep, ...]
    resource_count: int
    serial_seconds: float
    """Sum over every resource: what a fully serial deploy would take."""

    def format(self) -> str:
        lines = [
            (
                f"deploy critical path of stack {self.stack}: {self.total_seconds / 60:.1f} min "
                f"({self.total_seconds:.0f} s) over {len(self.steps)} resources "
                f"(all {self.resource_count} resources serially: {self.serial_seconds / 60:.1f} min)"
            )
        ]
        lines.extend(
            f"  {step.start:7.0f}s -> {step.finish:7.0f}s  {step.seconds:5.0f}s  {step.type}  {step.name}"
            for step in self.steps
        )
        return "\n".join(lines)

    def to_console(self) -> str:
        """The text ``bench/bench_plan.py`` prints per stack."""
        return self.format()

    def to_markdown(self) -> str:
        """The report section: the chain as a table, with the serial total for comparison."""
        lines = [
            (
                f"**{self.total_seconds / 60:.1f} min** along the longest chain of dependent resources "
                f"({len(self.steps)} steps); creating all {self.resource_count} resources one after another would "
                f"take {self.serial_seconds / 60:.1f} min. Typical creation times per type and their sources: "
                "`scripts/offline/data/creation_times.csv`."
            ),
            "",
            "| starts (s) | finishes (s) | takes (s) | type | resource |",
            "|---:|---:|---:|---|---|",
        ]
        lines += [
            f"| {step.start:.0f} | {step.finish:.0f} | {step.seconds:.0f} | `{step.type}` | `{step.name}` |"
            for step in self.steps
        ]
        return "\n".join(lines)


# Remote components (pulumi-eks) are built by their plugin, so under mocks they register no children: time each
# as one step, as the table says for its type.
REMOTE_TIMED = frozenset({"eks:index:Cluster", "eks:index:ManagedNodeGroup"})


def _is_timed(res: RecordedResource) -> bool:
    if res.type in REMOTE_TIMED:
        return True
    return res.custom and not res.type.startswith("pulumi:providers:")


def dependency_graph(plan: Plan) -> dict[str, set[str]]:
    """For every timed custom resource: the timed custom resources it waits for (see module docstring)."""
    by_urn = {r.urn: r for r in plan.resources}
    children: dict[str, list[str]] = {}
    for r in plan.resources:
        if r.parent:
            children.setdefault(r.parent, []).append(r.urn)

    memo: dict[str, frozenset[str]] = {}

    def expand(urn: str) -> frozenset[str]:
        """A URN as the set of timed resources one must wait for."""
        if urn in memo:
            return memo[urn]
        res = by_urn.get(urn)
        if res is None:  # the stack itself or something not recorded
            out: frozenset[str] = frozenset()
        elif _is_timed(res):
            out = frozenset({urn})
        elif res.custom:  # a provider: instantaneous
            out = frozenset()
        else:  # a component: done when its descendants are
            acc: set[str] = set()
            for kid in children.get(urn, []):
                acc |= expand(kid)
            out = frozenset(acc)
        memo[urn] = out
        return out

    graph: dict[str, set[str]] = {}
    for res in plan.resources:
        if not _is_timed(res):
            continue
        waits: set[str] = set()
        direct = set(res.dependencies)
        for urns in res.property_dependencies.values():
            direct.update(urns)
        parent = by_urn.get(res.parent) if res.parent else None
        if parent is not None and parent.custom:
            direct.add(parent.urn)
        for urn in direct:
            waits |= expand(urn)
        waits.discard(res.urn)
        graph[res.urn] = waits
    return graph


def _duration(res: RecordedResource, times: Mapping[str, CreationTime]) -> float:
    return (times.get(res.type) or times[DEFAULT_KEY]).seconds


def critical_path(plan: Plan, times: Mapping[str, CreationTime] | None = None) -> CriticalPath:
    """The longest chain (by typical creation time) of resources that wait on each other."""
    times = times or load_creation_times()
    graph = dependency_graph(plan)
    by_urn = {r.urn: r for r in plan.resources}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(urn: str) -> float:
        if state.get(urn) == 2:
            return finish[urn]
        if state.get(urn) == 1:
            raise ValueError(f"dependency cycle through {urn}")
        state[urn] = 1
        start, best = 0.0, None
        for dep in sorted(graph[urn]):  # sorted: ties resolve the same way in every process (hash seeds differ)
            f = visit(dep)
            if f > start:
                start, best = f, dep
        finish[urn] = start + _duration(by_urn[urn], times)
        via[urn] = best
        state[urn] = 2
        return finish[urn]

    for urn in graph:
        visit(urn)
    if not finish:
        return CriticalPath(plan.stack, 0.0, (), 0, 0.0)
    end = max(finish, key=lambda u: finish[u])
    chain: list[str] = []
    cur: str | None = end
    while cur is not None:
        chain.append(cur)
        cur = via[cur]
    chain.reverse()
    steps = tuple(
        PathStep(
            urn=u,
            type=by_urn[u].type,
            name=by_urn[u].name,
            seconds=_duration(by_urn[u], times),
            start=finish[u] - _duration(by_urn[u], times),
            finish=finish[u],
        )
        for u in chain
    )
    serial = sum(_duration(by_urn[u], times) for u in graph)
    return CriticalPath(plan.stack, finish[end], steps, len(graph), serial)


def waits_for(plan: Plan, later: str, earlier: str) -> bool:
    """Whether resource ``later`` (transitively) waits for resource ``earlier`` (URNs of timed resources)."""
    graph = dependency_graph(plan)
    seen: set[str] = set()
    todo = [later]
    while todo:
        urn = todo.pop()
        for dep in graph.get(urn, ()):
            if dep == earlier:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", action="append", help="stack(s) to record (default: dev, staging, prod)")
    ns = parser.parse_args(list(argv) if argv is not None else None)
    for stack in ns.stack or ["dev", "staging", "prod"]:
        print(critical_path(record(stack=stack)).format())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
