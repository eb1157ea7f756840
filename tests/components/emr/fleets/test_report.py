"""The fleet section of the plan report: every fleet, its types and pools, the cost rows and totals."""

from __future__ import annotations

import pytest

from components.config import emr as emr_config
from components.config.emr import ClusterCapacityConfig
from components.config.stack import load_stack_config
from components.emr.fleets import report
from components.emr.fleets.report import ClusterInput
from scripts.offline.recorder import read_stack_config


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_summary_lists_every_fleet_with_pools_and_cost(env: str) -> None:
    preset = emr_config._CAPACITY_PRESETS[env]
    clusters = [
        ClusterInput("onprem", ClusterCapacityConfig.model_validate(preset["onprem"]), "us-west-1", 2),
        ClusterInput("burst", ClusterCapacityConfig.model_validate(preset["burst"]), "us-east-1", 3),
    ]
    summaries = report.summarize(clusters, preset["spotDiscount"])
    text = report.summary_markdown(env, summaries, preset["spotDiscount"])
    for s in summaries:
        for f in s.fleets.all:
            n = len(f.instance_type_configs)
            assert f"| {f.name} | {f.role} |" in text
            assert f"| {f.capacity_pools(s.subnet_count)} ({n} x {s.subnet_count}) |" in text
            assert ", ".join(f.instance_types) in text
        assert f"**${s.cost.total or 0.0:,.2f}**" in text
    assert f"| **EMR fleets, stack** | | | | | **${sum(s.cost.total or 0.0 for s in summaries):,.2f}** |" in text
    assert "_Assumptions:_ Estimate, not a quote." in text


def test_fleet_summary_markdown_from_a_stack_config() -> None:
    cfg = load_stack_config(read_stack_config("dev"), stack="dev")
    text = report.fleet_summary_markdown(cfg)
    assert text.startswith("### EMR fleets: stack dev (dev)")
    burst = report.summarize(report.stack_clusters(cfg), cfg.emr.spot_discount)[1]
    assert burst.region == cfg.regions.compute
    assert burst.subnet_count == cfg.network.compute.az_count
    assert burst.fleets.task is not None
    assert f"| burst-task | TASK | 0 / {burst.fleets.task.target_spot_capacity} |" in text


def test_console_summary_has_one_line_per_fleet() -> None:
    cfg = load_stack_config(read_stack_config("dev"), stack="dev")
    text = report.fleet_summary_console(cfg)
    summaries = report.summarize(report.stack_clusters(cfg), cfg.emr.spot_discount)
    for s in summaries:
        for f in s.fleets.all:
            line = next(x for x in text.splitlines() if x.strip().startswith(f.name))
            assert f"{len(f.instance_type_configs)} types" in line
            assert f"{f.capacity_pools(s.subnet_count)} pools" in line
    assert f"EMR fleets total: ${sum(s.cost.total or 0.0 for s in summaries):,.2f}/h" in text
