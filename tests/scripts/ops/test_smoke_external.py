"""smoke.py on an external-mode stack (``onprem.mode: external``, ADR 0009), seeded in moto's server from the recorded
example-external plan: the compute VPC, the transit gateway and its routes to the on-prem CIDRs, the VPN connection,
the Resolver forwarding rule and its association with the compute VPC (moto emulates all of these), the burst cluster,
buckets, catalog settings and alarm topic.

moto's ``DescribeVpnConnections`` has no tunnel telemetry (``VgwTelemetry``), so that one call is answered by
botocore's ``Stubber`` on a client of the real EC2 service model (request and response validated against the model's
shapes); every other call goes to moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from scripts.offline.recorder import Plan
from scripts.ops import smoke
from scripts.ops.aws import ClientFactory, client_factory
from tests import plan_cache
from tests.scripts.ops.plan_seed import SeededStack, seed_catalog_encryption, seed_from_plan

STACK = "example-external"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_cache.recorded(STACK)


@pytest.fixture
def seeded(aws: ClientFactory, plan: Plan) -> SeededStack:
    from scripts.ops.resize_fleets import expected_specifications
    from scripts.ops.runbook import load_stack_config

    return seed_from_plan(aws, plan, expected_specifications(load_stack_config(STACK)))


@pytest.fixture(scope="module")
def expected() -> smoke.Expected:
    return smoke.stack_expectations(STACK)[0]


class _Ec2WithTunnels:
    """moto's EC2 client, except ``DescribeVpnConnections``: a Stubber answers it with these tunnel states."""

    def __init__(self, real: Any, vpn_id: str, tunnels: list[str]) -> None:
        self._real = real
        self._stubbed = client_factory()("ec2", real.meta.region_name)
        self._stubber = Stubber(self._stubbed)
        self._stubber.add_response(
            "describe_vpn_connections",
            {"VpnConnections": [{
                "VpnConnectionId": vpn_id, "State": "available", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1",
                "VgwTelemetry": [{"Status": status, "OutsideIpAddress": f"198.51.100.{i}"}
                                 for i, status in enumerate(tunnels, 1)],
            }]},
            {"VpnConnectionIds": [vpn_id]},
        )
        self._stubber.activate()

    def describe_vpn_connections(self, **kwargs: Any) -> Any:
        return self._stubbed.describe_vpn_connections(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _clients(aws: ClientFactory, seeded: SeededStack, tunnels: list[str]) -> ClientFactory:
    base = seeded.clients(aws)

    def factory(service: str, region: str) -> Any:
        client = base(service, region)
        if service == "ec2":
            return _Ec2WithTunnels(client, seeded.outputs["onprem_vpn_connection_id"], tunnels)
        return client

    return factory


def _run(aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected, tunnels: list[str]) -> list[Any]:
    try:
        return smoke.run_checks(seeded.outputs, _clients(aws, seeded, tunnels), expected)
    finally:
        seed_catalog_encryption(aws, plan_cache.recorded(STACK))


def test_an_external_mode_stack_passes_with_one_tunnel_up(
    aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected
) -> None:
    assert expected.onprem_mode == "external"
    results = _run(aws, seeded, expected, ["UP", "DOWN"])
    assert [r.name for r in results if not r.ok] == []
    names = {r.name for r in results}
    assert {"compute VPC", "VPN tunnel up", "routes compute -> on-prem 192.168.0.0/16", "Resolver forwarding rule",
            "Resolver rule associated with the compute VPC", "EMR burst cluster state",
            "s3 compute/raw encryption", "SNS compute alarm topic KMS"} <= names
    assert not any("onprem" in n or "peering" in n.lower() for n in names), "no on-prem side checks"
    assert "1 of 2 tunnel(s) UP" in next(r.detail for r in results if r.name == "VPN tunnel up")


def test_all_tunnels_down_fails_and_main_exits_1(
    aws: ClientFactory, seeded: SeededStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(seeded.outputs))
    try:
        code = smoke.main([str(path), "--stack", STACK], clients=_clients(aws, seeded, ["DOWN", "DOWN"]))
    finally:
        seed_catalog_encryption(aws, plan_cache.recorded(STACK))
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  VPN tunnel up:" in out
    assert " 1 failed" in out


def test_a_missing_resolver_association_fails(
    aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected
) -> None:
    region = seeded.outputs["regions"]["compute"]
    resolver = aws("route53resolver", region)
    resolver.disassociate_resolver_rule(
        ResolverRuleId=seeded.outputs["onprem_dns_resolver_rule_id"], VPCId=seeded.outputs["compute_vpc_id"])
    results = _run(aws, seeded, expected, ["UP", "UP"])
    assert [r.name for r in results if not r.ok] == ["Resolver rule associated with the compute VPC"]
    assert smoke.exit_code(results) == 1


def test_a_missing_route_to_onprem_fails(aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected) -> None:
    ec2 = aws("ec2", seeded.outputs["regions"]["compute"])
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [seeded.outputs["compute_vpc_id"]]}])
    for table in tables["RouteTables"]:
        for route in table["Routes"]:
            if route.get("TransitGatewayId"):
                ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=route["DestinationCidrBlock"])
    results = _run(aws, seeded, expected, ["UP", "UP"])
    assert [r.name for r in results if not r.ok] == ["routes compute -> on-prem 192.168.0.0/16"]


def test_external_outputs_are_required_and_the_mode_must_match(
    seeded: SeededStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = {k: v for k, v in seeded.outputs.items() if k != "onprem_dns_resolver_rule_id"}
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    assert smoke.main([str(path), "--stack", STACK]) == 2
    assert "onprem_dns_resolver_rule_id: missing" in capsys.readouterr().err
    path.write_text(json.dumps(seeded.outputs))
    assert smoke.main([str(path), "--stack", "dev"]) == 2
    err = capsys.readouterr().err
    assert "onprem_mode: 'external', but the stack config says 'proxy'" in err
    assert "peering_connection_id: missing" in err
