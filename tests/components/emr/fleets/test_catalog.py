"""The shipped instance catalog: complete for the families we use, internally consistent, priced with a source."""

from __future__ import annotations

import re

import pytest

from components.emr.fleets import catalog
from components.emr.fleets.catalog import SIZES

FAMILIES_WE_USE = (
    "m5",
    "m5a",
    "m5d",
    "m5ad",
    "m6i",
    "m6id",
    "m6a",
    "m7i",
    "m7a",
    "r5",
    "r5a",
    "r5d",
    "r6i",
    "r6id",
    "r6a",
    "r7i",
    "c5",
    "c5a",
    "c5d",
    "c6i",
    "c6id",
    "c6a",
    "c7i",
    "i3",
    "i4i",
    "m6g",
    "m6gd",
    "m7g",
    "r6g",
    "r6gd",
    "r7g",
    "c6g",
    "c7g",
)

# vCPU per size for the families in the catalog (large = 2 vCPU, doubling; 12xlarge = 48).
VCPU = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64}


def test_header_records_price_date_and_sources() -> None:
    meta = catalog.meta()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.price_date)
    assert "aws.amazon.com/ec2/pricing" in meta.sources
    assert "aws.amazon.com/emr/pricing" in meta.sources


def test_every_family_we_use_is_in_the_catalog() -> None:
    assert set(FAMILIES_WE_USE) <= catalog.families()


@pytest.mark.parametrize("family", FAMILIES_WE_USE)
def test_family_rows_are_consistent(family: str) -> None:
    rows = [s for s in catalog.catalog().values() if s.family == family]
    assert {"large", "xlarge", "2xlarge", "4xlarge"} <= {r.size for r in rows}
    generation = int(re.match(r"^[a-z]+(\d)", family).group(1))  # type: ignore[union-attr]
    graviton = re.match(r"^[a-z]+\d+g", family) is not None
    has_nvme = family.endswith("d") or family.startswith("i")
    per_vcpu_price = {round(r.od_usd_per_hour["us-east-1"] / r.vcpu, 6) for r in rows}
    for r in rows:
        assert r.instance_type == f"{family}.{r.size}"
        assert r.size in SIZES
        assert r.vcpu == VCPU[r.size]
        assert r.generation == generation
        assert r.architecture == ("arm64" if graviton else "x86_64")
        assert r.has_instance_store == has_nvme
        assert r.memory_gib > 0
        # Prices: positive, us-west-1 dearer than us-east-1, EMR uplift a fraction of EC2.
        assert 0 < r.od_usd_per_hour["us-east-1"] <= r.od_usd_per_hour["us-west-1"]
        assert 0 < r.emr_usd_per_hour < r.od_usd_per_hour["us-east-1"]
        assert r.price_source
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.price_date)
    # These families are priced linearly by size: one $/vCPU per family.
    assert len(per_vcpu_price) == 1


def test_memory_ratio_matches_the_family_class() -> None:
    for s in catalog.catalog().values():
        expected = {"m": 4.0, "r": 8.0, "c": 2.0}.get(s.family[0])
        if expected is not None:
            assert s.memory_per_vcpu_gib == expected, s.instance_type


def test_derived_prices_are_marked() -> None:
    """A us-west-1 price without a listing is derived and says so; the EMR uplift is always derived here."""
    for s in catalog.catalog().values():
        assert "ec2 us-east-1: price list" in s.price_source
        assert ("ec2 us-west-1: price list" in s.price_source) != ("ec2 us-west-1: derived" in s.price_source)
        assert "emr: derived" in s.price_source


def test_unknown_type_raises_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not in the instance catalog"):
        catalog.spec("m6i.24xlarge")


def test_a_region_without_a_price_column_has_no_price() -> None:
    """No price is ever made up: a region the catalog does not price gives None (the cost reads unknown)."""
    assert catalog.spec("m6i.xlarge").od_price("eu-central-1") is None
    assert catalog.priced_regions() == ("us-east-1", "us-west-1")
    assert all(set(s.od_usd_per_hour) == {"us-east-1", "us-west-1"} for s in catalog.catalog().values())


# --- selection ----------------------------------------------------------------------------------------------


def test_selection_is_round_robin_over_families() -> None:
    families = ["m6i", "r6i", "c6i", "m5"]
    sel = catalog.select(families=families, sizes=["xlarge", "2xlarge"], architecture="x86_64")
    names = [s.instance_type for s in sel.matching]
    assert names[: len(families)] == [f"{f}.xlarge" for f in families]
    assert names[len(families) :] == [f"{f}.2xlarge" for f in families]


@pytest.mark.parametrize(
    ("kwargs", "holds"),
    [
        ({"architecture": "arm64"}, lambda s: s.architecture == "arm64"),
        ({"local_nvme": "required"}, lambda s: s.has_instance_store),
        ({"local_nvme": "excluded"}, lambda s: not s.has_instance_store),
        ({"min_memory_per_vcpu_gib": 8}, lambda s: s.memory_per_vcpu_gib >= 8),
        ({"min_generation": 6}, lambda s: s.generation >= 6),
        ({"max_weight": 8}, lambda s: s.vcpu <= 8),
    ],
    ids=["arm64", "nvme-required", "nvme-excluded", "memory", "generation", "weight"],
)
def test_selection_filters(kwargs: dict[str, object], holds: object) -> None:
    base: dict[str, object] = {
        "families": sorted(catalog.families()),
        "sizes": list(SIZES),
        "architecture": "x86_64",
    }
    base.update(kwargs)
    sel = catalog.select(**base)  # type: ignore[arg-type]
    assert sel.matching
    assert all(holds(s) for s in sel.matching)  # type: ignore[operator]
    assert sel.rejected_by  # something was filtered out, and the reason is counted


def test_empty_selection_reports_why() -> None:
    sel = catalog.select(families=["m6i", "r6i"], sizes=["xlarge"], architecture="x86_64", local_nvme="required")
    assert sel.matching == ()
    assert sel.rejected_by == {"localNvme": 2}
