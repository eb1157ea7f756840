"""Summaries and the Markdown report of an offline plan (for the terminal and a PR comment)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .layout import PROJECT
from .recorder import LIMITS, Plan, RecordedResource


@dataclass
class Section:
    """An extra report section contributed by a domain (fleets, cost, critical path, grants, policies)."""

    title: str
    markdown: str
    console: str = ""


@dataclass
class PlanSummary:
    stack: str
    total: int
    by_region: Counter[str]
    by_type: Counter[str]
    by_component: dict[str, Counter[str]]
    components: list[RecordedResource] = field(default_factory=list)


def summarize(plan: Plan) -> PlanSummary:
    custom = plan.custom_resources
    by_component: dict[str, Counter[str]] = defaultdict(Counter)
    for res in custom:
        comp = plan.component_of(res)
        label = _component_label(comp) if comp else "(stack)"
        by_component[label][res.type] += 1
    return PlanSummary(
        stack=plan.stack,
        total=len(custom),
        by_region=Counter(res.region or "(none)" for res in custom),
        by_type=Counter(res.type for res in custom),
        by_component=dict(sorted(by_component.items())),
        components=[r for r in plan.resources if r.type.startswith(f"{PROJECT}:")],
    )


def _component_label(comp: RecordedResource) -> str:
    return f"{comp.type.split(':')[-1]} {comp.name}"


def _top_component(plan: Plan, res: RecordedResource) -> RecordedResource | None:
    """The outermost hybrid-burst component containing ``res`` (or ``res`` itself)."""
    top = res if res.type.startswith(f"{PROJECT}:") else None
    anc = plan.get(res.parent) if res.parent else None
    while anc is not None:
        if anc.type.startswith(f"{PROJECT}:"):
            top = anc
        anc = plan.get(anc.parent) if anc.parent else None
    return top


def _node_id(urn: str) -> str:
    """Unique per URN: two components may share a name (an EmrCluster and a dashboard both called burst)."""
    type_, name = urn.split("::")[-2:]
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", f"{type_.split('$')[-1].split(':')[-1]}_{name}")


def mermaid(plan: Plan) -> str:
    """The architecture as drawn from the recorded graph: top-level components grouped by region, with an
    edge wherever a resource of one component depends on a resource of another."""
    tops: dict[str, RecordedResource] = {}
    region_of: dict[str, Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    top_of: dict[str, str] = {}
    for res in plan.resources:
        top = _top_component(plan, res)
        if top is None:
            continue
        tops[top.urn] = top
        top_of[res.urn] = top.urn
        if res.custom:
            counts[top.urn] += 1
            if res.region:
                region_of[top.urn][res.region] += 1

    edges: set[tuple[str, str]] = set()
    for res in plan.resources:
        src = top_of.get(res.urn)
        deps = set(res.dependencies)
        for urns in res.property_dependencies.values():
            deps.update(urns)
        for dep in deps:
            dst = top_of.get(dep)
            if src and dst and src != dst:
                edges.add((dst, src))

    groups: dict[str, list[str]] = defaultdict(list)
    for urn in tops:
        regions = region_of[urn]
        if len(regions) == 1:
            groups[next(iter(regions))].append(urn)
        else:
            groups["cross-region" if regions else "global"].append(urn)

    lines = ["flowchart LR"]
    external_nodes, external_edges = _external_onprem(plan, tops)
    lines += external_nodes
    for group, urns in sorted(groups.items()):
        gid = re.sub(r"[^A-Za-z0-9]", "_", group)
        lines.append(f'  subgraph {gid}["{group}"]')
        for urn in sorted(urns, key=lambda u: tops[u].name):
            comp = tops[urn]
            kind = comp.type.split(":")[-1]
            lines.append(f'    {_node_id(urn)}["{kind}<br/>{comp.name}<br/>({counts[urn]} resources)"]')
        lines.append("  end")
    for dst, src in sorted(edges):
        lines.append(f"  {_node_id(dst)} --> {_node_id(src)}")
    lines += external_edges
    return "\n".join(lines)


def _external_onprem(plan: Plan, tops: dict[str, RecordedResource]) -> tuple[list[str], list[str]]:
    """External mode: the on-prem lake is not in the plan (nothing is built for it); draw it from the stack outputs,
    outside every region, with a dotted edge from each component that reaches it. (Node lines, edge lines.)"""
    if plan.outputs.get("onprem_mode") != "external":
        return [], []
    cidrs = ", ".join(str(c) for c in plan.outputs.get("onprem_cidrs") or [])
    label = (
        f"on-prem Hadoop (external)<br/>NameNode {plan.outputs.get('onprem_namenode_name', '?')}<br/>"
        f"metastore {plan.outputs.get('onprem_metastore_name', '?')}<br/>{cidrs}"
    )
    nodes = [
        '  subgraph onprem_external["on-prem data centre (external: not managed by this stack)"]',
        f'    n_onprem_external["{label}"]',
        "  end",
    ]
    edges = [
        f"  {_node_id(urn)} -.-> n_onprem_external"
        for urn, comp in sorted(tops.items())
        if comp.type in (f"{PROJECT}:network:OnpremConnection", f"{PROJECT}:network:DnsForwarding")
    ]
    return nodes, edges


def console_summary(plan: Plan, summary: PlanSummary, sections: list[Section]) -> str:
    out = [
        (
            f"== stack {plan.stack}: {summary.total} resources "
            f"({', '.join(f'{r}: {n}' for r, n in sorted(summary.by_region.items()))}) "
            f"recorded in {plan.seconds:.2f}s"
        ),
        "",
        "resources per component:",
    ]
    for comp, types in summary.by_component.items():
        out.append(f"  {comp:<45} {sum(types.values()):>4}")
    out += ["", "resources per type:"]
    for type_, n in sorted(summary.by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {type_:<70} {n:>4}")
    for section in sections:
        if section.console:
            out += ["", f"{section.title}:", section.console]
    out += ["", LIMITS]
    return "\n".join(out)


def markdown_report(plan: Plan, summary: PlanSummary, sections: list[Section]) -> str:
    md = [
        f"## hybrid-burst offline plan: `{plan.stack}`",
        "",
        f"**{summary.total} resources** - "
        + ", ".join(f"{region}: {n}" for region, n in sorted(summary.by_region.items())),
        "",
        "```mermaid",
        mermaid(plan),
        "```",
        "",
        "<details><summary>Resources per component</summary>",
        "",
        "| component | resources | types |",
        "|---|---:|---|",
    ]
    for comp, types in summary.by_component.items():
        kinds = ", ".join(f"{t.split(':')[-1]} x{n}" for t, n in sorted(types.items()))
        md.append(f"| {comp} | {sum(types.values())} | {kinds} |")
    md += [
        "",
        "</details>",
        "",
        "<details><summary>Resources per type</summary>",
        "",
        "| type | count |",
        "|---|---:|",
    ]
    for type_, n in sorted(summary.by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        md.append(f"| `{type_}` | {n} |")
    md += ["", "</details>", ""]
    for section in sections:
        md += [f"### {section.title}", "", section.markdown, ""]
    md += ["### What this plan cannot know", "", f"> {LIMITS}", ""]
    return "\n".join(md)


def outputs_table(outputs: dict[str, Any]) -> str:
    rows = ["| output | value (placeholder) |", "|---|---|"]
    for key, value in sorted(outputs.items()):
        text = str(value)
        rows.append(f"| `{key}` | `{text if len(text) < 90 else text[:87] + '...'}` |")
    return "\n".join(rows)
