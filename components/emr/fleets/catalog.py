"""The shipped table of EC2 instance types the fleet planner chooses from, and the selection filter.

The table lives in ``data/instance_types.csv`` (header comment: price date, sources, how derived figures were
computed; the ``price_source`` column says per row which price is listed and which derived). This module has no
dependency on the config model, so the config validators can use it to reject unknown families and capacity
requests that no catalog type can meet before any resource exists.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Architecture = Literal["x86_64", "arm64"]
LocalNvme = Literal["required", "excluded", "any"]

DATA_FILE = Path(__file__).parent / "data" / "instance_types.csv"

# Sizes in the order of their vCPU count; the catalog covers large..16xlarge where a family has them.
SIZES: tuple[str, ...] = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")

PRICE_COLUMN_PREFIX = "od_usd_per_hour_"
"""Each priced region has one column ``od_usd_per_hour_<region, dashes as underscores>``."""


@dataclass(frozen=True)
class InstanceSpec:
    """One row of the catalog."""

    instance_type: str
    family: str
    size: str
    vcpu: int
    memory_gib: float
    architecture: Architecture
    instance_store_gb: int
    """Local NVMe instance store per instance (GB); 0 when the type is EBS-only."""
    generation: int
    od_usd_per_hour: dict[str, float]
    """Linux On-Demand $/h per region (keys: the regions with a price column, ``priced_regions()``)."""
    emr_usd_per_hour: float
    """The EMR uplift $/h, charged on top of EC2 whether the instance is On-Demand or Spot."""
    price_source: str
    price_date: str
    """The date the row's prices were taken (``YYYY-MM-DD``)."""

    @property
    def memory_per_vcpu_gib(self) -> float:
        return self.memory_gib / self.vcpu

    @property
    def has_instance_store(self) -> bool:
        return self.instance_store_gb > 0

    def od_price(self, region: str) -> float | None:
        """Linux On-Demand $/h in ``region``; None when the catalog has no price there (the cost is unknown)."""
        return self.od_usd_per_hour.get(region)


@dataclass(frozen=True)
class CatalogMeta:
    price_date: str
    sources: str
    header: str


def _read() -> tuple[CatalogMeta, dict[str, InstanceSpec]]:
    header: list[str] = []
    rows: list[str] = []
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        (header if line.startswith("#") else rows).append(line)
    meta_fields: dict[str, str] = {}
    for line in header:
        m = re.match(r"^#\s*([a-z_]+):\s*(.*)$", line)
        if m:
            meta_fields[m.group(1)] = m.group(2)
    meta = CatalogMeta(
        price_date=meta_fields["price_date"],
        sources=meta_fields["sources"],
        header="\n".join(line.lstrip("# ").rstrip() for line in header),
    )
    table: dict[str, InstanceSpec] = {}
    reader = csv.DictReader(rows)
    price_columns = {
        c: c.removeprefix(PRICE_COLUMN_PREFIX).replace("_", "-")
        for c in reader.fieldnames or ()
        if c.startswith(PRICE_COLUMN_PREFIX)
    }
    for rec in reader:
        arch = rec["architecture"]
        if arch not in ("x86_64", "arm64"):
            raise ValueError(f"{DATA_FILE.name}: {rec['instance_type']}: unknown architecture {arch!r}")
        spec = InstanceSpec(
            instance_type=rec["instance_type"],
            family=rec["family"],
            size=rec["size"],
            vcpu=int(rec["vcpu"]),
            memory_gib=float(rec["memory_gib"]),
            architecture="arm64" if arch == "arm64" else "x86_64",
            instance_store_gb=int(rec["instance_store_gb"]),
            generation=int(rec["generation"]),
            od_usd_per_hour={region: float(rec[column]) for column, region in price_columns.items() if rec[column]},
            emr_usd_per_hour=float(rec["emr_usd_per_hour"]),
            price_source=rec["price_source"],
            price_date=rec["price_date"],
        )
        table[spec.instance_type] = spec
    return meta, table


@functools.cache
def _loaded() -> tuple[CatalogMeta, dict[str, InstanceSpec]]:
    return _read()


def catalog() -> dict[str, InstanceSpec]:
    """Every instance type in the shipped table, by name."""
    return _loaded()[1]


def meta() -> CatalogMeta:
    """The price date and sources recorded in the table's header."""
    return _loaded()[0]


def priced_regions() -> tuple[str, ...]:
    """Regions with an On-Demand price for every catalog type (a region priced for some types only is left out)."""
    table = catalog().values()
    regions = set.intersection(*(set(s.od_usd_per_hour) for s in table)) if table else set()
    return tuple(sorted(regions))


def families() -> frozenset[str]:
    return frozenset(spec.family for spec in catalog().values())


def family_architecture(family: str) -> Architecture:
    for spec in catalog().values():
        if spec.family == family:
            return spec.architecture
    raise KeyError(family)


def spec(instance_type: str) -> InstanceSpec:
    try:
        return catalog()[instance_type]
    except KeyError:
        raise ValueError(
            f"{instance_type} is not in the instance catalog ({DATA_FILE.name}); use one of its families "
            f"({', '.join(sorted(families()))}) in sizes {', '.join(SIZES)}"
        ) from None


@dataclass(frozen=True)
class Selection:
    """The outcome of filtering the catalog for one fleet request, before the diversity cap."""

    matching: tuple[InstanceSpec, ...]
    """Types that pass every filter, diversity-ordered (round-robin over families)."""
    rejected_by: dict[str, int]
    """For an empty or thin selection: how many candidates each filter removed (for error messages)."""


def select(
    *,
    families: Sequence[str],
    sizes: Sequence[str],
    architecture: Architecture,
    min_memory_per_vcpu_gib: float = 0.0,
    local_nvme: LocalNvme = "any",
    min_generation: int = 0,
    max_weight: int | None = None,
) -> Selection:
    """Filter the catalog and order the survivors for diversity.

    Order: round-robin over ``families`` in the order given (the first size of every family, then the second
    size of every family, ...), sizes in the order given. Capping the result at N therefore spreads the N types
    over as many families as possible. ``max_weight`` drops types whose vCPU (their weighted capacity) exceeds
    it, so that one instance never overshoots the target capacity it is meant to fill.
    """
    table = catalog()
    rejected = {"size": 0, "architecture": 0, "minMemoryPerVcpuGib": 0, "localNvme": 0, "minGeneration": 0, "weight": 0}
    per_family: list[list[InstanceSpec]] = []
    for family in families:
        kept: list[InstanceSpec] = []
        for size in sizes:
            candidate = table.get(f"{family}.{size}")
            if candidate is None:
                rejected["size"] += 1
            elif candidate.architecture != architecture:
                rejected["architecture"] += 1
            elif candidate.memory_per_vcpu_gib + 1e-9 < min_memory_per_vcpu_gib:
                rejected["minMemoryPerVcpuGib"] += 1
            elif (local_nvme == "required" and not candidate.has_instance_store) or (
                local_nvme == "excluded" and candidate.has_instance_store
            ):
                rejected["localNvme"] += 1
            elif candidate.generation < min_generation:
                rejected["minGeneration"] += 1
            elif max_weight is not None and candidate.vcpu > max_weight:
                rejected["weight"] += 1
            else:
                kept.append(candidate)
        per_family.append(kept)
    ordered: list[InstanceSpec] = []
    for depth in range(max((len(k) for k in per_family), default=0)):
        ordered.extend(kept[depth] for kept in per_family if depth < len(kept))
    return Selection(matching=tuple(ordered), rejected_by={k: v for k, v in rejected.items() if v})


def family_of(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


def distinct_families(types: Iterable[str]) -> frozenset[str]:
    return frozenset(family_of(t) for t in types)
