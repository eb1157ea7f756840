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
- ``plan_deployment`` (pure) and ``run_plan`` (the waves through an injected executor), in
  ``scripts/ops/deploy_plan.py``: which stacks, in which waves, with which packs and pack configs, which need
  confirmation; preview, confirmation and apply phases; a summary with the project's exit codes. Tested without
  the CLI.
- ``scripts/ops/deploy_checks.py``: policy events, streamed output, the outputs file, and the preconditions (pack
  virtualenvs, EKS reachability), all without the CLI.
- ``automation_executor`` (here): the thin layer over ``pulumi.automation``; needs the Pulumi CLI and AWS credentials.

Exit codes (docs/operations.md): 0 success, 1 checks or policies failed, 2 bad input or configuration (including a
missing policy-pack virtualenv or confirmation), 3 an AWS or Pulumi CLI error. Errors go to stderr.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from scripts.ops.deploy_checks import (
    LinePrinter,
    eks_reachability,
    mandatory,
    outputs_path,
    policy_pack_problems,
    violations_from_events,
    write_outputs,
)
from scripts.ops.deploy_plan import (
    ACTIONS,
    EXIT_AWS,
    EXIT_INPUT,
    EXIT_OK,
    ROOT,
    Executor,
    Phase,
    PlanError,
    PolicyViolationError,
    StackTask,
    interactive_confirm,
    known_stacks,
    plan_deployment,
    run_plan,
    stdin_can_confirm,
)

INSTALL_CLI = (
    "the Pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/): "
    "curl -fsSL https://get.pulumi.com | sh -s -- --version 3.272.0 && export PATH=\"$HOME/.pulumi/bin:$PATH\" "
    "(the version the deploy workflow pins; brew install pulumi/tap/pulumi also works)"
)


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
