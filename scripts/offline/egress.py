"""What each EMR cluster's nodes call, derived from the recorded plan, and how its VPC routes each call.

The nodes of both clusters run in private subnets with no public IP, so every AWS API they call needs a route:
a gateway endpoint (S3), an interface endpoint with private DNS, or a NAT gateway
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html, "Private subnets"; the launch
post https://aws.amazon.com/blogs/aws/new-launch-amazon-emr-clusters-in-private-subnets/ names KMS as a service
that needs a NAT or an endpoint). A missing route does not fail the plan: the agent, the disk encryption or the
node's registration times out on the node, long after ``pulumi up``
(decision: docs/adr/0008-vpc-egress-and-session-manager.md).

The services are *derived*, per cluster, from what the plan registers (nothing here lists a cluster's services):

- ``cluster``: every EMR node reports to the EMR control plane (``elasticmapreduce``;
  https://docs.aws.amazon.com/emr/latest/ManagementGuide/interface-vpc-endpoint.html);
- ``bootstrap``: each bootstrap action's ``s3://`` path and arguments (S3), ``https://`` arguments (the internet:
  only a NAT routes them), and the uploaded script's own calls: ``aws <command>`` lines (the CLI command name is
  mapped to its endpoint service by ``CLI_SERVICES``) and ``yum install`` (the Amazon Linux and EMR package
  repositories are S3 buckets, reached through the S3 gateway endpoint:
  https://repost.aws/knowledge-center/ec2-al1-al2-update-yum-without-internet);
- ``agent``: the CloudWatch agent configuration a bootstrap action is given (the uploaded JSON): a ``logs``
  section calls CloudWatch Logs (``logs``), a ``metrics`` section calls CloudWatch (``monitoring``)
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html);
- ``security-configuration``: local disks encrypted with an ``AwsKms`` key are set up by the node with KMS
  (``kms``); ``CSE-KMS`` S3 encryption calls KMS from the node; a PEM certificate zip is read from S3; the Lake
  Formation block makes the nodes call Lake Formation, Glue and STS (runtime roles)
  (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html);
- ``configurations``: a classification that puts the Hive metastore or an Iceberg catalog on Glue calls ``glue``;
- ``instance-role``: every action the instance role's inline policy allows, by service prefix (``cloudwatch`` is
  the ``monitoring`` endpoint) - what the nodes are permitted to call, they are meant to call.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .recorder import Plan, RecordedResource

CLUSTER = "aws:emr/cluster:Cluster"
SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration"
BUCKET_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SUBNET = "aws:ec2/subnet:Subnet"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NAT = "aws:ec2/natGateway:NatGateway"
IGW = "aws:ec2/internetGateway:InternetGateway"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

INTERNET = "internet"
"""A non-AWS destination (an ``https://`` download): only a NAT routes it."""

#: AWS CLI command -> the endpoint service it calls (``com.amazonaws.<region>.<service>``).
CLI_SERVICES: Mapping[str, str] = {
    "s3": "s3",
    "s3api": "s3",
    "logs": "logs",
    "cloudwatch": "monitoring",
    "emr": "elasticmapreduce",
    "kms": "kms",
    "sts": "sts",
    "glue": "glue",
    "ssm": "ssm",
    "ec2": "ec2",
    "lakeformation": "lakeformation",
    "secretsmanager": "secretsmanager",
}
#: IAM service prefix -> endpoint service, where the two differ.
IAM_PREFIX_SERVICES: Mapping[str, str] = {"cloudwatch": "monitoring"}

# ``aws <command>`` in command position: line start, after ; & | ( ) ` $( (a case arm too) or then/do/sudo.
_AWS_CLI = re.compile(r"(?:^|[;&|()`]|\bthen|\bdo|\bsudo(?:\s+-u\s+\S+)?)\s*aws\s+([a-z0-9-]+)\b", re.MULTILINE)
_YUM = re.compile(r"(?:^|[\s;&|])(?:sudo\s+)?(?:yum|dnf)\s+(?:-\S+\s+)*install\b", re.MULTILINE)
_GLUE_VALUES = re.compile(r"glue", re.IGNORECASE)


@dataclass
class ClusterCalls:
    """One cluster: the services its nodes call, each with the sources that derived it."""

    cluster: RecordedResource
    services: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, service: str, source: str) -> None:
        self.services[service].add(source)


def _objects_by_uri(plan: Plan) -> dict[str, RecordedResource]:
    return {
        f"s3://{o.inputs.get('bucket')}/{o.inputs.get('key')}": o
        for o in plan.of_type(BUCKET_OBJECT)
        if isinstance(o.inputs.get("bucket"), str) and isinstance(o.inputs.get("key"), str)
    }


def _script_calls(script: str) -> set[str]:
    script = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    calls = {CLI_SERVICES.get(cmd, cmd) for cmd in _AWS_CLI.findall(script)}
    if _YUM.search(script):
        calls.add("s3")
    return calls


def _agent_calls(config: Mapping[str, Any]) -> set[str]:
    calls = set()
    if config.get("logs"):
        calls.add("logs")
    if config.get("metrics"):
        calls.add("monitoring")
    return calls


def _security_configuration_calls(doc: Mapping[str, Any]) -> set[str]:
    calls: set[str] = set()
    enc = doc.get("EncryptionConfiguration") or {}
    at_rest = enc.get("AtRestEncryptionConfiguration") or {}
    local = at_rest.get("LocalDiskEncryptionConfiguration") or {}
    if enc.get("EnableAtRestEncryption") and local.get("EncryptionKeyProviderType") == "AwsKms":
        calls.add("kms")
    s3_mode = (at_rest.get("S3EncryptionConfiguration") or {}).get("EncryptionMode")
    if enc.get("EnableAtRestEncryption") and s3_mode == "CSE-KMS":
        calls.add("kms")
    tls = (enc.get("InTransitEncryptionConfiguration") or {}).get("TLSCertificateConfiguration") or {}
    if enc.get("EnableInTransitEncryption") and str(tls.get("S3Object", "")).startswith("s3://"):
        calls.add("s3")
    auth = doc.get("AuthorizationConfiguration") or {}
    if auth.get("LakeFormationConfiguration"):
        calls |= {"lakeformation", "glue", "sts"}
    if (auth.get("IAMConfiguration") or {}).get("EnableApplicationScopedIAMRole"):
        calls.add("sts")
    return calls


def _configuration_calls(configurations: Iterable[Mapping[str, Any]]) -> set[str]:
    for item in configurations:
        for value in (item.get("Properties") or {}).values():
            if isinstance(value, str) and _GLUE_VALUES.search(value):
                return {"glue"}
        if _configuration_calls(item.get("Configurations") or []):
            return {"glue"}
    return set()


def _policy_services(document: Mapping[str, Any]) -> set[str]:
    services = set()
    statements = document.get("Statement") or []
    for stmt in statements if isinstance(statements, list) else [statements]:
        if stmt.get("Effect") != "Allow":
            continue
        actions = stmt.get("Action") or []
        for action in [actions] if isinstance(actions, str) else actions:
            prefix = action.split(":", 1)[0]
            services.add(IAM_PREFIX_SERVICES.get(prefix, prefix))
    return services


def derive_calls(plan: Plan, cluster: RecordedResource) -> ClusterCalls:
    """The services ``cluster``'s nodes call, each with the sources (see the module docstring)."""
    out = ClusterCalls(cluster)
    out.add("elasticmapreduce", "cluster")
    objects = _objects_by_uri(plan)
    for action in cluster.inputs.get("bootstrapActions") or []:
        path = str(action.get("path", ""))
        label = f"bootstrap {action.get('name')}"
        if path.startswith("s3://"):
            out.add("s3", label)
        script = objects.get(path)
        if script is not None:
            for service in _script_calls(str(script.inputs.get("content", ""))):
                out.add(service, f"{label} (script)")
        for raw in action.get("args") or []:
            arg = str(raw)
            if arg.startswith("https://"):
                out.add(INTERNET, f"{label} ({arg})")
            elif arg.startswith("s3://"):
                out.add("s3", label)
                obj = objects.get(arg)
                if obj is not None and arg.endswith(".json"):
                    try:
                        config = json.loads(str(obj.inputs.get("content", "")))
                    except json.JSONDecodeError:
                        continue
                    if isinstance(config, dict) and "agent" in config:
                        for service in _agent_calls(config):
                            out.add(service, "cloudwatch agent config")
    name = cluster.inputs.get("securityConfiguration")
    for sec in plan.of_type(SECURITY_CONFIGURATION):
        if name and name in (sec.outputs.get("id"), sec.outputs.get("name"), sec.inputs.get("name")):
            for service in _security_configuration_calls(json.loads(sec.inputs["configuration"])):
                out.add(service, "security configuration")
    configurations = json.loads(cluster.inputs.get("configurationsJson") or "[]")
    for service in _configuration_calls(configurations):
        out.add(service, "configurations")
    profile_arn = (cluster.inputs.get("ec2Attributes") or {}).get("instanceProfile")
    for profile in plan.of_type(INSTANCE_PROFILE):
        if profile.outputs.get("arn") != profile_arn:
            continue
        role_name = profile.inputs.get("role")
        for policy in plan.of_type(ROLE_POLICY):
            if policy.inputs.get("role") == role_name:
                for service in _policy_services(json.loads(policy.inputs["policy"])):
                    out.add(service, "instance role")
    return out


@dataclass(frozen=True)
class Route:
    kind: str
    """``gateway-endpoint``, ``interface-endpoint`` or ``nat``."""
    via: str
    """Name of the endpoint or NAT gateway."""


@dataclass
class ClusterNetwork:
    """The cluster's subnets, their VPC and route tables, and the routes out of them."""

    subnets: list[RecordedResource]
    vpc_id: str
    region: str
    tables: dict[str, str]
    """Subnet id -> route table id."""
    nat: list[str]
    """Names of NAT gateways every cluster subnet routes 0.0.0.0/0 to (through a public subnet with an IGW)."""
    endpoints: dict[str, Route]
    """Endpoint service -> the endpoint that routes it from every cluster subnet."""

    def route(self, service: str) -> Route | None:
        if service != INTERNET and service in self.endpoints:
            return self.endpoints[service]
        if self.nat:
            return Route("nat", self.nat[0])
        return None


def _default_nat_routes(plan: Plan, table_id: str) -> set[str]:
    """NAT gateway ids the table sends 0.0.0.0/0 to (separate Route resources or inline routes)."""
    found = {
        str(r.inputs.get("natGatewayId"))
        for r in plan.of_type(ROUTE)
        if r.inputs.get("routeTableId") == table_id
        and r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"
        and r.inputs.get("natGatewayId")
    }
    for table in plan.of_type(ROUTE_TABLE):
        if table.id == table_id:
            found |= {
                str(r.get("natGatewayId"))
                for r in table.inputs.get("routes") or []
                if r.get("cidrBlock") == "0.0.0.0/0" and r.get("natGatewayId")
            }
    return found


def _table_of(plan: Plan, subnet_id: str) -> str | None:
    for assoc in plan.of_type(ASSOCIATION):
        if assoc.inputs.get("subnetId") == subnet_id:
            return str(assoc.inputs.get("routeTableId"))
    return None


def _nat_reaches_internet(plan: Plan, nat: RecordedResource) -> bool:
    table = _table_of(plan, str(nat.inputs.get("subnetId")))
    igws = {g.id for g in plan.of_type(IGW)}
    for t in plan.of_type(ROUTE_TABLE):
        if t.id == table:
            routes = t.inputs.get("routes") or []
            return any(r.get("cidrBlock") == "0.0.0.0/0" and r.get("gatewayId") in igws for r in routes)
    return False


def _admits_https_from(plan: Plan, group_ids: Iterable[str], cidrs: Iterable[str]) -> bool:
    rules = [r for r in plan.of_type(INGRESS) if r.inputs.get("securityGroupId") in set(group_ids)]

    def admitted(cidr: str) -> bool:
        net = ipaddress.ip_network(cidr)
        for rule in rules:
            source = rule.inputs.get("cidrIpv4")
            low, high = rule.inputs.get("fromPort", -1), rule.inputs.get("toPort", -1)
            tcp = rule.inputs.get("ipProtocol") in ("tcp", "6", "-1")
            if source and tcp and low <= 443 <= high and net.subnet_of(ipaddress.ip_network(source)):  # type: ignore[arg-type]
                return True
        return False

    return all(admitted(c) for c in cidrs)


def cluster_network(plan: Plan, cluster: RecordedResource) -> ClusterNetwork:
    ids = set((cluster.inputs.get("ec2Attributes") or {}).get("subnetIds") or [])
    subnets = [s for s in plan.of_type(SUBNET) if s.id in ids]
    if not subnets or len(subnets) != len(ids):
        raise ValueError(f"{cluster.name}: subnets {sorted(ids)} are not all in the plan")
    vpcs = {str(s.inputs.get("vpcId")) for s in subnets}
    if len(vpcs) != 1:
        raise ValueError(f"{cluster.name}: subnets span VPCs {sorted(vpcs)}")
    vpc_id = vpcs.pop()
    region = cluster.region or ""
    tables = {s.id: _table_of(plan, s.id) or "" for s in subnets}
    nats = {n.id: n for n in plan.of_type(NAT) if _nat_reaches_internet(plan, n)}
    per_table = [_default_nat_routes(plan, t) & set(nats) for t in tables.values()]
    common = set.intersection(*per_table) if per_table else set()
    endpoints: dict[str, Route] = {}
    prefix = f"com.amazonaws.{region}."
    for ep in plan.of_type(ENDPOINT):
        service_name = str(ep.inputs.get("serviceName", ""))
        if ep.inputs.get("vpcId") != vpc_id or not service_name.startswith(prefix):
            continue
        service = service_name.removeprefix(prefix)
        kind = ep.inputs.get("vpcEndpointType", "Gateway")
        if kind == "Gateway":
            if set(tables.values()) <= set(ep.inputs.get("routeTableIds") or []):
                endpoints[service] = Route("gateway-endpoint", ep.name)
        elif kind == "Interface":
            in_vpc = {s.id for s in plan.of_type(SUBNET) if s.inputs.get("vpcId") == vpc_id}
            placed = set(ep.inputs.get("subnetIds") or [])
            if (
                ep.inputs.get("privateDnsEnabled") is True
                and placed
                and placed <= in_vpc
                and _admits_https_from(
                    plan, ep.inputs.get("securityGroupIds") or [], [str(s.inputs["cidrBlock"]) for s in subnets]
                )
            ):
                endpoints[service] = Route("interface-endpoint", ep.name)
    return ClusterNetwork(
        subnets=subnets,
        vpc_id=vpc_id,
        region=region,
        tables=tables,
        nat=sorted(nats[n].name for n in common),
        endpoints=endpoints,
    )


@dataclass(frozen=True)
class Finding:
    cluster: str
    service: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.cluster}: calls {self.service} ({', '.join(self.sources)}) with no endpoint or NAT in its VPC"


def unrouted(plan: Plan) -> list[Finding]:
    """Every (cluster, service) whose call has no route out of the cluster's subnets."""
    findings = []
    for cluster in plan.of_type(CLUSTER):
        calls = derive_calls(plan, cluster)
        net = cluster_network(plan, cluster)
        for service, sources in sorted(calls.services.items()):
            if net.route(service) is None:
                findings.append(Finding(cluster.name, service, tuple(sorted(sources))))
    return findings
