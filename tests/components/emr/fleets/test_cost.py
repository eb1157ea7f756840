"""Fleet cost from the catalog: the arithmetic, the Spot discount, and a region without prices (unknown)."""

from __future__ import annotations

import statistics

import pytest

from components.emr.fleets import catalog
from components.emr.fleets.cost import hourly_cost
from tests.components.emr.fleets._stacks import CASES, fleets

# --- cost -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "cluster"), CASES)
def test_cost_arithmetic_matches_the_catalog(env: str, cluster: str) -> None:
    region = "us-west-1" if cluster == "onprem" else "us-east-1"
    discount = 0.6
    plan = fleets(env, cluster)
    est = hourly_cost(plan, region, discount)
    assert [r.fleet for r in est.rows] == [f.name for f in plan.all]
    for fleet, row in zip(plan.all, est.rows, strict=True):
        specs = [(catalog.spec(c.instance_type), c.weighted_capacity) for c in fleet.instance_type_configs]
        ec2 = [s.od_usd_per_hour[region] / w for s, w in specs]
        emr = [s.emr_usd_per_hour / w for s, w in specs]
        i = ec2.index(min(ec2))
        od, spot = fleet.target_on_demand_capacity, fleet.target_spot_capacity
        assert row.on_demand_ec2 == pytest.approx(od * ec2[i])
        assert row.spot_ec2 == pytest.approx(spot * statistics.median(ec2) * (1 - discount))
        assert row.emr_uplift == pytest.approx(od * emr[i] + spot * statistics.median(emr))
        assert row.total == pytest.approx(row.on_demand_ec2 + row.spot_ec2 + row.emr_uplift)
        assert row.low - 1e-9 <= row.total <= row.high + 1e-9
    assert est.known
    assert est.total == pytest.approx(sum(r.total for r in est.rows))
    assert est.price_date == catalog.meta().price_date
    assert "Estimate" in est.assumptions
    assert f"{discount:.0%} Spot discount" in est.assumptions


def test_spot_discount_only_moves_spot_rows() -> None:
    plan = fleets("prod", "burst")
    cheap, dear = hourly_cost(plan, "us-east-1", 0.7), hourly_cost(plan, "us-east-1", 0.5)
    for a, b in zip(cheap.rows, dear.rows, strict=True):
        assert a.on_demand_ec2 == b.on_demand_ec2
        assert a.emr_uplift == b.emr_uplift
        assert (a.spot_ec2 < b.spot_ec2) == (a.spot_units > 0)
    with pytest.raises(ValueError, match="spot_discount"):
        hourly_cost(plan, "us-east-1", 1.0)


def test_a_region_without_prices_is_unknown_never_an_error() -> None:
    """Issue 17 item 4: a region outside the catalog gives an unknown cost with its reason, not an exception."""
    est = hourly_cost(fleets("dev", "burst"), "eu-central-1", 0.6)
    assert not est.known
    assert est.unknown_reason == "no price for eu-central-1"
    assert est.rows == ()
    assert est.total is None
    assert est.low is None
    assert est.high is None
