"""Stable on-prem endpoint names: private zone on both VPCs, records pointing at the on-prem primary."""

from __future__ import annotations

from ._stack_plans import recorded

ZONE = "aws:route53/zone:Zone"
ASSOC = "aws:route53/zoneAssociation:ZoneAssociation"
RECORD = "aws:route53/record:Record"


def test_private_zone_is_associated_with_both_vpcs() -> None:
    plan = recorded("dev")
    zone = plan.one(ZONE)
    compute_vpc = plan.one("aws:ec2/vpc:Vpc", "compute-vpc")
    onprem_vpc = plan.one("aws:ec2/vpc:Vpc", "onprem-vpc")
    assert zone.inputs["name"] == "onprem.hybrid-burst.internal"
    assert [v["vpcId"] for v in zone.inputs["vpcs"]] == [compute_vpc.id]
    assert "vpcs" in zone.options["ignoreChanges"], "the association must not be undone by the inline list"
    assoc = plan.one(ASSOC)
    assert assoc.inputs["vpcId"] == onprem_vpc.id
    assert assoc.inputs["vpcRegion"] == "us-west-1"
    assert assoc.region == "us-west-1"
    assert assoc.inputs["zoneId"] == zone.outputs["zoneId"]


def test_records_point_at_the_onprem_primary() -> None:
    plan = recorded("dev")
    onprem = plan.one("aws:emr/cluster:Cluster", "onprem-cluster")
    records = {r.inputs["name"]: r for r in plan.of_type(RECORD)}
    assert set(records) == {"namenode.onprem.hybrid-burst.internal", "metastore.onprem.hybrid-burst.internal"}
    for rec in records.values():
        assert rec.inputs["type"] == "CNAME"
        assert rec.inputs["records"] == [onprem.outputs["masterPublicDns"]]
        assert onprem.urn in rec.property_dependencies["records"]
