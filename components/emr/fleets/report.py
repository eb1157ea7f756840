"""The fleet section of the offline plan's report: instance-type sets, capacity pools and hourly cost per stack.

A cluster in a region without catalog prices shows its cost as ``unknown (no price for <region>)``.

``fleet_summary_markdown(cfg)`` renders a stack's fleets as markdown (the lead's plan report calls it; the
per-stack output is reproduced in ``docs/emr-fleets.md``). Everything is computed from the config and the shipped
instance catalog; nothing here touches AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.config.emr import ClusterCapacityConfig
from components.config.stack import StackConfig

from .cost import CostEstimate, cost_assumptions, hourly_cost, unknown_text
from .plan import ClusterFleets, plan_cluster_fleets


@dataclass(frozen=True)
class ClusterInput:
    """What the report needs about one cluster."""

    key: str
    """Config key of the cluster under ``emr`` (``onprem`` or ``burst``)."""
    capacity: ClusterCapacityConfig
    region: str
    subnet_count: int


@dataclass(frozen=True)
class ClusterSummary:
    key: str
    region: str
    subnet_count: int
    fleets: ClusterFleets
    cost: CostEstimate


def summarize(clusters: Sequence[ClusterInput], spot_discount: float) -> list[ClusterSummary]:
    out = []
    for c in clusters:
        fleets = plan_cluster_fleets(c.key, c.capacity)
        out.append(
            ClusterSummary(
                key=c.key,
                region=c.region,
                subnet_count=c.subnet_count,
                fleets=fleets,
                cost=hourly_cost(fleets, c.region, spot_discount),
            )
        )
    return out


def stack_clusters(cfg: StackConfig) -> list[ClusterInput]:
    """The two clusters of a stack: the on-prem proxy in the onprem region, the burst cluster in compute."""
    out = []
    if cfg.emr.onprem is not None and cfg.regions.onprem is not None and cfg.network.onprem is not None:
        out.append(ClusterInput("onprem", cfg.emr.onprem, cfg.regions.onprem, cfg.network.onprem.az_count))
    out.append(ClusterInput("burst", cfg.emr.burst, cfg.regions.compute, cfg.network.compute.az_count))
    return out


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _range(low: float | None, high: float | None) -> str:
    return "-" if low is None or high is None else f"{_money(low)}-{_money(high)}"


def stack_fleet_cost(summaries: Sequence[ClusterSummary]) -> tuple[float | None, str]:
    """The EMR fleets' hourly total of a stack and its text: a figure, or ``unknown (<why>)`` when any
    cluster is unpriced (a partial sum would read as the whole)."""
    missing = [s.cost.unknown_reason for s in summaries if s.cost.unknown_reason]
    if missing:
        return None, unknown_text("; ".join(dict.fromkeys(m for m in missing if m)))
    total = sum(s.cost.total or 0.0 for s in summaries)
    return total, _money(total)


def summary_markdown(title: str, summaries: Sequence[ClusterSummary], spot_discount: float) -> str:
    lines = [f"### {title}", ""]
    lines += [
        (
            "| Cluster | Fleet | Role | Target OD / Spot (vCPU) | Types | Families | Pools (types x subnets) "
            "| Spot strategy, timeout | Instance types |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        for f in s.fleets.all:
            spot = (
                f"{f.spot_allocation_strategy}, {f.spot_timeout_minutes} min -> {f.spot_timeout_action}"
                if f.target_spot_capacity
                else "On-Demand only"
            )
            lines.append(
                f"| {s.key} ({s.region}) | {f.name} | {f.role} | {f.target_on_demand_capacity} / "
                f"{f.target_spot_capacity} | {len(f.instance_type_configs)} | {len(f.families)} | "
                f"{f.capacity_pools(s.subnet_count)} ({len(f.instance_type_configs)} x {s.subnet_count}) | {spot} | "
                f"{', '.join(f.instance_types)} |"
            )
    lines += ["", "Hourly cost estimate at target capacity (USD/h):", ""]
    lines += [
        "| Cluster | Fleet | EC2 On-Demand | EC2 Spot | EMR uplift | Total | Range (low-high) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        for r in s.cost.rows:
            lines.append(
                f"| {s.key} | {r.fleet} | {_money(r.on_demand_ec2)} | {_money(r.spot_ec2)} | {_money(r.emr_uplift)} "
                f"| {_money(r.total)} | {_range(r.low, r.high)} |"
            )
        cluster_total = unknown_text(s.cost.unknown_reason) if s.cost.unknown_reason else _money(s.cost.total or 0.0)
        lines.append(f"| **{s.key}** | **cluster** | | | | **{cluster_total}** | {_range(s.cost.low, s.cost.high)} |")
    _, total_text = stack_fleet_cost(summaries)
    lows = [s.cost.low for s in summaries]
    highs = [s.cost.high for s in summaries]
    known = all(v is not None for v in (*lows, *highs))
    span = _range(sum(v or 0.0 for v in lows), sum(v or 0.0 for v in highs)) if known else "-"
    lines.append(f"| **EMR fleets, stack** | | | | | **{total_text}** | {span} |")
    lines += ["", f"_Assumptions:_ {cost_assumptions(spot_discount)}", ""]
    return "\n".join(lines)


def fleet_summary_markdown(cfg: StackConfig) -> str:
    """The stack's fleets, instance-type sets, capacity pools and hourly cost estimate, as markdown."""
    summaries = summarize(stack_clusters(cfg), cfg.emr.spot_discount)
    return summary_markdown(f"EMR fleets: stack {cfg.stack} ({cfg.environment})", summaries, cfg.emr.spot_discount)


def summary_console(title: str, summaries: Sequence[ClusterSummary], spot_discount: float) -> str:
    """A compact plain-text form for the terminal: one line per fleet, then the costs."""
    lines = [title]
    for s in summaries:
        if s.cost.unknown_reason:
            lines.append(f"  {s.key} ({s.region}, {s.subnet_count} subnets): {unknown_text(s.cost.unknown_reason)}")
        else:
            lines.append(
                f"  {s.key} ({s.region}, {s.subnet_count} subnets): {_money(s.cost.total or 0.0)}/h "
                f"(range {_range(s.cost.low, s.cost.high)})"
            )
        rows: list[str] = [_money(r.total) + "/h" for r in s.cost.rows] or ["cost unknown"] * len(s.fleets.all)
        for f, row in zip(s.fleets.all, rows, strict=True):
            market = (
                f"spot {f.target_spot_capacity} ({f.spot_allocation_strategy}, {f.spot_timeout_minutes} min -> "
                f"{f.spot_timeout_action})"
                if f.target_spot_capacity
                else "spot 0"
            )
            lines.append(
                f"    {f.name:<16} {f.role:<6} od {f.target_on_demand_capacity} / {market}; "
                f"{len(f.instance_type_configs)} types, {len(f.families)} families, "
                f"{f.capacity_pools(s.subnet_count)} pools; {row}"
            )
    total, total_text = stack_fleet_cost(summaries)
    lines.append(
        f"  EMR fleets total: {total_text}{'/h' if total is not None else ''} (estimate; Spot at "
        f"{spot_discount:.0%} off On-Demand, prices of {summaries[0].cost.price_date if summaries else '-'}; "
        "the whole stack's cost is in the stack cost section)"
    )
    return "\n".join(lines)


def fleet_summary_console(cfg: StackConfig) -> str:
    """The same facts as ``fleet_summary_markdown``, compact for a terminal."""
    summaries = summarize(stack_clusters(cfg), cfg.emr.spot_discount)
    return summary_console(f"EMR fleets: stack {cfg.stack} ({cfg.environment})", summaries, cfg.emr.spot_discount)
