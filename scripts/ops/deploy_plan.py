"""Which stacks ``deploy`` runs, in which waves, with which policy packs, and how the waves run (pure, no CLI).

- ``plan_deployment``: which stacks, in which waves, with which policy packs and per-stack pack config
  (``stacks/policy-config.<stack>.json``), which need confirmation; every stack file is validated first.
- ``run_plan``: runs the waves with a bounded thread pool through an injected executor (preview phase, confirmation,
  apply phase), stops later waves when a wave fails, and returns a summary whose exit code follows the project's
  codes.

The command line and the Automation API layer are in ``scripts/ops/deploy.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from scripts.offline import layout

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "hybrid-burst"

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_AWS = 0, 1, 2, 3

Action = Literal["preview", "up", "refresh", "destroy"]
ACTIONS: tuple[Action, ...] = ("preview", "up", "refresh", "destroy")
MUTATING: frozenset[str] = frozenset({"up", "refresh", "destroy"})
Phase = Literal["preview", "apply"]
# Promotion order: a change reaches staging only after dev succeeded, prod only after staging.
ENVIRONMENT_ORDER = ("dev", "staging", "prod")


class PlanError(ValueError):
    """The requested deployment cannot be planned (unknown stack, bad stack file, missing policy config...)."""


@dataclass(frozen=True)
class StackTask:
    stack: str
    environment: str
    action: Action
    policy_packs: tuple[Path, ...]
    policy_pack_configs: tuple[Path, ...]
    """One config file per pack, in the same order (the CLI pairs ``--policy-pack-config`` with ``--policy-pack``)."""
    confirm: bool = False
    """Ask before the apply phase (prod stacks, every destroy) unless ``--yes``."""


@dataclass(frozen=True)
class DeploymentPlan:
    action: Action
    waves: tuple[tuple[StackTask, ...], ...]
    parallel: int
    fail_fast: bool

    @property
    def tasks(self) -> list[StackTask]:
        return [t for wave in self.waves for t in wave]

    def describe(self) -> str:
        mode = "fail fast" if self.fail_fast else "continue on error"
        lines = [f"{self.action}: {len(self.tasks)} stack(s), parallel {self.parallel}, {mode}"]
        for i, wave in enumerate(self.waves, 1):
            for task in wave:
                packs = ", ".join(
                    f"{p.name} ({c.name})" for p, c in zip(task.policy_packs, task.policy_pack_configs, strict=True)
                )
                ask = ", asks for confirmation" if task.confirm else ""
                lines.append(f"  wave {i}: {task.stack} [{task.environment}] packs: {packs or 'none'}{ask}")
        return "\n".join(lines)


@dataclass(frozen=True)
class PolicyViolation:
    """One policy-pack finding, as the engine reports it (``PolicyEvent``)."""

    rule: str
    pack: str
    level: str
    resource: str
    message: str

    def describe(self) -> str:
        return f"{self.level} {self.pack}/{self.rule} on {self.resource or '(the stack)'}: {self.message}"


class PolicyViolationError(Exception):
    """A preview or update stopped on mandatory policy violations (a check failure, exit 1)."""

    def __init__(self, violations: Sequence[PolicyViolation]) -> None:
        self.violations = tuple(violations)
        super().__init__(f"{len(self.violations)} mandatory policy violation(s)")


@dataclass
class TaskResult:
    stack: str
    status: Literal["succeeded", "failed", "skipped", "declined"]
    seconds: float = 0.0
    changes: Mapping[str, int] = field(default_factory=dict)
    error: str = ""
    violations: tuple[PolicyViolation, ...] = ()

    @property
    def exit_code(self) -> int:
        if self.status == "failed":
            return EXIT_FAILED if self.violations else EXIT_AWS
        if self.status == "declined":
            return EXIT_INPUT
        return EXIT_OK


@dataclass
class Summary:
    results: list[TaskResult]

    @property
    def ok(self) -> bool:
        return all(r.status == "succeeded" for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every stack succeeded; otherwise the highest code of the stacks (1 policies, 2 not confirmed,
        3 AWS/CLI error); stacks skipped after an earlier failure add nothing of their own."""
        if self.ok:
            return EXIT_OK
        return max([r.exit_code for r in self.results] + [EXIT_FAILED])

    def describe(self) -> str:
        lines = []
        for r in self.results:
            changes = ", ".join(f"{k} {v}" for k, v in sorted(r.changes.items()))
            extra = f" - {r.error}" if r.error else (f" ({changes})" if changes else "")
            lines.append(f"{r.status.upper():9} {r.stack} {r.seconds:.1f}s{extra}")
            lines.extend(f"          policy violation: {v.describe()}" for v in r.violations)
        counts = {s: sum(r.status == s for r in self.results) for s in ("succeeded", "failed", "skipped", "declined")}
        lines.append(", ".join(f"{v} {k}" for k, v in counts.items() if v or k != "declined"))
        return "\n".join(lines)


# --- planning (pure) -------------------------------------------------------------------------------------------
def discover_policy_packs(root: Path = ROOT) -> list[Path]:
    """Policy pack directories (each has a ``PulumiPolicy.yaml``) under ``policies/``, sorted by name."""
    return sorted(p.parent for p in (root / "policies").glob("*/PulumiPolicy.yaml"))


def known_stacks(root: Path = ROOT) -> list[str]:
    """The deployable stacks: every stack file but the examples (``example-*``, planned offline only)."""
    return layout.deployed_stacks(root / "stacks")


def stack_environment(stack: str, root: Path = ROOT) -> str:
    """The stack's environment preset, after validating its whole stack file with the program's config model
    (a stack that would fail its first line of ``pulumi up`` is refused before anything runs)."""
    from components.config import ConfigError, load_stack_file

    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    rel = path.relative_to(root)
    if layout.is_example(stack):
        raise PlanError(
            f"stack {stack!r} is an example ({rel}): it is planned offline (scripts/plan.py --stack {stack}) but "
            f"never deployed; copy it to a stack of your own (stacks/Pulumi.<name>.yaml) and deploy that"
        )
    if not path.exists():
        raise PlanError(f"unknown stack {stack!r}: no {rel}; known stacks: {', '.join(known_stacks(root))}")
    try:
        cfg = load_stack_file(path, stack=stack)  # the program's strict reader: YAML and key errors with lines
    except (ConfigError, ValueError) as err:
        raise PlanError(f"{rel}: {err}") from None
    return str(cfg.environment)


def plan_deployment(
    action: Action,
    stacks: Sequence[str] | None = None,
    *,
    root: Path = ROOT,
    parallel: int = 2,
    fail_fast: bool = True,
    policy_packs: Sequence[Path] | None = None,
    assume_yes: bool = False,
    yes_destroy_prod: bool = False,
) -> DeploymentPlan:
    """Plan ``action`` over ``stacks`` (default: every stack file).

    - ``preview`` and ``refresh``: one wave, every stack at once (bounded by ``parallel``).
    - ``up`` and ``destroy``: one wave per environment in promotion order (dev, staging, prod); a wave starts only
      when the previous one succeeded.
    - Every stack needs ``stacks/policy-config.<stack>.json``: the same config file is passed for every pack.
    - ``destroy`` of a prod-environment stack needs ``yes_destroy_prod``; prod stacks (up, refresh, destroy) and
      every destroy ask for confirmation unless ``assume_yes``.
    """
    if action not in ACTIONS:
        raise PlanError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if parallel < 1:
        raise PlanError("--parallel must be at least 1")
    names = list(stacks) if stacks else known_stacks(root)
    if not names:
        raise PlanError("no stacks to deploy (no stacks/Pulumi.<stack>.yaml)")
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
        if action == "destroy" and env == "prod" and not yes_destroy_prod:
            raise PlanError(
                f"stack {name!r} is a prod stack: destroying it needs --yes-destroy-prod (and protected resources "
                "still refuse deletion until their protect option is lifted)"
            )
        confirm = action in MUTATING and (env == "prod" or action == "destroy") and not assume_yes
        tasks.append(StackTask(name, env, action, packs, tuple(config for _ in packs), confirm))
    if action in ("preview", "refresh"):
        waves: tuple[tuple[StackTask, ...], ...] = (tuple(tasks),)
    else:
        waves = tuple(wave for env in ENVIRONMENT_ORDER if (wave := tuple(t for t in tasks if t.environment == env)))
    return DeploymentPlan(action=action, waves=waves, parallel=parallel, fail_fast=fail_fast)


# --- orchestration (tested without the CLI) --------------------------------------------------------------------
Executor = Callable[[StackTask, Phase], Mapping[str, int]]
"""Runs one phase of one task; returns the change summary (``{"create": 3, "same": 10}``); raises on failure
(``PolicyViolationError`` for mandatory policy violations, anything else is an AWS/CLI error)."""
Confirm = Callable[[Sequence[StackTask], Mapping[str, Mapping[str, int]]], bool]
"""Asked once per wave with the tasks that need confirmation and their preview changes; True to go ahead."""


def _failure(task: StackTask, seconds: float, err: Exception) -> TaskResult:
    if isinstance(err, PolicyViolationError):
        return TaskResult(task.stack, "failed", seconds, error=str(err), violations=err.violations)
    return TaskResult(task.stack, "failed", seconds, error=f"{type(err).__name__}: {err}")


def _run_parallel(
    tasks: Sequence[StackTask],
    run: Callable[[StackTask], Mapping[str, int]],
    *,
    parallel: int,
    fail_fast: bool,
    clock: Callable[[], float],
) -> tuple[dict[str, tuple[Mapping[str, int], float]], dict[str, TaskResult], list[StackTask]]:
    """Run ``tasks`` at most ``parallel`` at once: (succeeded: changes and seconds, failed, never started)."""
    done: dict[str, tuple[Mapping[str, int], float]] = {}
    failed: dict[str, TaskResult] = {}
    pending = list(tasks)
    running: dict[Future[Mapping[str, int]], tuple[StackTask, float]] = {}
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        while pending or running:
            while pending and len(running) < parallel and not (failed and fail_fast):
                task = pending.pop(0)
                running[pool.submit(run, task)] = (task, clock())
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                task, started = running.pop(future)
                try:
                    done[task.stack] = (dict(future.result()), clock() - started)
                except Exception as err:  # noqa: BLE001 - a failed stack is reported, not raised
                    failed[task.stack] = _failure(task, clock() - started, err)
    return done, failed, pending


def run_plan(
    plan: DeploymentPlan,
    execute: Executor,
    *,
    confirm: Confirm | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Summary:
    """Run the waves in order. ``preview``: one preview per stack. Mutating actions, per wave: preview every stack
    (``up``: with the packs); any failure ends the run there (with ``fail_fast`` nothing of the wave is applied;
    without it the stacks whose preview passed are applied); then one confirmation for the stacks that need it
    (no ``confirm`` means no); then the apply phase."""
    results: dict[str, TaskResult] = {}
    stop = False
    for wave in plan.waves:
        if stop:
            for task in wave:
                results[task.stack] = TaskResult(task.stack, "skipped", error="an earlier wave did not succeed")
            continue
        previewed, failed, unstarted = _run_parallel(
            wave, lambda t: execute(t, "preview"), parallel=plan.parallel, fail_fast=plan.fail_fast, clock=clock
        )
        results.update(failed)
        for task in unstarted:
            results[task.stack] = TaskResult(task.stack, "skipped", error="cancelled after a failure (fail fast)")
        if plan.action not in MUTATING:
            for stack, (changes, seconds) in previewed.items():
                results[stack] = TaskResult(stack, "succeeded", seconds, changes)
            stop = bool(failed)
            continue

        ready = [t for t in wave if t.stack in previewed]
        if failed and plan.fail_fast:
            for task in ready:
                results[task.stack] = TaskResult(
                    task.stack,
                    "skipped",
                    previewed[task.stack][1],
                    previewed[task.stack][0],
                    error="previewed; not applied because another stack failed",
                )
            ready = []
        asked = [t for t in ready if t.confirm]
        if asked:
            ok = confirm is not None and confirm(asked, {t.stack: previewed[t.stack][0] for t in asked})
            if not ok:
                for task in asked:
                    results[task.stack] = TaskResult(task.stack, "declined", error="not confirmed; nothing applied")
                ready = [t for t in ready if not t.confirm]
        applied, apply_failed, apply_unstarted = _run_parallel(
            ready, lambda t: execute(t, "apply"), parallel=plan.parallel, fail_fast=plan.fail_fast, clock=clock
        )
        for stack, (changes, seconds) in applied.items():
            results[stack] = TaskResult(stack, "succeeded", seconds + previewed[stack][1], changes)
        results.update(apply_failed)
        for task in apply_unstarted:
            results[task.stack] = TaskResult(task.stack, "skipped", error="cancelled after a failure (fail fast)")
        stop = any(results[t.stack].status != "succeeded" for t in wave)
    return Summary([results[t.stack] for t in plan.tasks])


def interactive_confirm(stdin: TextIO, stderr: TextIO) -> Confirm:
    """Ask on the terminal: the operator types the stack names. EOF (a closed stdin) is a no."""

    def confirm(tasks: Sequence[StackTask], changes: Mapping[str, Mapping[str, int]]) -> bool:
        names = " ".join(t.stack for t in tasks)
        for task in tasks:
            summary = ", ".join(f"{k} {v}" for k, v in sorted(changes.get(task.stack, {}).items())) or "no changes"
            print(f"{task.action} {task.stack} [{task.environment}]: {summary}", file=stderr)
        print(f"Type the stack name(s) to {tasks[0].action} ({names}): ", end="", file=stderr, flush=True)
        try:
            answer = stdin.readline()
        except (OSError, ValueError):
            return False
        return answer.split() == names.split()

    return confirm


def stdin_can_confirm(stdin: TextIO | None) -> bool:
    """A confirmation needs an open, interactive stdin (a terminal); a closed or redirected one cannot answer."""
    if stdin is None or stdin.closed:
        return False
    try:
        return stdin.isatty()
    except (OSError, ValueError):
        return False
