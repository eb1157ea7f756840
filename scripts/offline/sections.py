"""The domain sections of the offline plan report: each asks the domain's own code, so the report shows exactly
what the program builds (fleets and pools, cost, critical path, grants) and what the policy packs say."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from components.config import StackConfig

from . import layout
from .recorder import Plan
from .report import Section

if TYPE_CHECKING:
    from .analyzer import PackSession


def domain_sections(cfg: StackConfig, plan: Plan) -> list[Section]:
    sections: list[Section] = []
    sections.extend(_fleet_sections(cfg))
    sections.extend(_stack_cost_sections(cfg, plan))
    sections.extend(_critical_path_sections(plan))
    sections.extend(_lake_sections(cfg))
    return sections


def _fleet_sections(cfg: StackConfig) -> list[Section]:
    from components.emr.fleets.report import fleet_summary_console, fleet_summary_markdown

    return [
        Section(
            "EMR fleets, capacity pools and hourly cost (estimate)",
            fleet_summary_markdown(cfg),
            fleet_summary_console(cfg),
        )
    ]


def _stack_cost_sections(cfg: StackConfig, plan: Plan) -> list[Section]:
    from scripts.offline import stack_cost

    lines = stack_cost.stack_cost_lines(cfg, plan)
    title = "Stack hourly cost (estimate, with sources)"
    return [Section(title, stack_cost.to_markdown(lines), stack_cost.to_console(lines))]


def _critical_path_sections(plan: Plan) -> list[Section]:
    from scripts.offline.critical_path import critical_path

    path = critical_path(plan)
    return [Section("Deploy critical path (typical creation times)", path.to_markdown(), path.to_console())]


def _lake_sections(cfg: StackConfig) -> list[Section]:
    from components.lake.grant_matrix import engine_matrix, grant_matrix, render_engine_markdown, render_markdown

    rows = grant_matrix(cfg)
    table = render_markdown(rows)
    engines = render_engine_markdown(engine_matrix(cfg))
    return [
        Section("Lake Formation grants (who can read what)", table, table),
        Section("Engines: which principal reads and writes which tables and columns", engines, engines),
    ]


def policy_sections(
    plan: Plan, stack: str, stacks_dir: Path, sessions: Mapping[Path, PackSession] | None = None
) -> tuple[list[Section], bool]:
    """Run every pack with ``<stacks_dir>/policy-config.<stack>.json``; True when a mandatory rule failed.

    ``sessions`` are packs already started for this stack (plan.py starts them to check the config first).
    """
    from scripts.offline.analyzer import run_pack

    packs = list(sessions) if sessions else layout.policy_packs()
    if not packs:
        return [Section("Policy packs", "No policy pack found under `policies/`.")], False
    config = layout.policy_config(stack, stacks_dir)
    sections: list[Section] = []
    failed = False
    for pack in packs:
        config_file = config if config.exists() else None
        if sessions:
            result = sessions[pack].evaluate(plan.resources, config_file=config_file)
        else:
            result = run_pack(pack, plan.resources, config_file=config_file, stack=stack)
        mandatory = result.mandatory_violations()
        advisory = result.advisory_violations()
        notes = result.preview_notes()
        failed = failed or bool(mandatory)
        lines_md = [
            (
                f"Pack `{pack.name}` v{result.version} with "
                f"`{config.name if config.exists() else 'pack defaults'}`: {len(result.policies)} policies, "
                f"{result.resources} resources analyzed in {result.timings.evaluate_s:.2f}s over the Analyzer "
                f"protocol - **{len(mandatory)} mandatory**, {len(advisory)} advisory, {len(notes)} preview notes."
            ),
            "",
        ]
        shown = [*mandatory, *advisory, *notes]
        if shown:
            lines_md += ["| level | policy | resource | message |", "|---|---|---|---|"]
            for v in shown:
                msg = v.message.replace("\n", " ").replace("|", "\\|")
                level = "note" if v.is_preview_note else v.enforcement_level
                lines_md.append(f"| {level} | `{v.policy_name}` | `{v.urn.split('::')[-1]}` | {msg} |")
        console = [
            (
                f"  {pack.name}: {len(mandatory)} mandatory, {len(advisory)} advisory, {len(notes)} preview notes "
                f"({result.resources} resources, {result.timings.evaluate_s:.2f}s)"
            )
        ]
        console += [
            f"    [{'note' if v.is_preview_note else v.enforcement_level}] {v.policy_name} "
            f"{v.urn.split('::')[-1]}: {v.message.splitlines()[0] if v.message else ''}"
            for v in shown
        ]
        sections.append(Section(f"Policy pack {pack.name}", "\n".join(lines_md), "\n".join(console)))
    return sections, failed
