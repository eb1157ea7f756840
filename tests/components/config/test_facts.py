"""components/config/facts.py: Regions, AZs, EMR releases, instance types and their architecture."""

from __future__ import annotations

import pytest

from components.config import facts
from components.emr.fleets import catalog as instance_catalog


def test_regions_come_from_botocore() -> None:
    assert {"us-east-1", "us-west-1", "eu-central-1", "cn-north-1", "us-gov-west-1"} <= facts.regions()
    assert "us-central-1" not in facts.regions()


def test_every_az_row_is_a_known_region() -> None:
    assert set(facts.az_letters()) <= facts.regions()


@pytest.mark.parametrize(
    ("az", "region", "ok"),
    [
        ("us-east-1a", "us-east-1", True),
        ("us-east-1f", "us-east-1", True),
        ("us-east-1g", "us-east-1", False),  # a letter past the region's last
        ("us-west-1c", "us-west-1", True),  # independently mapped: some accounts see b and c
        ("us-west-1d", "us-west-1", False),
        ("us-east-1", "us-east-1", False),  # the region name alone
        ("us-east-2a", "us-east-1", False),  # another region's AZ
        ("eu-central-1d", "eu-central-1", False),
    ],
)
def test_az_names(az: str, region: str, ok: bool) -> None:
    assert (facts.az_problem(az, region) is None) is ok, facts.az_problem(az, region)


def test_emr_releases_are_well_formed_and_include_the_default() -> None:
    from components.config.emr import EmrConfig

    releases = facts.emr_releases()
    assert all(r.startswith("emr-") and r.count(".") == 2 for r in releases)
    assert len(set(releases)) == len(releases)
    assert EmrConfig.model_fields["release_label"].default in releases
    assert not facts.emr_release_exists("emr-7.99.0")
    assert not facts.emr_release_exists("emr-6.8.1")  # no release page found: refused until sourced


def test_instance_types_come_from_the_ec2_model() -> None:
    assert facts.instance_type_exists("r6g.2xlarge")
    assert facts.instance_type_problem("m5.3xlarge") is not None
    assert "did you mean" in str(facts.instance_type_problem("r6x.large"))
    # every type of the fleet catalog exists in the EC2 model
    assert not [t for t in instance_catalog.catalog() if not facts.instance_type_exists(t)]


@pytest.mark.parametrize(
    ("itype", "arch"),
    [
        ("r5.2xlarge", "x86_64"),
        ("r6g.2xlarge", "arm64"),
        ("c7gn.large", "arm64"),
        ("im4gn.large", "arm64"),
        ("a1.large", "arm64"),
        ("g4ad.xlarge", "x86_64"),
        ("g5g.xlarge", "arm64"),
        ("m6a.large", "x86_64"),
    ],
)
def test_architecture(itype: str, arch: str) -> None:
    assert facts.architecture(itype) == arch


def test_architecture_rule_agrees_with_the_fleet_catalog() -> None:
    for itype, spec in instance_catalog.catalog().items():
        family = itype.split(".")[0]
        m = facts._FAMILY_RE.match(family)
        by_rule = "arm64" if family in facts._ARM_EXCEPTIONS or (m and "g" in m.group(3)) else "x86_64"
        assert by_rule == spec.architecture, itype
