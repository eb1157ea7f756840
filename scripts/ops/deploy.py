"""Preview or deploy several stacks with the Pulumi Automation API, with the policy packs applied.

    python -m scripts.ops.deploy preview                       # every stack, in parallel
    python -m scripts.ops.deploy up --stacks dev staging       # promotion order: dev, then staging
    python -m scripts.ops.deploy preview --plan-only           # print the plan; no Pulumi CLI needed

Two layers:
- ``plan_deployment`` (pure): which stacks, in which waves, with which policy packs and per-stack pack config
  (``stacks/policy-config.<stack>.json``); ``run_plan`` runs the waves with a bounded thread pool through an
  injected executor, stops later waves when a wave fails (and with ``fail_fast`` cancels the rest of the wave),
  and returns a summary. Both are tested without the CLI.
- ``automation_executor``: the thin layer that calls ``pulumi.automation`` (``create_or_select_stack`` on the
  project directory, then ``Stack.preview``/``Stack.up`` with ``policy_packs`` and ``policy_pack_configs``). It
  needs the Pulumi CLI and, for this program, AWS credentials.

The backend is a local file backend by default (``PULUMI_BACKEND_URL=file://<project>/.pulumi-state``); the
stacks' secrets provider is the passphrase one, so ``PULUMI_CONFIG_PASSPHRASE`` must be set.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "hybrid-burst"
Action = Literal["preview", "up"]
# Promotion order: a change reaches staging only after dev deployed, prod only after staging.
ENVIRONMENT_ORDER = ("dev", "staging", "prod")


class PlanError(ValueError):
    """The requested deployment cannot be planned (unknown stack, missing policy config...)."""


@dataclass(frozen=True)
class StackTask:
    stack: str
    environment: str
    action: Action
    policy_packs: tuple[Path, ...]
    policy_pack_configs: tuple[Path, ...]
    """One config file per pack, in the same order (the CLI pairs ``--policy-pack-config`` with ``--policy-pack``)."""


@dataclass(frozen=True)
class DeploymentPlan:
    action: Action
    waves: tuple[tuple[StackTask, ...], ...]
    parallel: int
    fail_fast: bool

    def describe(self) -> str:
        mode = "fail fast" if self.fail_fast else "continue on error"
        count = sum(len(w) for w in self.waves)
        lines = [f"{self.action}: {count} stack(s), parallel {self.parallel}, {mode}"]
        for i, wave in enumerate(self.waves, 1):
            for task in wave:
                packs = ", ".join(f"{p.name} ({c.name})" for p, c in zip(task.policy_packs, task.policy_pack_configs,
                                                                          strict=True))
                lines.append(f"  wave {i}: {task.stack} [{task.environment}] packs: {packs or 'none'}")
        return "\n".join(lines)


@dataclass
class TaskResult:
    stack: str
    status: Literal["succeeded", "failed", "skipped"]
    seconds: float = 0.0
    changes: Mapping[str, int] = field(default_factory=dict)
    error: str = ""


@dataclass
class Summary:
    results: list[TaskResult]

    @property
    def ok(self) -> bool:
        return all(r.status == "succeeded" for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def describe(self) -> str:
        lines = []
        for r in self.results:
            changes = ", ".join(f"{k} {v}" for k, v in sorted(r.changes.items()))
            extra = f" - {r.error}" if r.error else (f" ({changes})" if changes else "")
            lines.append(f"{r.status.upper():9} {r.stack} {r.seconds:.1f}s{extra}")
        counts = {s: sum(r.status == s for r in self.results) for s in ("succeeded", "failed", "skipped")}
        lines.append(", ".join(f"{v} {k}" for k, v in counts.items()))
        return "\n".join(lines)


def discover_policy_packs(root: Path = ROOT) -> list[Path]:
    """Policy pack directories (each has a ``PulumiPolicy.yaml``) under ``policies/``, sorted by name."""
    return sorted(p.parent for p in (root / "policies").glob("*/PulumiPolicy.yaml"))


def stack_environment(stack: str, root: Path = ROOT) -> str:
    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    if not path.exists():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))
        raise PlanError(f"unknown stack {stack!r}: no {path.relative_to(root)}; known stacks: {', '.join(known)}")
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    env = config.get(f"{PROJECT}:environment")
    if env not in ENVIRONMENT_ORDER:
        raise PlanError(f"{path.relative_to(root)}: {PROJECT}:environment must be one of {ENVIRONMENT_ORDER}")
    return str(env)


def plan_deployment(
    action: Action,
    stacks: Sequence[str] | None = None,
    *,
    root: Path = ROOT,
    parallel: int = 2,
    fail_fast: bool = True,
    policy_packs: Sequence[Path] | None = None,
) -> DeploymentPlan:
    """Plan a preview or an update of ``stacks`` (default: every stack file).

    - ``preview``: one wave, every stack at once (bounded by ``parallel``): previews change nothing.
    - ``up``: one wave per environment in promotion order (dev, staging, prod); a wave starts only when the
      previous one succeeded.
    - Every stack needs ``stacks/policy-config.<stack>.json``: the same config file is passed for every pack.
    """
    if parallel < 1:
        raise PlanError("parallel must be at least 1")
    names = list(stacks) if stacks else sorted(
        p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml")
    )
    if not names:
        raise PlanError("no stacks to deploy")
    if len(set(names)) != len(names):
        raise PlanError(f"a stack is listed twice: {names}")
    packs = tuple(discover_policy_packs(root) if policy_packs is None else policy_packs)
    tasks: list[StackTask] = []
    for name in names:
        env = stack_environment(name, root)
        config = root / "stacks" / f"policy-config.{name}.json"
        if packs and not config.exists():
            raise PlanError(
                f"stack {name!r} has no policy pack config {config.relative_to(root)}; every stack is deployed "
                "with the packs and its own enforcement levels - add the file"
            )
        tasks.append(StackTask(name, env, action, packs, tuple(config for _ in packs)))
    if action == "preview":
        waves: tuple[tuple[StackTask, ...], ...] = (tuple(tasks),)
    else:
        waves = tuple(
            wave
            for env in ENVIRONMENT_ORDER
            if (wave := tuple(t for t in tasks if t.environment == env))
        )
    return DeploymentPlan(action=action, waves=waves, parallel=parallel, fail_fast=fail_fast)


Executor = Callable[[StackTask], Mapping[str, int]]
"""Runs one task; returns the change summary (``{"create": 3, "same": 10}``); raises on failure."""


def run_plan(plan: DeploymentPlan, execute: Executor, *, clock: Callable[[], float] = time.monotonic) -> Summary:
    """Run the waves in order, each with at most ``plan.parallel`` tasks at once."""
    results: dict[str, TaskResult] = {}
    order = [t.stack for wave in plan.waves for t in wave]
    stop = False
    for wave in plan.waves:
        if stop:
            for task in wave:
                results[task.stack] = TaskResult(task.stack, "skipped", error="an earlier wave failed")
            continue
        pending = list(wave)
        running: dict[Future[Mapping[str, int]], tuple[StackTask, float]] = {}
        with ThreadPoolExecutor(max_workers=plan.parallel) as pool:
            while pending or running:
                while pending and len(running) < plan.parallel and not (stop and plan.fail_fast):
                    task = pending.pop(0)
                    running[pool.submit(execute, task)] = (task, clock())
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task, started = running.pop(future)
                    try:
                        changes = future.result()
                        results[task.stack] = TaskResult(task.stack, "succeeded", clock() - started, dict(changes))
                    except Exception as err:  # noqa: BLE001 - a failed stack is reported, not raised
                        results[task.stack] = TaskResult(
                            task.stack, "failed", clock() - started, error=f"{type(err).__name__}: {err}"
                        )
                        stop = True
        for task in pending:
            results[task.stack] = TaskResult(task.stack, "skipped", error="cancelled after a failure (fail fast)")
    return Summary([results[s] for s in order])


# --- the thin execution layer (needs the Pulumi CLI) ----------------------------------------------------------
def automation_executor(
    *,
    work_dir: Path = ROOT,
    backend_url: str | None = None,
    env: Mapping[str, str] | None = None,
    on_output: Callable[[str], Any] | None = None,
) -> Executor:
    """An executor that previews/updates the stack in ``work_dir`` through ``pulumi.automation``."""
    from pulumi import automation as auto

    env_vars = {"PULUMI_BACKEND_URL": backend_url or f"file://{work_dir / '.pulumi-state'}", **(env or {})}

    def execute(task: StackTask) -> Mapping[str, int]:
        if env_vars["PULUMI_BACKEND_URL"].startswith("file://"):
            Path(env_vars["PULUMI_BACKEND_URL"].removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        stack = auto.create_or_select_stack(
            stack_name=task.stack,
            work_dir=str(work_dir),
            opts=auto.LocalWorkspaceOptions(env_vars=env_vars),
        )
        packs = [str(p) for p in task.policy_packs]
        configs = [str(c) for c in task.policy_pack_configs]
        if task.action == "preview":
            preview = stack.preview(policy_packs=packs, policy_pack_configs=configs, on_output=on_output)
            return _changes(preview.change_summary)
        up = stack.up(policy_packs=packs, policy_pack_configs=configs, on_output=on_output)
        return _changes(up.summary.resource_changes or {})

    return execute


def _changes(summary: Mapping[Any, int]) -> dict[str, int]:
    """``{OpType.CREATE: 1}`` -> ``{"create": 1}`` (OpType is a str enum; ``str()`` of it is ``OpType.CREATE``)."""
    return {str(getattr(op, "value", op)): int(n) for op, n in summary.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["preview", "up"])
    parser.add_argument("--stacks", nargs="+", help="stacks to run (default: every stacks/Pulumi.<stack>.yaml)")
    parser.add_argument("--parallel", type=int, default=2, help="stacks at once within a wave (default 2)")
    parser.add_argument("--continue-on-error", action="store_true",
                        help="finish the running wave after a failure (later waves are always skipped)")
    parser.add_argument("--backend-url", default=os.environ.get("PULUMI_BACKEND_URL"),
                        help="state backend (default: file://<project>/.pulumi-state)")
    parser.add_argument("--plan-only", action="store_true", help="print the plan and exit (no Pulumi CLI needed)")
    args = parser.parse_args(argv)
    try:
        plan = plan_deployment(args.action, args.stacks, parallel=args.parallel, fail_fast=not args.continue_on_error)
    except PlanError as err:
        print(f"error: {err}")
        return 2
    print(plan.describe())
    if args.plan_only:
        return 0
    summary = run_plan(plan, automation_executor(backend_url=args.backend_url, on_output=print))
    print(summary.describe())
    return summary.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
