"""The one place that pairs each side's region role with its cluster name."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from components.config import load_stack_config
from scripts.offline.recorder import Plan, read_stack_config
from stack.sites import Sites, build_sites
from tests.conftest import provider

ROOT = Path(__file__).resolve().parents[2]


def _sites(run_program: Callable[..., Plan], stack: str = "prod") -> Sites:
    cfg = load_stack_config(read_stack_config(stack), stack=stack)
    out: dict[str, Any] = {}

    def program() -> None:
        from components.platform.providers import RegionalProviders

        providers = RegionalProviders(
            onprem=provider("onprem", cfg.regions.onprem), compute=provider("compute", cfg.regions.compute)
        )
        out["sites"] = build_sites(cfg, providers)

    run_program(program)
    return out["sites"]


def test_each_side_pairs_its_region_role_with_its_cluster(run_program: Callable[..., Plan]) -> None:
    sites = _sites(run_program)
    assert [(s.side, s.cluster) for s in sites] == [("onprem", "onprem"), ("compute", "burst")]
    cfg = load_stack_config(read_stack_config("prod"), stack="prod")
    assert (sites.onprem.region, sites.compute.region) == (cfg.regions.onprem, cfg.regions.compute)
    assert sites.onprem.network == cfg.network.onprem
    assert sites.compute.capacity == cfg.emr.burst
    assert "raw" not in sites.onprem.lake_zones, "lake data lives only in the compute region"
    assert {"logs", "artifacts"} <= set(sites.onprem.lake_zones) & set(sites.compute.lake_zones)


def test_uses_spot_follows_the_fleets(run_program: Callable[..., Plan]) -> None:
    sites = _sites(run_program)
    for site in sites:
        fleets = [f for f in (site.capacity.core, site.capacity.task) if f is not None]
        assert site.uses_spot == any(f.spot_share > 0 for f in fleets)


def test_the_pairing_is_spelled_only_in_sites() -> None:
    """No other module of the stack layer or the program maps ``compute`` to ``burst`` by hand."""
    pairing = re.compile(r"""["']compute["'][^\n]{0,40}["']burst["']|["']burst["'][^\n]{0,40}["']compute["']""")
    offenders = []
    for path in [ROOT / "__main__.py", *sorted((ROOT / "stack").glob("*.py"))]:
        if path.name == "sites.py":
            continue
        text = path.read_text()
        ast.parse(text)
        if pairing.search(text):
            offenders.append(path.name)
    assert offenders == []
