"""The stack's hourly cost: every line priced with a source and date, or unknown with a reason, never a crash.

The EU stack (issue 17 item 4): on-prem in eu-west-1, compute in eu-central-1. The catalog has no price there, so
the stack must still plan and its cost must read ``unknown (no price for <region>)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from components.config.stack import deep_merge, load_stack_config
from components.emr.fleets import report
from scripts.offline import stack_cost
from scripts.offline.recorder import Plan, read_stack_config
from scripts.offline.sections import domain_sections

P = "hybrid-burst"
EU_REGIONS = {"onprem": "eu-west-1", "compute": "eu-central-1"}


def eu_stack_config() -> dict[str, Any]:
    """The dev stack file moved to Europe: eu-west-1 on-prem, eu-central-1 compute (a valid, plannable stack)."""
    config = dict(read_stack_config("dev"))
    config[f"{P}:regions"] = deep_merge(dict(config.get(f"{P}:regions") or {}), EU_REGIONS)
    return config


def test_an_eu_stack_plans_and_its_cost_reads_unknown(run_stack: Callable[..., Plan]) -> None:
    config = eu_stack_config()
    plan = run_stack("dev", config)
    assert plan.resources, "the EU stack registered nothing"
    assert {r.region for r in plan.resources if r.type == "aws:emr/cluster:Cluster"} == set(EU_REGIONS.values())
    cfg = load_stack_config(config, stack="dev")

    fleets_md = report.fleet_summary_markdown(cfg)
    assert "**unknown (no price for eu-west-1)**" in fleets_md
    assert "**unknown (no price for eu-central-1)**" in fleets_md
    assert "unknown (no price for eu-west-1; no price for eu-central-1)" in fleets_md
    console = report.fleet_summary_console(cfg)
    assert "burst (eu-central-1, 3 subnets): unknown (no price for eu-central-1)" in console
    assert "EMR fleets total: unknown (no price for eu-west-1; no price for eu-central-1)" in console

    lines = stack_cost.stack_cost_lines(cfg, plan)
    emr = {line.where: line.text for line in lines if line.item.startswith("EMR cluster")}
    assert emr == {
        "onprem (eu-west-1)": "unknown (no price for eu-west-1)",
        "burst (eu-central-1)": "unknown (no price for eu-central-1)",
    }
    nat = next(line for line in lines if line.item.startswith("NAT gateway"))
    assert nat.text == "unknown (no price for nat-gateway-hour in eu-central-1)"
    assert stack_cost.to_console(lines).splitlines()[-1].startswith("  stack total: unknown (")
    # The report's sections are built without an exception.
    titles = [s.title for s in domain_sections(cfg, plan)]
    assert "Stack hourly cost (estimate, with sources)" in titles


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_shipped_stacks_price_every_line_with_a_source(run_stack: Callable[..., Plan], stack: str) -> None:
    config = read_stack_config(stack)
    plan = run_stack(stack, config)
    cfg = load_stack_config(config, stack=stack)
    lines = stack_cost.stack_cost_lines(cfg, plan)
    items = {line.item for line in lines}
    assert {"EMR cluster (fleets at target)", "NAT gateway (hourly charge)"} <= items
    assert "Cross-region transfer (on-prem to compute)" in items
    if cfg.eks.enabled:
        assert {"EKS control plane", "EKS managed node group"} <= items
    for line in lines:
        assert line.usd_per_hour is not None, line
        assert line.basis.startswith("derived:") or " USD per " in line.basis, line
        if not line.basis.startswith("derived:"):
            assert "http" in line.basis, line
            assert "third-party, 20" in line.basis or "aws, 20" in line.basis, line
    known, unknown = stack_cost.stack_total(lines)
    assert not unknown
    assert known == pytest.approx(sum(line.usd_per_hour or 0.0 for line in lines))
    nat = next(line for line in lines if line.item.startswith("NAT gateway"))
    assert nat.usd_per_hour == pytest.approx(nat.quantity * 0.045)
    endpoints = [r for r in plan.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint"]
    interface = [r for r in endpoints if r.inputs["vpcEndpointType"] == "Interface"]
    endpoint_azs = sum(len(r.inputs.get("subnetIds") or []) for r in interface)
    priced_azs = sum(line.quantity for line in lines if line.item.startswith("Interface VPC endpoints"))
    assert priced_azs == endpoint_azs


def test_every_price_row_has_a_source_and_a_date() -> None:
    for (item, region), price in stack_cost.prices().items():
        assert price.usd > 0, item
        assert price.basis in {"aws", "third-party"}, item
        assert "https://" in price.source, item
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", price.date), (item, region)


def test_a_region_without_a_price_row_is_unknown_not_an_error() -> None:
    assert stack_cost.price("nat-gateway-hour", "ap-south-2") is None
    assert stack_cost.price("eks-cluster-hour", "ap-south-2") is not None  # the source gives no region qualifier
