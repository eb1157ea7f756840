"""The whole stack's hourly cost (estimate): EMR fleets plus what the recorded plan builds around them.

Lines: the EMR clusters (``components/emr/fleets/cost.py``, catalog prices), NAT gateways, interface VPC endpoints
(per endpoint per AZ), the EKS control plane, the EKS managed node groups at their desired size, and cross-region
transfer at a stated volume (``CROSS_REGION_GB_PER_HOUR``). Counts come from the recorded plan (what the program
really registers); prices from ``data/service_prices.csv`` (each row with basis, source and date) and the instance
catalog. A line without a price reads ``unknown (no price for <what>)`` and makes the total unknown: the known
part is shown as a floor, never as the total.
"""

from __future__ import annotations

import csv
import functools
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from components.config import StackConfig
from components.emr.fleets import catalog
from components.emr.fleets.cost import unknown_text
from components.emr.fleets.report import stack_clusters, summarize

from .recorder import Plan

PRICES_CSV = Path(__file__).resolve().parent / "data" / "service_prices.csv"

CROSS_REGION_GB_PER_HOUR = 10.0
"""Assumed volume the burst cluster reads from the on-prem side across the peering: 10 GB per hour (about 7.3 TB a
month). An assumption, not a measurement: scale the transfer line by your own volume. Inter-region transfer is
charged to the sending region, here the on-prem side."""


@dataclass(frozen=True)
class Price:
    item: str
    region: str
    usd: float
    unit: str
    basis: str
    source: str
    date: str

    @property
    def label(self) -> str:
        return f"{self.basis}, {self.date}: {self.source}"


@functools.cache
def prices() -> dict[tuple[str, str], Price]:
    """The price table by (item, region); region ``*`` applies to every region."""
    rows = [line for line in PRICES_CSV.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    table: dict[tuple[str, str], Price] = {}
    for rec in csv.DictReader(rows):
        price = Price(
            item=rec["item"],
            region=rec["region"],
            usd=float(rec["usd"]),
            unit=rec["unit"],
            basis=rec["basis"],
            source=rec["source"],
            date=rec["date"],
        )
        table[(price.item, price.region)] = price
    return table


def price(item: str, region: str) -> Price | None:
    table = prices()
    return table.get((item, region)) or table.get((item, "*"))


@dataclass(frozen=True)
class CostLine:
    """One line of the stack cost: what, where, how many, at what price (or why unknown)."""

    item: str
    where: str
    quantity: float
    unit: str
    usd_per_hour: float | None
    basis: str
    """Where the figure comes from: a price row's basis, source and date, or how it was derived."""
    unknown_reason: str | None = None

    @property
    def text(self) -> str:
        if self.usd_per_hour is None:
            return unknown_text(self.unknown_reason or "no price")
        return f"${self.usd_per_hour:,.3f}"


def _priced(item: str, where: str, *, region: str, quantity: float, unit: str, key: str) -> CostLine:
    p = price(key, region)
    if p is None:
        return CostLine(item, where, quantity, unit, None, "-", f"no price for {key} in {region}")
    return CostLine(item, where, quantity, unit, quantity * p.usd, f"{p.usd:g} {p.unit} ({p.label})")


def _emr_lines(cfg: StackConfig) -> list[CostLine]:
    return [
        CostLine(
            "EMR cluster (fleets at target)",
            f"{s.key} ({s.region})",
            sum(f.target_capacity for f in s.fleets.all),
            "vCPU units",
            s.cost.total,
            "-" if s.cost.unknown_reason else f"derived: catalog prices of {s.cost.price_date} (EMR fleets section)",
            s.cost.unknown_reason,
        )
        for s in summarize(stack_clusters(cfg), cfg.emr.spot_discount)
    ]


def _node_group_line(name: str, region: str, inputs: dict, spot_discount: float) -> CostLine:
    size = int((inputs.get("scalingConfig") or {}).get("desiredSize") or 0)
    market = inputs.get("capacityType") or "ON_DEMAND"
    types = list(inputs.get("instanceTypes") or [])
    known = [catalog.catalog()[t].od_price(region) for t in types if t in catalog.catalog()]
    rates = [r for r in known if r is not None]
    where = f"{name} ({region}, {market}, desired {size})"
    if not rates:
        why = f"no price for {', '.join(types) or 'its instance types'} in {region}"
        return CostLine("EKS managed node group", where, size, "node(s)", None, "-", why)
    rate = statistics.median(rates) * ((1 - spot_discount) if market == "SPOT" else 1.0)
    spot = f" x (1 - {spot_discount:.0%} assumed Spot discount, emr.spotDiscount)" if market == "SPOT" else ""
    basis = (
        f"derived: median catalog On-Demand price of {len(rates)} of its {len(types)} types{spot}, "
        f"catalog prices of {catalog.meta().price_date}"
    )
    return CostLine("EKS managed node group", where, size, "node(s)", size * rate, basis)


def stack_cost_lines(cfg: StackConfig, plan: Plan) -> list[CostLine]:
    """Every cost line of the stack, from its config (EMR fleets) and its recorded plan (everything else)."""
    lines = _emr_lines(cfg)
    nats: Counter[str] = Counter()
    endpoint_azs: Counter[str] = Counter()
    clusters: Counter[str] = Counter()
    for res in plan.resources:
        region = res.region or cfg.regions.compute
        if res.type == "aws:ec2/natGateway:NatGateway":
            nats[region] += 1
        elif res.type == "aws:ec2/vpcEndpoint:VpcEndpoint" and res.inputs.get("vpcEndpointType") == "Interface":
            endpoint_azs[region] += len(res.inputs.get("subnetIds") or [])
        elif res.type == "eks:index:Cluster":
            clusters[region] += 1
        elif res.type == "eks:index:ManagedNodeGroup":
            lines.append(_node_group_line(res.name, region, res.inputs, cfg.emr.spot_discount))
    for region, n in sorted(nats.items()):
        lines.append(
            _priced(
                "NAT gateway (hourly charge)",
                region,
                region=region,
                quantity=n,
                unit="gateway(s)",
                key="nat-gateway-hour",
            )
        )
    for region, n in sorted(endpoint_azs.items()):
        lines.append(
            _priced(
                "Interface VPC endpoints (hourly)",
                region,
                region=region,
                quantity=n,
                unit="endpoint-AZs",
                key="interface-endpoint-az-hour",
            )
        )
    for region, n in sorted(clusters.items()):
        lines.append(
            _priced("EKS control plane", region, region=region, quantity=n, unit="cluster(s)", key="eks-cluster-hour")
        )
    if cfg.regions.onprem is None:
        # External mode: the on-prem data arrives over the VPN/Direct Connect, priced by the customer's link, not as
        # inter-region transfer (the VPN connection and transit gateway hours are not in the price table).
        return lines
    corridor = f"{cfg.regions.onprem}>{cfg.regions.compute}"
    lines.append(
        _priced(
            "Cross-region transfer (on-prem to compute)",
            corridor.replace(">", " -> "),
            region=corridor,
            quantity=CROSS_REGION_GB_PER_HOUR,
            unit="GB/h (assumed, CROSS_REGION_GB_PER_HOUR)",
            key="inter-region-transfer-gb",
        )
    )
    return lines


def stack_total(lines: list[CostLine]) -> tuple[float, list[CostLine]]:
    """(sum of the priced lines, the unknown lines). The stack total is known only when no line is unknown."""
    known = sum(line.usd_per_hour or 0.0 for line in lines)
    return known, [line for line in lines if line.usd_per_hour is None]


_NOTE = (
    "Estimate, not a quote, USD per hour. Counts from the recorded plan; every price names its basis, source and "
    "date (scripts/offline/data/service_prices.csv, components/emr/fleets/data/instance_types.csv). 'derived' lines "
    "are computed from catalog prices, not listed. Not included: NAT and endpoint data processing (per GB), EBS, "
    "S3, CloudWatch, KMS requests."
)


def _total_text(lines: list[CostLine]) -> str:
    known, unknown = stack_total(lines)
    if unknown:
        return f"unknown ({len(unknown)} line(s) without a price; the priced lines sum to ${known:,.2f}/h)"
    return f"${known:,.2f}/h"


def to_markdown(lines: list[CostLine]) -> str:
    out = ["| Item | Where | Quantity | USD/h | Price basis (source, date) |", "|---|---|---|---|---|"]
    out += [
        f"| {line.item} | {line.where} | {line.quantity:g} {line.unit} | {line.text} | {line.basis} |" for line in lines
    ]
    out += [f"| **stack total** | | | **{_total_text(lines)}** | |", "", f"_{_NOTE}_", ""]
    return "\n".join(out)


def to_console(lines: list[CostLine]) -> str:
    out = ["Stack cost (estimate, USD/h):"]
    out += [f"  {line.item:<44} {line.where:<38} {line.text}" for line in lines]
    out.append(f"  stack total: {_total_text(lines)}")
    return "\n".join(out)
