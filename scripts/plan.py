"""The offline plan and policy check: the README's main command.

    python scripts/plan.py --stack dev            # one stack (default: dev)
    python scripts/plan.py --all                  # every stack in stacks/
    python scripts/plan.py --stack prod --report out/plan-prod.md --json out/plan-prod.json
    python scripts/plan.py --all --diff base-s18          # what changed against a git revision (or a --json file)

For each stack it validates the stack config, runs the program under Pulumi's mocks (recording every resource
registration: type, name, inputs, parent, provider, dependencies), prints a summary, writes a Markdown report
for a PR comment (Mermaid diagram, fleets and capacity pools, cost estimate, deploy critical path, lake grants,
policy results), and runs every policy pack under policies/ with the stack's pack config over the Analyzer
gRPC protocol, the way the Pulumi CLI does.

With ``--diff BASE`` it also records the plan at BASE (a git revision, or a record file written by ``--json``;
``{stack}`` is substituted) and prints what was added, removed and changed, flagging stateful or slow resources
that a changed input would replace (scripts/offline/plan_diff.py); the diff is a section of the report too.

Exit codes: 0 clean (advisory findings allowed; a non-empty diff is not a failure), 1 mandatory policy
violations, 2 bad configuration, usage or diff base, 3 a tool failed: a policy pack could not start (fix:
``make pack-venv``) or a planning worker died (``--jobs 1`` plans in this process).
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, closing, redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.config import ConfigError, StackConfig, load_stack_file  # noqa: E402
from scripts.offline import gc_policy, layout, plan_diff, recorder  # noqa: E402
from scripts.offline.analyzer import PackSession, PackStartError, PolicyInfo  # noqa: E402
from scripts.offline.analyzer.config import check_policy_config  # noqa: E402
from scripts.offline.report import (  # noqa: E402
    Section,
    console_summary,
    markdown_report,
    outputs_table,
    summarize,
)
from scripts.offline.sections import domain_sections, policy_sections  # noqa: E402

EXIT_OK, EXIT_VIOLATIONS, EXIT_CONFIG, EXIT_TOOL = 0, 1, 2, 3


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--stack", default="dev", help="stack to plan (stacks/Pulumi.<stack>.yaml); default dev")
    which.add_argument("--all", action="store_true", help="plan every stack in the stacks directory")
    parser.add_argument("--stacks-dir", type=Path, default=layout.STACKS_DIR, help="where the stack files are")
    parser.add_argument("--report", type=Path, help="write the Markdown report here ({stack} is substituted)")
    parser.add_argument("--json", type=Path, help="write the recorded resources as JSON ({stack} substituted)")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy packs")
    parser.add_argument("--quiet", action="store_true", help="print only the one-line result per stack")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="plan up to N stacks at once in worker processes forked after the imports (default: with --all, one "
        "per available CPU core, at most one per stack; 1 plans them one after the other in this process)",
    )
    parser.add_argument(
        "--diff",
        metavar="BASE",
        help="compare with the plan at BASE: a git revision, or a record file from --json ({stack} substituted)",
    )
    return parser.parse_args(argv)


def _stacks(args: argparse.Namespace) -> list[str]:
    """The stacks to plan; empty when ``--all`` finds no stack file (bad input: the caller exits 2)."""
    if args.all:
        return layout.stacks(args.stacks_dir)
    return [args.stack]


def _out_path(template: Path | None, stack: str) -> Path | None:
    if template is None:
        return None
    path = Path(str(template).replace("{stack}", stack))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def plan_stack(
    stack: str,
    args: argparse.Namespace,
    base: list[dict] | None = None,
    diffing: bool = False,
    spawned: Mapping[Path, PackSession] | None = None,
) -> int:
    """Plan one stack; ``spawned``: its pack sessions already started by ``plan_chunk`` (connected here)."""
    stack_file = layout.stack_file(stack, args.stacks_dir)
    if not stack_file.exists():
        print(f"error: no stack file {stack_file}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        cfg: StackConfig = load_stack_file(stack_file, stack=stack)  # strict YAML; errors name key and line
    except ConfigError as err:
        print(f"error: {stack_file}: {err}", file=sys.stderr)
        return EXIT_CONFIG

    with ExitStack() as running:
        sessions: dict[Path, PackSession] = {}
        if not args.no_policy:
            # The packs start first: their config schemas check the policy-config file before the program runs.
            for pack in layout.policy_packs():
                session = (spawned or {}).get(pack) or PackSession(pack, stack=stack)
                try:
                    sessions[pack] = running.enter_context(session)
                except (PackStartError, OSError) as err:
                    print(
                        f"error: policy pack {pack.name} could not start for stack {stack}: {err}\n"
                        "fix: make pack-venv (the pack's own virtualenv), or --no-policy to plan without the packs",
                        file=sys.stderr,
                    )
                    return EXIT_TOOL
            errors = _policy_config_errors(layout.policy_config(stack, args.stacks_dir), sessions)
            if errors:
                for error in errors:
                    print(f"error: {error}", file=sys.stderr)
                return EXIT_CONFIG
        return _record_and_report(stack, args, cfg, sessions, base=base, diffing=diffing)


def _policy_config_errors(path: Path, sessions: dict[Path, PackSession]) -> list[str]:
    """The mistakes in ``path`` against every started pack's policies (GetAnalyzerInfo's config schemas)."""
    if not path.exists() or not sessions:
        return []
    policies: list[PolicyInfo] = []
    for session in sessions.values():
        session.configure_stack()
        policies.extend(session.analyzer_info()[1])
    return check_policy_config(path, policies)


def _record_and_report(
    stack: str,
    args: argparse.Namespace,
    cfg: StackConfig,
    sessions: dict[Path, PackSession],
    *,
    base: list[dict] | None,
    diffing: bool,
) -> int:
    from pulumi.errors import RunError

    stack_file = layout.stack_file(stack, args.stacks_dir)
    raw = recorder.read_stack_config(stack, stacks_dir=args.stacks_dir)
    try:
        plan = recorder.record(stack=stack, config=raw)
    except RunError as err:  # the program refused the config (e.g. a fleet EMR would reject): nothing registered
        print(f"error: {stack_file}: {err}", file=sys.stderr)
        return EXIT_CONFIG
    summary = summarize(plan)
    sections = domain_sections(cfg, plan)
    violations_failed = False
    if not args.no_policy:
        policy, violations_failed = policy_sections(plan, stack, args.stacks_dir, sessions)
        sections.extend(policy)
    if diffing:
        sections.append(_diff_section(plan, args.diff, base))
    sections.append(_outputs_section(plan))

    if not args.quiet:
        print(console_summary(plan, summary, sections))
    report = _out_path(args.report, stack)
    if report:
        report.write_text(markdown_report(plan, summary, sections))
        print(f"report: {report}")
    dump = _out_path(args.json, stack)
    if dump:
        dump.write_text(
            json.dumps(
                {"stack": stack, "resources": [r.to_dict() for r in plan.resources], "outputs": plan.outputs},
                indent=1,
                sort_keys=True,
            )
        )
        print(f"records: {dump}")
    verdict = "FAIL (mandatory policy violations)" if violations_failed else "ok"
    print(f"stack {stack}: {summary.total} resources, {verdict}")
    return EXIT_VIOLATIONS if violations_failed else EXIT_OK


def _diff_section(plan: recorder.Plan, label: str, base: list[dict] | None) -> Section:
    """Print the diff against ``base`` (always, even with --quiet) and return it as a report section."""
    head = json.loads(json.dumps([r.to_dict() for r in plan.resources]))
    diff = plan_diff.diff_records(plan.stack, label, base or [], head)
    diff.base_missing = base is None
    masker = plan_diff.masker_for(base or [], head)
    print(plan_diff.to_console(diff, masker))
    return Section(f"Plan diff against `{label}`", plan_diff.to_markdown(diff, masker))


def _outputs_section(plan: recorder.Plan) -> Section:
    return Section("Stack outputs", outputs_table(plan.outputs))


def main(argv: list[str] | None = None) -> int:
    gc_policy.apply()  # the project's collector policy (docs/performance.md)
    args = _parse(argv)
    stacks = _stacks(args)
    if not stacks:
        print(f"error: no stack files (Pulumi.<stack>.yaml) in {args.stacks_dir}; fix: --stacks-dir", file=sys.stderr)
        return EXIT_CONFIG
    bases: dict[str, list[dict] | None] = {}
    if args.diff is not None:
        try:
            bases = plan_diff.load_base(args.diff, stacks)
        except plan_diff.BadBaseError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_CONFIG
    jobs = _jobs(args, len(stacks))
    if jobs < 1:
        print(f"error: --jobs {args.jobs}: must be 1 or more; fix: --jobs 1 plans one stack at a time", file=sys.stderr)
        return EXIT_CONFIG
    if jobs == 1:
        results = plan_chunk(stacks, args, bases, capture=False)
    else:
        chunks = [stacks[i::jobs] for i in range(jobs)]
        # Forked after the imports (pulumi, the config models, the recorder), before any gRPC channel or pack
        # process exists; each worker plans its share of the stacks and hands back what it printed
        # (docs/adr/0011-plan-all-in-forked-workers.md).
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                shares = list(pool.map(plan_chunk, chunks, [args] * jobs, [bases] * jobs))
        except BrokenProcessPool as err:
            print(f"error: a planning worker died ({err}); fix: rerun with --jobs 1", file=sys.stderr)
            return EXIT_TOOL
        results = [result for share in shares for result in share]
    by_stack = {s: (c, o, e) for s, c, o, e in results}
    worst = EXIT_OK
    for stack in stacks:  # printed in the stacks' order, whichever worker planned them
        code, printed, complained = by_stack[stack]
        sys.stdout.write(printed)
        sys.stderr.write(complained)
        worst = max(worst, code)
    sys.stdout.flush()
    return worst


def _jobs(args: argparse.Namespace, stacks: int) -> int:
    """``--jobs``, or with ``--all`` one worker per available core (at most one per stack); forking needs POSIX."""
    if args.jobs is not None:
        asked: int = args.jobs
        return min(asked, stacks) if asked >= 1 else asked
    if not args.all or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, stacks))


def plan_chunk(
    stacks: list[str], args: argparse.Namespace, bases: Mapping[str, list[dict] | None], capture: bool = True
) -> list[tuple[str, int, str, str]]:
    """Plan ``stacks`` one after the other, every stack's policy packs started at the beginning so that they boot
    while the program records. Returns (stack, exit code, stdout, stderr) per stack; with ``capture`` off, the
    output goes straight to this process's stdout and stderr (and comes back empty)."""
    results: list[tuple[str, int, str, str]] = []
    with ExitStack() as running:
        spawned: dict[str, dict[Path, PackSession]] = {}
        if not args.no_policy:
            for stack in stacks:
                spawned[stack] = {}
                for pack in layout.policy_packs():
                    session = running.enter_context(closing(PackSession(pack, stack=stack)))
                    try:
                        session.spawn()
                    except OSError:
                        continue  # plan_stack starts it again and reports the failure with the stack's name
                    spawned[stack][pack] = session
        for stack in stacks:
            out, err = io.StringIO(), io.StringIO()
            with ExitStack() as redirected:
                if capture:
                    redirected.enter_context(redirect_stdout(out))
                    redirected.enter_context(redirect_stderr(err))
                code = plan_stack(
                    stack, args, bases.get(stack), diffing=args.diff is not None, spawned=spawned.get(stack)
                )
            results.append((stack, code, out.getvalue(), err.getvalue()))
    return results


if __name__ == "__main__":
    sys.exit(main())
