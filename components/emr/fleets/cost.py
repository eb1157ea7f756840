"""Price a cluster's fleets from the shipped catalog (USD per hour at target capacity; an estimate, not a quote).

A region the catalog has no price for never fails the plan: the estimate is then ``unknown`` and says why
(``no price for <region>``), so a stack in any EMR region plans.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from . import catalog
from .catalog import InstanceSpec
from .plan import ClusterFleets, FleetPlan, Role


@dataclass(frozen=True)
class FleetCost:
    """Hourly cost of one fleet at its target capacity (USD per hour)."""

    fleet: str
    role: Role
    region: str
    on_demand_units: int
    spot_units: int
    on_demand_ec2: float
    spot_ec2: float
    emr_uplift: float
    low: float
    """If every unit ran on the fleet's cheapest type per unit."""
    high: float
    """If every unit ran on the fleet's most expensive type per unit."""

    @property
    def total(self) -> float:
        return self.on_demand_ec2 + self.spot_ec2 + self.emr_uplift


@dataclass(frozen=True)
class CostEstimate:
    rows: tuple[FleetCost, ...]
    """One row per fleet; empty when the cost is unknown."""
    region: str
    spot_discount: float
    price_date: str
    assumptions: str = field(repr=False)
    unknown_reason: str | None = None
    """Why there is no figure (``no price for eu-central-1``); None when every fleet is priced."""

    @property
    def known(self) -> bool:
        return self.unknown_reason is None

    @property
    def total(self) -> float | None:
        return sum(r.total for r in self.rows) if self.known else None

    @property
    def low(self) -> float | None:
        return sum(r.low for r in self.rows) if self.known else None

    @property
    def high(self) -> float | None:
        return sum(r.high for r in self.rows) if self.known else None


def unknown_text(reason: str) -> str:
    """How a missing figure reads in every report: ``unknown (no price for eu-central-1)``."""
    return f"unknown ({reason})"


def _per_unit(spec: InstanceSpec, weight: int, region: str) -> tuple[float, float] | None:
    """(EC2 On-Demand $/unit-hour, EMR uplift $/unit-hour) of one type; None without a price in ``region``."""
    price = spec.od_price(region)
    if price is None:
        return None
    return price / weight, spec.emr_usd_per_hour / weight


def fleet_cost(fleet: FleetPlan, region: str, spot_discount: float) -> FleetCost | None:
    """Price a fleet at its targets; None when a type of the fleet has no price in ``region``.

    On-Demand units: EMR's ``lowest-price`` On-Demand strategy launches the cheapest type first, so they are
    priced at the type with the lowest EC2 $/unit, EC2 plus that type's EMR uplift. Spot units:
    ``price-capacity-optimized`` weighs capacity before price, so they are priced at the median EC2 On-Demand
    $/unit of the fleet's types x (1 - spot_discount), plus the median EMR $/unit (EMR charges its uplift per
    instance in either market, undiscounted).
    """
    if not 0 <= spot_discount < 1:
        raise ValueError(f"spot_discount must be in [0, 1) (got {spot_discount})")
    priced = [
        _per_unit(catalog.spec(c.instance_type), c.weighted_capacity, region) for c in fleet.instance_type_configs
    ]
    units = [u for u in priced if u is not None]
    if not units or len(units) != len(priced):
        return None
    ec2 = [u[0] for u in units]
    emr = [u[1] for u in units]
    cheapest_ec2 = min(range(len(units)), key=lambda i: ec2[i])
    od_units, spot_units = fleet.target_on_demand_capacity, fleet.target_spot_capacity
    spot_factor = 1 - spot_discount
    spot_ec2_rate = statistics.median(ec2) * spot_factor
    all_in = [e + m for e, m in units]
    low = od_units * min(all_in) + spot_units * (min(ec2) * spot_factor + min(emr))
    high = od_units * max(all_in) + spot_units * (max(ec2) * spot_factor + max(emr))
    return FleetCost(
        fleet=fleet.name,
        role=fleet.role,
        region=region,
        on_demand_units=od_units,
        spot_units=spot_units,
        on_demand_ec2=od_units * ec2[cheapest_ec2],
        spot_ec2=spot_units * spot_ec2_rate,
        emr_uplift=od_units * emr[cheapest_ec2] + spot_units * statistics.median(emr),
        low=low,
        high=high,
    )


def cost_assumptions(spot_discount: float) -> str:
    meta = catalog.meta()
    regions = ", ".join(catalog.priced_regions())
    return (
        f"Estimate, not a quote. List prices dated {meta.price_date} from the shipped catalog "
        f"(components/emr/fleets/data/instance_types.csv; {meta.sources}); rows marked 'derived' in its "
        "price_source column are computed, not listed. The catalog prices "
        f"{regions}; a cluster in another region shows its cost as unknown. Fleets priced at their target "
        "capacity (EMR may overshoot by up to one instance). On-Demand units at the fleet's cheapest EC2 $/vCPU "
        "(EMR lowest-price strategy); Spot units at the median EC2 On-Demand $/vCPU of the fleet's types less a "
        f"{spot_discount:.0%} Spot discount (config emr.spotDiscount; real Spot prices vary by pool and hour) plus "
        "the median EMR uplift per vCPU (EMR charges it in both markets, undiscounted). Low/high: every unit on the "
        "cheapest/dearest type. Excludes EBS (gp3), S3, CloudWatch, managed-scaling growth above the targets; NAT "
        "gateways, interface endpoints, EKS and cross-region transfer are in the stack cost section."
    )


def hourly_cost(fleets: ClusterFleets, region: str, spot_discount: float) -> CostEstimate:
    """Hourly cost estimate of one cluster's fleets at their targets, with its assumptions.

    Never raises for a region outside the catalog: the estimate is then unknown (``unknown_reason``).
    """
    meta = catalog.meta()
    rows = [fleet_cost(f, region, spot_discount) for f in fleets.all]
    priced = tuple(r for r in rows if r is not None)
    return CostEstimate(
        rows=priced if len(priced) == len(rows) else (),
        region=region,
        spot_discount=spot_discount,
        price_date=meta.price_date,
        assumptions=cost_assumptions(spot_discount),
        unknown_reason=None if len(priced) == len(rows) else f"no price for {region}",
    )
