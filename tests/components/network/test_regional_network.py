"""RegionalNetwork invariants, checked on the component built directly and on both sides of every real stack.

Expectations come from the arguments given (component cases) or from the validated stack config (stack cases),
never from hard-coded results.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from parliament import analyze_policy_string

from components.config import load_stack_config
from components.emr.tags import EMR_MANAGED_TAG
from components.network.regional_network import RegionalNetwork, RegionalNetworkArgs
from scripts.offline.recorder import Plan, RecordedResource, available_stacks, read_stack_config, record
from tests import plan_cache
from tests.conftest import in_region
from tests.stacks import sides

T_VPC = "aws:ec2/vpc:Vpc"
T_SUBNET = "aws:ec2/subnet:Subnet"
T_TABLE = "aws:ec2/routeTable:RouteTable"
T_ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
T_ROUTE = "aws:ec2/route:Route"
T_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
T_NAT = "aws:ec2/natGateway:NatGateway"
T_IGW = "aws:ec2/internetGateway:InternetGateway"
T_EIP = "aws:ec2/eip:Eip"
T_SG = "aws:ec2/securityGroup:SecurityGroup"
T_DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
T_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
T_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
T_FLOW_LOG = "aws:ec2/flowLog:FlowLog"
T_ROLE = "aws:iam/role:Role"
T_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
T_KMS_KEY = "aws:kms/key:Key"
COMPONENT = "hybrid-burst:network:RegionalNetwork"

GIVEN_KEY = "arn:aws:kms:us-west-1:123456789012:key/0b9d6c1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e"


@dataclass(frozen=True)
class Expect:
    """What one network must look like, derived from its inputs."""

    name: str
    region: str
    cidr: str
    subnet_cidrs: Sequence[str]
    az_names: Sequence[str] | None
    nat: bool
    endpoints: Sequence[str]
    retention: int
    given_key_arn: str | None


def _minimal() -> tuple[Callable[[], None], Expect]:
    exp = Expect(
        name="lake",
        region="us-west-1",
        cidr="10.10.0.0/16",
        subnet_cidrs=["10.10.0.0/20", "10.10.16.0/20"],
        az_names=["us-west-1b", "us-west-1c"],
        nat=False,
        endpoints=[],
        retention=14,
        given_key_arn=GIVEN_KEY,
    )

    def program() -> None:
        RegionalNetwork(
            exp.name,
            RegionalNetworkArgs(
                region=exp.region,
                cidr=exp.cidr,
                private_subnet_cidrs=exp.subnet_cidrs,
                az_names=exp.az_names,
                flow_log_retention_days=exp.retention,
                logs_kms_key_arn=GIVEN_KEY,
            ),
            opts=in_region("onprem", exp.region),
        )

    return program, exp


def _nat_and_endpoints() -> tuple[Callable[[], None], Expect]:
    exp = Expect(
        name="burst",
        region="us-east-1",
        cidr="10.20.0.0/16",
        subnet_cidrs=["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"],
        az_names=None,  # looked up through getAvailabilityZones
        nat=True,
        endpoints=["sts", "logs", "elasticmapreduce"],
        retention=90,
        given_key_arn=None,  # the component creates its own key
    )

    def program() -> None:
        RegionalNetwork(
            exp.name,
            RegionalNetworkArgs(
                region=exp.region,
                cidr=exp.cidr,
                private_subnet_cidrs=exp.subnet_cidrs,
                nat_gateway=True,
                public_subnet_cidr="10.20.240.0/20",
                interface_endpoints=exp.endpoints,
                flow_log_retention_days=exp.retention,
                account_id="123456789012",
            ),
            opts=in_region("compute", exp.region),
        )

    return program, exp


COMPONENT_CASES: dict[str, Callable[[], tuple[Callable[[], None], Expect]]] = {
    "component-minimal": _minimal,
    "component-nat-endpoints": _nat_and_endpoints,
}
STACK_CASES = [f"{stack}:{side}" for stack in available_stacks() for side in sides(stack)]
CASES = [*COMPONENT_CASES, *STACK_CASES]


@dataclass
class Case:
    plan: Plan
    expect: Expect
    component: RecordedResource

    def of(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.plan.descendants(self.component) if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.of(type_)
        assert len(found) == 1, f"{self.component.name}: expected one {type_}, found {[r.name for r in found]}"
        return found[0]

    def private_subnets(self) -> list[RecordedResource]:
        return [s for s in self.of(T_SUBNET) if s.inputs.get("tags", {}).get("tier") == "private"]

    def private_tables(self) -> list[RecordedResource]:
        subnet_ids = {s.id for s in self.private_subnets()}
        table_ids = {a.inputs["routeTableId"] for a in self.of(T_ASSOC) if a.inputs["subnetId"] in subnet_ids}
        return [t for t in self.of(T_TABLE) if t.id in table_ids]


def _case(recorded: dict[str, Plan], case_id: str) -> Case:
    if case_id in COMPONENT_CASES:
        program, expect = COMPONENT_CASES[case_id]()
        if case_id not in recorded:
            recorded[case_id] = record(program, stack="test", config={})
        plan = recorded[case_id]
    else:
        stack, side = case_id.split(":")
        cfg = load_stack_config(read_stack_config(stack), stack=stack)
        net = getattr(cfg.network, side)
        expect = Expect(
            name=side,
            region=getattr(cfg.regions, side),
            cidr=net.cidr,
            subnet_cidrs=net.subnet_cidrs(),
            az_names=net.az_names,
            nat=net.nat_gateway,
            endpoints=list(net.interface_endpoints),
            retention=net.flow_log_retention_days,
            given_key_arn=None,
        )
        plan = plan_cache.recorded(stack)
    return Case(plan, expect, plan.one(COMPONENT, expect.name))


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest, recorded: dict[str, Plan]) -> Case:
    return _case(recorded, request.param)


def test_vpc_has_dns_support_and_hostnames(case: Case) -> None:
    vpc = case.one(T_VPC)
    assert vpc.inputs["cidrBlock"] == case.expect.cidr
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True  # EMR needs DNS hostnames


def test_one_private_subnet_per_az_and_no_public_ips(case: Case) -> None:
    vpc = case.one(T_VPC)
    private = case.private_subnets()
    assert sorted(s.inputs["cidrBlock"] for s in private) == sorted(case.expect.subnet_cidrs)
    azs = [s.inputs["availabilityZone"] for s in private]
    assert len(set(azs)) == len(private), f"one subnet per AZ, got {azs}"
    assert all(az.startswith(case.expect.region) for az in azs)
    if case.expect.az_names is not None:
        assert azs == list(case.expect.az_names)
    for subnet in case.of(T_SUBNET):
        assert subnet.inputs["vpcId"] == vpc.id
        # Explicitly false, not left to the default.
        assert subnet.inputs.get("mapPublicIpOnLaunch") is False, subnet.name
    for subnet in private:
        tags = subnet.inputs["tags"]
        assert all(tags.get(k) == v for k, v in EMR_MANAGED_TAG.items()), "EMR managed policies need the tag"


def test_each_private_subnet_has_its_own_route_table(case: Case) -> None:
    private = case.private_subnets()
    assocs = case.of(T_ASSOC)
    tables_by_subnet = {}
    for subnet in private:
        mine = [a for a in assocs if a.inputs["subnetId"] == subnet.id]
        assert len(mine) == 1, f"{subnet.name}: one route table association"
        tables_by_subnet[subnet.id] = mine[0].inputs["routeTableId"]
    assert len(set(tables_by_subnet.values())) == len(private), "route tables are not shared between AZs"
    table_ids = {t.id for t in case.of(T_TABLE)}
    assert set(tables_by_subnet.values()) <= table_ids


def test_s3_gateway_endpoint_on_every_private_route_table(case: Case) -> None:
    gateways = [e for e in case.of(T_ENDPOINT) if e.inputs.get("vpcEndpointType") == "Gateway"]
    assert len(gateways) == 1
    s3 = gateways[0]
    assert s3.inputs["serviceName"] == f"com.amazonaws.{case.expect.region}.s3"
    assert s3.inputs["vpcId"] == case.one(T_VPC).id
    assert sorted(s3.inputs["routeTableIds"]) == sorted(t.id for t in case.private_tables())


def test_interface_endpoints_exactly_as_configured(case: Case) -> None:
    interfaces = [e for e in case.of(T_ENDPOINT) if e.inputs.get("vpcEndpointType") == "Interface"]
    region = case.expect.region
    assert sorted(e.inputs["serviceName"] for e in interfaces) == sorted(
        f"com.amazonaws.{region}.{service}" for service in case.expect.endpoints
    )
    if not case.expect.endpoints:
        assert case.of(T_SG) == [], "no endpoint security group without interface endpoints"
        return
    sg = case.one(T_SG)
    subnet_ids = sorted(s.id for s in case.private_subnets())
    for endpoint in interfaces:
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert sorted(endpoint.inputs["subnetIds"]) == subnet_ids
        assert endpoint.inputs["securityGroupIds"] == [sg.id]
    rules = [r for r in case.of(T_INGRESS) if r.inputs["securityGroupId"] == sg.id]
    assert [(r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in rules] == [
        (443, 443, case.expect.cidr)
    ]


def test_default_security_group_is_adopted_with_no_rules(case: Case) -> None:
    """Issue 14: AWS's default group allows all traffic between members and all egress; adopting it with no rules
    makes the provider remove them."""
    default = case.one(T_DEFAULT_SG)
    assert default.parent == case.component.urn
    assert default.inputs["vpcId"] == case.one(T_VPC).id
    assert not default.inputs.get("ingress")
    assert not default.inputs.get("egress")
    rule_types = {T_INGRESS, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                  "aws:ec2/securityGroupRule:SecurityGroupRule"}
    attached = [r for r in case.plan.resources if r.type in rule_types
                and r.inputs.get("securityGroupId") == default.outputs["id"]]
    assert attached == []


def test_nat_only_when_configured_and_then_a_default_route_per_private_table(case: Case) -> None:
    default_routes = [r for r in case.of(T_ROUTE) if r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"]
    if not case.expect.nat:
        assert case.of(T_NAT) == []
        assert case.of(T_IGW) == []
        assert case.of(T_EIP) == []
        assert default_routes == []
        assert [s.name for s in case.of(T_SUBNET)] == [s.name for s in case.private_subnets()]
        return
    nat = case.one(T_NAT)
    igw = case.one(T_IGW)
    assert igw.urn in nat.dependencies, "the NAT waits for the internet gateway"
    assert nat.inputs["allocationId"] == case.one(T_EIP).id
    public = [s for s in case.of(T_SUBNET) if s not in case.private_subnets()]
    assert len(public) == 1
    assert nat.inputs["subnetId"] == public[0].id
    private_tables = {t.id for t in case.private_tables()}
    assert sorted(r.inputs["routeTableId"] for r in default_routes) == sorted(private_tables)
    assert all(r.inputs["natGatewayId"] == nat.id for r in default_routes)


def test_flow_log_goes_to_a_kms_encrypted_group_with_the_configured_retention(case: Case) -> None:
    group = case.one(T_LOG_GROUP)
    flow = case.one(T_FLOW_LOG)
    assert flow.inputs["vpcId"] == case.one(T_VPC).id
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow.inputs["logDestination"] == group.outputs["arn"]
    assert group.inputs["retentionInDays"] == case.expect.retention
    key_arn = group.inputs.get("kmsKeyId")
    assert isinstance(key_arn, str)
    assert key_arn.startswith(f"arn:aws:kms:{case.expect.region}:")
    if case.expect.given_key_arn is not None:
        assert key_arn == case.expect.given_key_arn
    else:
        # A key was created for (or, in the stacks, passed to) this network: the group references it.
        keys = {k.outputs["arn"]: k for k in case.plan.of_type(T_KMS_KEY)}
        assert key_arn in keys
        assert keys[key_arn].region == case.expect.region


def test_flow_log_role_can_write_only_to_its_log_group(case: Case) -> None:
    group = case.one(T_LOG_GROUP)
    flow = case.one(T_FLOW_LOG)
    role = next(r for r in case.of(T_ROLE) if r.outputs["arn"] == flow.inputs["iamRoleArn"])
    trust = json.loads(role.inputs["assumeRolePolicy"])
    principals = [s["Principal"]["Service"] for s in trust["Statement"]]
    assert principals in (["vpc-flow-logs.amazonaws.com"], [["vpc-flow-logs.amazonaws.com"]])

    policies = [p for p in case.of(T_ROLE_POLICY) if p.inputs["role"] == role.outputs["name"]]
    assert len(policies) == 1
    document = policies[0].inputs["policy"]
    statements: list[dict[str, Any]] = json.loads(document)["Statement"]
    for stmt in statements:
        resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        assert all(not a.endswith("*") for a in actions), actions
        if resources == ["*"]:
            # Only the read-only calls AWS does not let us scope.
            assert all(a.split(":", 1)[1].startswith("Describe") for a in actions), actions
        else:
            # The group itself (DescribeLogStreams is authorized on the group) and its streams, nothing else.
            arn = group.outputs["arn"]
            assert all(r == arn or r.startswith(arn + ":log-stream:") for r in resources), resources
    assert any("logs:PutLogEvents" in s["Action"] for s in statements)
    # Parliament (Duo Labs' IAM linter) finds nothing: no unknown actions, no resource mismatches.
    findings = analyze_policy_string(document).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_every_resource_is_in_the_component_and_its_region(case: Case) -> None:
    for res in case.plan.descendants(case.component):
        if not res.custom:
            continue
        assert res.region == case.expect.region, res.urn
        assert res.provider is not None
        owner = case.plan.component_of(res)
        assert owner is not None
        assert owner.urn == case.component.urn or owner.type == "hybrid-burst:security:KmsKey"
        assert res.name.startswith(f"{case.expect.name}-"), f"child names are prefixed: {res.name}"


@pytest.mark.parametrize("stack", available_stacks())
def test_stack_exports_the_private_subnets_in_az_order(recorded: dict[str, Plan], stack: str) -> None:
    for side in sides(stack):
        case = _case(recorded, f"{stack}:{side}")
        subnets = {s.name: s.id for s in case.private_subnets()}
        ordered = [subnets[f"{side}-private-{i}"] for i in range(len(subnets))]
        assert case.plan.outputs[f"{side}_private_subnet_ids"] == ordered
        assert case.plan.outputs[f"{side}_vpc_id"] == case.one(T_VPC).id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"nat_gateway": True}, "public_subnet_cidr is required", id="nat-without-public-subnet"),
        pytest.param({"az_names": ["us-east-1a"]}, "one AZ per private subnet", id="az-names-mismatch"),
        pytest.param({"logs_kms_key_arn": None}, "account_id is required", id="no-key-no-account"),
    ],
)
def test_bad_arguments_fail_before_any_aws_resource(
    run_program: Callable[..., Plan], changes: dict[str, Any], message: str
) -> None:
    def program() -> None:
        base: dict[str, Any] = {
            "region": "us-east-1",
            "cidr": "10.20.0.0/16",
            "private_subnet_cidrs": ["10.20.0.0/20", "10.20.16.0/20"],
            "logs_kms_key_arn": GIVEN_KEY,
        }
        RegionalNetwork("bad", RegionalNetworkArgs(**{**base, **changes}), opts=in_region())

    with pytest.raises(ValueError, match=message) as caught:
        run_program(program)
    partial: Plan = caught.value.plan  # type: ignore[attr-defined]
    assert [r.urn for r in partial.resources if not r.type.startswith("pulumi:providers:")] == []
