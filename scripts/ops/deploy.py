"""Preview, update, refresh or destroy several stacks with the Pulumi Automation API, with the policy packs applied.

    python -m scripts.ops.deploy preview                        # every stack, in parallel
    python -m scripts.ops.deploy up --stacks dev staging        # promotion order: dev, then staging
    python -m scripts.ops.deploy up --stacks prod --yes         # prod without the interactive confirmation
    python -m scripts.ops.deploy refresh --stacks staging       # adopt drift into the state, after a preview
    python -m scripts.ops.deploy destroy --stacks dev           # prod also needs --yes-destroy-prod
    python -m scripts.ops.deploy reach --stacks prod            # can this machine reach prod's EKS API endpoint?
    python -m scripts.ops.deploy preview --plan-only            # print the plan; no Pulumi CLI needed

Every mutating action (up, refresh, destroy) first previews (``up``: with the policy packs, so a mandatory
violation stops the stack before anything changes and is reported as rule / resource / message), then asks for
confirmation where needed (prod, and every destroy; ``--yes`` skips it; a closed or non-interactive stdin without
``--yes`` is refused), then applies. After ``up`` and ``refresh`` the stack's outputs are written to
``out/outputs/<stack>.json`` (the file ``smoke`` and the runbooks read; ``destroy`` removes it).

Layers:
- ``plan_deployment`` (pure): which stacks, in which waves, with which policy packs and per-stack pack config
  (``stacks/policy-config.<stack>.json``), which need confirmation; every stack file is validated first.
- ``run_plan``: runs the waves with a bounded thread pool through an injected executor (preview phase, confirmation,
  apply phase), stops later waves when a wave fails, and returns a summary whose exit code follows the project's
  codes. Both are tested without the CLI.
- ``automation_executor``: the thin layer over ``pulumi.automation``; needs the Pulumi CLI and AWS credentials.

Exit codes (docs/operations.md): 0 success, 1 checks or policies failed, 2 bad input or configuration (including a
missing policy-pack virtualenv or confirmation), 3 an AWS or Pulumi CLI error. Errors go to stderr.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "hybrid-burst"
OUTPUTS_DIR = Path("out") / "outputs"
"""Where ``up``/``refresh`` write each stack's outputs, relative to the project: ``out/outputs/<stack>.json``."""
SECRET = "[secret]"  # noqa: S105 - the CLI's placeholder for a secret output, not a password
"""What a secret output is written as (the same placeholder ``pulumi stack output --json`` prints)."""

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_AWS = 0, 1, 2, 3

Action = Literal["preview", "up", "refresh", "destroy"]
ACTIONS: tuple[Action, ...] = ("preview", "up", "refresh", "destroy")
MUTATING: frozenset[str] = frozenset({"up", "refresh", "destroy"})
Phase = Literal["preview", "apply"]
# Promotion order: a change reaches staging only after dev succeeded, prod only after staging.
ENVIRONMENT_ORDER = ("dev", "staging", "prod")
INSTALL_CLI = (
    "the Pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/): "
    "curl -fsSL https://get.pulumi.com | sh -s -- --version 3.272.0 && export PATH=\"$HOME/.pulumi/bin:$PATH\" "
    "(the version the deploy workflow pins; brew install pulumi/tap/pulumi also works)"
)


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
                packs = ", ".join(f"{p.name} ({c.name})" for p, c in zip(task.policy_packs, task.policy_pack_configs,
                                                                          strict=True))
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
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))


def stack_environment(stack: str, root: Path = ROOT) -> str:
    """The stack's environment preset, after validating its whole stack file with the program's config model
    (a stack that would fail its first line of ``pulumi up`` is refused before anything runs)."""
    from components.config import ConfigError
    from components.config.stack import load_stack_config

    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    rel = path.relative_to(root)
    if not path.exists():
        raise PlanError(f"unknown stack {stack!r}: no {rel}; known stacks: {', '.join(known_stacks(root))}")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise PlanError(f"{rel}: not a readable YAML stack file ({err}); fix the file") from None
    config = doc.get("config") if isinstance(doc, dict) else None
    if not isinstance(config, dict):
        raise PlanError(f"{rel}: expected a mapping with the stack's keys under 'config:'")
    try:
        cfg = load_stack_config(config, stack=stack)
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
        waves = tuple(
            wave for env in ENVIRONMENT_ORDER if (wave := tuple(t for t in tasks if t.environment == env))
        )
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
                results[task.stack] = TaskResult(task.stack, "skipped", previewed[task.stack][1],
                                                 previewed[task.stack][0],
                                                 error="previewed; not applied because another stack failed")
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


# --- policy events, streamed output, outputs file (pure helpers of the execution layer) ------------------------
def violations_from_events(events: Iterable[Any]) -> list[PolicyViolation]:
    """Policy violations in ``pulumi.automation.events.EngineEvent``s (their ``policy_event``), in event order."""
    found: list[PolicyViolation] = []
    for event in events:
        policy = getattr(event, "policy_event", None)
        if policy is None:
            continue
        found.append(
            PolicyViolation(
                rule=policy.policy_name,
                pack=policy.policy_pack_name,
                level=policy.enforcement_level,
                resource=policy.resource_urn or "",
                message=" ".join(str(policy.message).split()),
            )
        )
    return found


def mandatory(violations: Iterable[PolicyViolation]) -> list[PolicyViolation]:
    return [v for v in violations if v.level == "mandatory"]


class LinePrinter:
    """Streamed CLI output of parallel stacks, one line at a time, each prefixed with its stack name."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def for_stack(self, stack: str) -> Callable[[str], None]:
        def write(line: str) -> None:
            with self.lock:
                for part in str(line).splitlines() or [""]:
                    print(f"[{stack}] {part}", file=self.stream, flush=True)

        return write


def outputs_path(stack: str, root: Path = ROOT) -> Path:
    return root / OUTPUTS_DIR / f"{stack}.json"


def write_outputs(stack: str, outputs: Mapping[str, Any], root: Path = ROOT) -> Path:
    """Write a stack's outputs as ``pulumi stack output --json`` prints them (a JSON object, output name ->
    value; secret outputs as ``"[secret]"``). ``outputs`` values may be ``OutputValue``s (``.value``, ``.secret``)."""
    plain: dict[str, Any] = {}
    for key, value in outputs.items():
        if hasattr(value, "secret") and hasattr(value, "value"):
            plain[key] = SECRET if value.secret else value.value
        else:
            plain[key] = value
    path = outputs_path(stack, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(plain, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


# --- preconditions -----------------------------------------------------------------------------------------------
def policy_pack_problems(packs: Iterable[Path], root: Path = ROOT) -> list[str]:
    """For each pack whose ``PulumiPolicy.yaml`` declares a virtualenv: it must exist and import pulumi_policy
    (the CLI runs ``<virtualenv>/bin/python`` and never creates it)."""
    problems: list[str] = []
    for pack in packs:
        rel = pack.relative_to(root) if pack.is_relative_to(root) else pack
        try:
            doc = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            problems.append(f"policy pack {rel}: cannot read PulumiPolicy.yaml ({err})")
            continue
        runtime = doc.get("runtime") if isinstance(doc, dict) else None
        options = runtime.get("options") if isinstance(runtime, dict) else None
        venv = options.get("virtualenv") if isinstance(options, dict) else None
        if not venv:
            continue
        python = (pack / str(venv) / "bin" / "python")
        fix = (
            f"create it: make pack-venv PACK={rel} (or python3 -m venv {rel}/{venv} && "
            f"{rel}/{venv}/bin/pip install -r {rel}/requirements.txt)"
        )
        if not python.exists():
            problems.append(
                f"policy pack {rel}: PulumiPolicy.yaml declares 'virtualenv: {venv}' but {rel}/{venv}/bin/python "
                f"does not exist (the Pulumi CLI runs it and does not create it); {fix}"
            )
            continue
        done = subprocess.run(
            [str(python), "-c", "import pulumi_policy"], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            problems.append(
                f"policy pack {rel}: {rel}/{venv}/bin/python cannot import pulumi_policy "
                f"({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'exit ' + str(done.returncode)}); "
                f"{fix}"
            )
    return problems


def tcp_reachable(host: str, port: int = 443, timeout: float = 10.0) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds, DNS lookup included (the
    lookup runs in a daemon thread, because ``getaddrinfo`` itself takes no timeout)."""
    outcome: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append(True)
        except OSError:
            outcome.append(False)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(outcome and outcome[0])


@functools.cache
def eks_cluster_name(stack: str) -> str:
    """The EKS cluster name the program gives this stack, from an offline recording of the program (the name is
    derived from config and the stack name, so the mock run yields the real one; no cloud, ~5 s)."""
    from scripts.offline.recorder import record

    return str(record(stack=stack).outputs.get("eks_cluster_name", ""))


def eks_reachability(
    stack: str,
    *,
    root: Path = ROOT,
    clients: Callable[[str, str], Any],
    probe: Callable[[str, int, float], bool] = tcp_reachable,
    timeout: float = 10.0,
) -> tuple[int, str]:
    """Can this machine reach the stack's EKS API endpoint? (exit code, message). ``pulumi up`` of a stack with
    EMR on EKS talks to the Kubernetes API; with a private endpoint, from outside the VPC it would hang."""
    from botocore.exceptions import BotoCoreError, ClientError

    from components.config.stack import load_stack_config
    from scripts.offline.recorder import read_stack_config

    cfg = load_stack_config(read_stack_config(stack, root / "stacks"), stack=stack)
    if not cfg.eks.enabled:
        return EXIT_OK, f"{stack}: EMR on EKS is off; no Kubernetes API to reach"
    name = eks_cluster_name(stack)
    region = cfg.regions.compute
    fix = (
        "run the deploy on the self-hosted runner in the compute VPC (docs/operations.md, 'Private EKS and the deploy "
        "runner'), or open the endpoint to the runner's network: hybrid-burst:eks.endpointPublicAccess: true and "
        "hybrid-burst:eks.publicAccessCidrs: [<runner egress CIDR>]"
    )
    try:
        cluster = clients("eks", region).describe_cluster(name=name)["cluster"]
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            where = ("a public endpoint open to " + ", ".join(cfg.eks.public_access_cidrs)
                     if cfg.eks.endpoint_public_access else "a private endpoint only")
            return EXIT_OK, (
                f"{stack}: EKS cluster {name} does not exist yet in {region} (first deploy); it will have {where}: "
                f"this runner must be able to reach it once created, or the update stops at the job timeout; {fix}"
            )
        return EXIT_AWS, f"{stack}: eks:DescribeCluster {name} in {region} failed: {code or err}"
    except BotoCoreError as err:
        return EXIT_AWS, f"{stack}: eks:DescribeCluster {name} in {region} failed: {err}"
    host = urlparse(str(cluster.get("endpoint", ""))).hostname or ""
    if host and probe(host, 443, timeout):
        return EXIT_OK, f"{stack}: EKS API endpoint {host}:443 reachable from this machine"
    return EXIT_AWS, f"{stack}: EKS API endpoint {host or '(none)'}:443 not reachable within {timeout:g}s; {fix}"


# --- the thin execution layer (needs the Pulumi CLI) ----------------------------------------------------------
def automation_executor(
    *,
    work_dir: Path = ROOT,
    backend_url: str | None = None,
    env: Mapping[str, str] | None = None,
    printer: LinePrinter | None = None,
    outputs_root: Path | None = None,
) -> Executor:
    """An executor that runs each phase of a task through ``pulumi.automation`` in ``work_dir``.

    ``Stack.up`` of the Automation API always passes ``--yes --skip-preview`` to the CLI
    (``pulumi/automation/_stack.py``, ``args = ["up", "--yes", "--skip-preview"]``), so the preview with the packs
    is the separate preview phase that ``run_plan`` runs first; the update applies the packs again.
    """
    from pulumi import automation as auto

    env_vars = {"PULUMI_BACKEND_URL": backend_url or f"file://{work_dir / '.pulumi-state'}", **(env or {})}
    printer = printer or LinePrinter(sys.stdout)
    out_root = outputs_root or work_dir

    def execute(task: StackTask, phase: Phase) -> Mapping[str, int]:
        if env_vars["PULUMI_BACKEND_URL"].startswith("file://"):
            Path(env_vars["PULUMI_BACKEND_URL"].removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        opts = auto.LocalWorkspaceOptions(env_vars=env_vars)
        if task.action in ("preview", "up"):
            stack = auto.create_or_select_stack(stack_name=task.stack, work_dir=str(work_dir), opts=opts)
        else:
            stack = auto.select_stack(stack_name=task.stack, work_dir=str(work_dir), opts=opts)
        events: list[Any] = []
        say = printer.for_stack(task.stack)
        packs = [str(p) for p in task.policy_packs]
        configs = [str(c) for c in task.policy_pack_configs]
        try:
            if phase == "preview" and task.action in ("preview", "up"):
                previewed = stack.preview(policy_packs=packs, policy_pack_configs=configs, color="never",
                                          on_output=say, on_error=say, on_event=events.append)
                changes = _changes(previewed.change_summary)
            elif phase == "preview" and task.action == "refresh":
                previewed = stack.preview_refresh(color="never", on_output=say, on_error=say, on_event=events.append)
                changes = _changes(previewed.change_summary)
            elif phase == "preview":
                stack.destroy(preview_only=True, color="never", on_output=say, on_error=say, on_event=events.append)
                changes = _summary_changes(events)
            elif task.action == "up":
                result = stack.up(policy_packs=packs, policy_pack_configs=configs, color="never",
                                  on_output=say, on_error=say, on_event=events.append)
                write_outputs(task.stack, result.outputs, out_root)
                changes = _changes(result.summary.resource_changes or {})
            elif task.action == "refresh":
                refreshed = stack.refresh(color="never", on_output=say, on_error=say, on_event=events.append)
                write_outputs(task.stack, stack.outputs(), out_root)
                changes = _changes(refreshed.summary.resource_changes or {})
            else:
                destroyed = stack.destroy(color="never", on_output=say, on_error=say, on_event=events.append)
                outputs_path(task.stack, out_root).unlink(missing_ok=True)
                changes = _changes(destroyed.summary.resource_changes or {})
        except auto.errors.CommandError as err:
            blocking = mandatory(violations_from_events(events))
            if blocking:
                raise PolicyViolationError(blocking) from err
            raise
        blocking = mandatory(violations_from_events(events))
        if blocking:
            raise PolicyViolationError(blocking)
        return changes

    return execute


def _changes(summary: Mapping[Any, int]) -> dict[str, int]:
    """``{OpType.CREATE: 1}`` -> ``{"create": 1}`` (OpType is a str enum; ``str()`` of it is ``OpType.CREATE``)."""
    return {str(getattr(op, "value", op)): int(n) for op, n in summary.items()}


def _summary_changes(events: Iterable[Any]) -> dict[str, int]:
    for event in events:
        summary = getattr(event, "summary_event", None)
        if summary is not None:
            return _changes(summary.resource_changes or {})
    return {}


# --- command line ----------------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=[*ACTIONS, "reach"])
    parser.add_argument("--stacks", nargs="+", help="stacks to run (default: every stacks/Pulumi.<stack>.yaml)")
    parser.add_argument("--parallel", type=int, default=2, help="stacks at once within a wave (default 2)")
    parser.add_argument("--continue-on-error", action="store_true",
                        help="finish the running wave after a failure (later waves are always skipped)")
    parser.add_argument("--backend-url", default=os.environ.get("PULUMI_BACKEND_URL"),
                        help="state backend (default: file://<project>/.pulumi-state)")
    parser.add_argument("--yes", action="store_true",
                        help="no interactive confirmation (prod up/refresh/destroy, every destroy)")
    parser.add_argument("--yes-destroy-prod", action="store_true", help="allow destroy of prod-environment stacks")
    parser.add_argument("--plan-only", action="store_true", help="print the plan and exit (no Pulumi CLI needed)")
    parser.add_argument("--timeout", type=float, default=10.0, help="reach: seconds for the TCP check (default 10)")
    return parser


def main(
    argv: list[str] | None = None,
    *,
    executor: Executor | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``executor``/``stdin``/streams are injectable for tests; by default the Automation API and the process's."""
    args = _parser().parse_args(argv)
    stdin = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr

    if args.action == "reach":
        from scripts.ops.aws import client_factory

        clients = client_factory()
        worst = EXIT_OK
        for stack in args.stacks or known_stacks():
            try:
                code, message = eks_reachability(stack, clients=clients, timeout=args.timeout)
            except (FileNotFoundError, ValueError) as bad:
                code, message = EXIT_INPUT, f"{stack}: {bad}"
            print(message, file=out if code == EXIT_OK else err)
            worst = max(worst, code)
        return worst

    try:
        plan = plan_deployment(
            args.action, args.stacks, parallel=args.parallel, fail_fast=not args.continue_on_error,
            assume_yes=args.yes, yes_destroy_prod=args.yes_destroy_prod,
        )
    except PlanError as refused:
        print(f"error: {refused}", file=err)
        return EXIT_INPUT
    print(plan.describe(), file=out)
    if args.plan_only:
        return EXIT_OK
    if any(t.confirm for t in plan.tasks) and not stdin_can_confirm(stdin):
        asked = " ".join(t.stack for t in plan.tasks if t.confirm)
        print(
            f"error: {args.action} of {asked} needs a confirmation and stdin is closed or not a terminal; run it in a "
            "terminal, or pass --yes where the confirmation happens elsewhere (the deploy workflow's GitHub "
            "environment reviewers)",
            file=err,
        )
        return EXIT_INPUT
    if executor is None:
        problems = policy_pack_problems(sorted({p for t in plan.tasks for p in t.policy_packs}))
        no_cli = shutil.which("pulumi") is None
        for problem in [*problems, *([INSTALL_CLI] if no_cli else [])]:
            print(f"error: {problem}", file=err)
        if problems:
            return EXIT_INPUT
        if no_cli:
            return EXIT_AWS
        executor = automation_executor(backend_url=args.backend_url, printer=LinePrinter(out))
    summary = run_plan(plan, executor, confirm=interactive_confirm(stdin, err))
    print(summary.describe(), file=out if summary.ok else err)
    return summary.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
