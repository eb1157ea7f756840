"""External mode (``hybrid-burst:onprem.mode: external``), on the shipped example stack: compute only, a VPN on a
transit gateway, DNS forwarding, the burst side pointed at the configured NameNodes and metastores (issue 13)."""

from __future__ import annotations

import ipaddress
import json

import pytest

from components.config import load_stack_config
from scripts.offline.recorder import Plan, read_stack_config
from scripts.offline.report import mermaid
from tests.stack.conftest import recorded
from tests.stacks import external_stacks, proxy_stacks

STACK = "example-external"
T_CLUSTER = "aws:emr/cluster:Cluster"
T_ROUTE = "aws:ec2/route:Route"
T_TABLE = "aws:ec2/routeTable:RouteTable"
T_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
T_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return recorded(STACK)


def test_the_example_is_the_external_stack_and_the_others_are_proxies() -> None:
    assert external_stacks() == [STACK]
    assert set(proxy_stacks()) == {"dev", "staging", "prod"}


def test_no_onprem_region_provider_vpc_or_cluster(plan: Plan) -> None:
    cfg = load_stack_config(read_stack_config(STACK), stack=STACK)
    providers = [r for r in plan.resources if r.type == "pulumi:providers:aws"]
    assert [p.name for p in providers] == ["compute"]
    assert {r.region for r in plan.custom_resources if r.type.startswith("aws:")} == {cfg.regions.compute}
    assert [c.name for c in plan.of_type(T_CLUSTER)] == ["burst-cluster"]
    components = {r.type.split(":")[-1] + " " + r.name for r in plan.resources if r.type.startswith("hybrid-burst:")}
    assert not any(name.endswith(" onprem") or (" onprem-" in name and "onprem-link" not in name
                   and "onprem-dns" not in name) for name in components), components
    for absent in ("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:route53/zone:Zone"):
        assert plan.of_type(absent) == [], absent
    assert not any(k.startswith("onprem_vpc") or k == "peering_connection_id" for k in plan.outputs)


def test_vpn_on_a_transit_gateway_with_bgp(plan: Plan) -> None:
    (cgw,) = plan.of_type("aws:ec2/customerGateway:CustomerGateway")
    (vpn,) = plan.of_type("aws:ec2/vpnConnection:VpnConnection")
    (tgw,) = plan.of_type("aws:ec2transitgateway/transitGateway:TransitGateway")
    (attach,) = plan.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
    assert (cgw.inputs["ipAddress"], cgw.inputs["bgpAsn"]) == ("203.0.113.10", "65010")
    assert vpn.inputs["transitGatewayId"] == tgw.id
    assert vpn.inputs["staticRoutesOnly"] is False
    assert attach.inputs["vpcId"] == plan.outputs["compute_vpc_id"]
    assert attach.inputs["subnetIds"] == plan.outputs["compute_private_subnet_ids"]
    assert plan.outputs["onprem_vpn_connection_id"] == vpn.id
    assert plan.outputs["onprem_gateway_id"] == tgw.id


def test_every_private_route_table_routes_onprem_through_the_transit_gateway(plan: Plan) -> None:
    (tgw,) = plan.of_type("aws:ec2transitgateway/transitGateway:TransitGateway")
    private = {t.id for t in plan.of_type(T_TABLE) if t.name.startswith("compute-private-rt-")}
    to_onprem = [r for r in plan.of_type(T_ROUTE) if r.inputs["destinationCidrBlock"] == "192.168.0.0/16"]
    assert {r.inputs["routeTableId"] for r in to_onprem} == private
    assert all(r.inputs["transitGatewayId"] == tgw.id for r in to_onprem)


def test_the_onprem_domain_is_forwarded_to_the_onprem_dns(plan: Plan) -> None:
    (rule,) = plan.of_type("aws:route53/resolverRule:ResolverRule")
    (assoc,) = plan.of_type("aws:route53/resolverRuleAssociation:ResolverRuleAssociation")
    assert rule.inputs["domainName"] == "corp.example.com"
    assert [t["ip"] for t in rule.inputs["targetIps"]] == ["192.168.1.10", "192.168.1.11"]
    assert assoc.inputs["vpcId"] == plan.outputs["compute_vpc_id"]
    assert plan.outputs["onprem_dns_resolver_rule_id"] == rule.id


def test_burst_nodes_open_only_hadoop_and_kerberos_ports_to_the_onprem_ranges(plan: Plan) -> None:
    group = plan.outputs["onprem_access_security_group_id"]
    rules = [r for r in plan.of_type(T_EGRESS) if r.inputs["securityGroupId"] == group]
    assert sorted({(r.inputs["ipProtocol"], r.inputs["fromPort"]) for r in rules}) == [
        ("tcp", 88), ("tcp", 749), ("tcp", 8020), ("tcp", 9083), ("tcp", 9866), ("udp", 88),
    ]
    onprem = ipaddress.ip_network("192.168.0.0/16")
    assert all(ipaddress.ip_network(r.inputs["cidrIpv4"]) == onprem for r in rules)
    (cluster,) = plan.of_type(T_CLUSTER)
    assert group in cluster.inputs["ec2Attributes"]["additionalMasterSecurityGroups"]
    assert group in cluster.inputs["ec2Attributes"]["additionalSlaveSecurityGroups"]


def test_alluxio_mounts_the_ha_nameservice_and_trino_reads_the_configured_metastores(plan: Plan) -> None:
    (cluster,) = plan.of_type(T_CLUSTER)
    args = next(a["args"] for a in cluster.inputs["bootstrapActions"] if a["name"] == "alluxio-bootstrap")
    pairs = list(zip(args[::2], args[1::2], strict=False))
    assert ("--nameservice", "corp-hdfs") in pairs
    assert [v for k, v in pairs if k == "--ha-namenode"] == ["nn1.corp.example.com:8020", "nn2.corp.example.com:8020"]
    assert ("--namenode-name", "nn1.corp.example.com") in pairs
    catalog = next(o for o in plan.of_type(T_OBJECT) if o.name == "burst-artifact-onprem.properties")
    props = dict(line.split("=", 1) for line in catalog.inputs["content"].splitlines())
    assert props["hive.metastore.uri"] == "thrift://hms1.corp.example.com:9083,thrift://hms2.corp.example.com:9083"
    assert plan.outputs["onprem_namenode_name"] == "nn1.corp.example.com"
    assert plan.outputs["onprem_metastore_name"] == "hms1.corp.example.com"


def test_report_diagram_shows_the_onprem_side_as_external(plan: Plan) -> None:
    diagram = mermaid(plan)
    assert 'subgraph onprem_external["on-prem data centre (external: not managed by this stack)"]' in diagram
    assert "n_OnpremConnection_onprem_link -.-> n_onprem_external" in diagram
    assert "us-west-1" not in diagram
    proxy = mermaid(recorded("dev"))
    assert "onprem_external" not in proxy


def test_outputs_name_the_mode(plan: Plan) -> None:
    assert plan.outputs["onprem_mode"] == "external"
    assert plan.outputs["onprem_cidrs"] == ["192.168.0.0/16"]
    assert plan.outputs["regions"] == {"compute": "us-east-1"}
    assert json.dumps(plan.outputs, default=str)
