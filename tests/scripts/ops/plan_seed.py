"""Seed moto with what the program would deploy, derived from a recorded plan (``scripts/offline/recorder.py``).
An external-mode plan (``onprem.mode: external``) seeds the compute side only, with its transit gateway, routes to
the on-prem CIDRs, VPN connection and Resolver rule and association instead of peering.

Nothing here is written by hand per resource: every VPC, peering connection, peering route, EMR cluster and
security configuration, bucket (all zones, each with the encryption and public access block the program registers),
Glue catalog setting and alarm topic is found from the plan's exported stack outputs and created in moto with the
inputs the program registered it with. The returned outputs are the plan's outputs with the ids moto assigned.

moto does not emulate EMR instance fleets (no ``ListInstanceFleets``), so the instance fleets are answered by
botocore's ``Stubber`` on a client of the real EMR service model (``StubbedFleets``): the response, built from the
recorded fleets, is validated against the model's ``ListInstanceFleets`` output shape and the request against its
input shape.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.stub import Stubber

from scripts.offline.recorder import Plan, RecordedResource
from scripts.ops.aws import ClientFactory

SIDES = ("onprem", "compute")
_BOTOCORE = botocore.session.get_session()
"""One botocore session for every stubbed client: it caches the loaded EMR model (seconds to load each time)."""


def _by_id(plan: Plan, type_: str, id_: str) -> RecordedResource:
    (found,) = [r for r in plan.of_type(type_) if r.id == id_]
    return found


def _by_input(plan: Plan, type_: str, key: str, value: Any) -> RecordedResource:
    (found,) = [r for r in plan.of_type(type_) if r.inputs.get(key) == value]
    return found


def fleet_description(fleet_id: str, fleet_type: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """An EMR ``InstanceFleet`` as ``ListInstanceFleets`` describes it, from the recorded pulumi-aws fleet inputs
    (``aws.emr.InstanceFleet`` or a cluster's ``masterInstanceFleet``/``coreInstanceFleet``), fully provisioned."""
    launch = inputs.get("launchSpecifications") or {}
    spec: dict[str, Any] = {}
    if launch.get("spotSpecifications"):
        spot = launch["spotSpecifications"][0]
        spec["SpotSpecification"] = {
            "TimeoutDurationMinutes": spot["timeoutDurationMinutes"],
            "TimeoutAction": spot["timeoutAction"],
            "AllocationStrategy": spot["allocationStrategy"],
        }
    if launch.get("onDemandSpecifications"):
        on_demand_spec = launch["onDemandSpecifications"][0]
        spec["OnDemandSpecification"] = {"AllocationStrategy": on_demand_spec["allocationStrategy"]}
    on_demand = int(inputs.get("targetOnDemandCapacity") or 0)
    spot_units = int(inputs.get("targetSpotCapacity") or 0)
    described: dict[str, Any] = {
        "Id": fleet_id,
        "Name": inputs.get("name") or fleet_id,
        "Status": {"State": "RUNNING"},
        "InstanceFleetType": fleet_type,
        "TargetOnDemandCapacity": on_demand,
        "TargetSpotCapacity": spot_units,
        "ProvisionedOnDemandCapacity": on_demand,
        "ProvisionedSpotCapacity": spot_units,
        "InstanceTypeSpecifications": [
            {"InstanceType": c["instanceType"], "WeightedCapacity": int(c.get("weightedCapacity", 1))}
            for c in inputs.get("instanceTypeConfigs", [])
        ],
    }
    if spec:
        described["LaunchSpecifications"] = spec
    return described


class StubbedFleets:
    """An EMR client: ``list_instance_fleets`` answered through botocore's Stubber (validated against the real
    EMR model), every other call sent to moto."""

    def __init__(self, real: Any, region: str, fleets: Mapping[str, list[dict[str, Any]]]) -> None:
        self._real = real
        self._fleets = fleets
        self._stub_client = _BOTOCORE.create_client(
            "emr", region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        self._stubber = Stubber(self._stub_client)
        self._stubber.activate()

    def list_instance_fleets(self, **kwargs: Any) -> Any:
        cluster = kwargs.get("ClusterId", "")
        self._stubber.add_response("list_instance_fleets", {"InstanceFleets": self._fleets.get(cluster, [])},
                                   expected_params={"ClusterId": cluster})
        return self._stub_client.list_instance_fleets(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@dataclass
class SeededStack:
    outputs: dict[str, Any]
    fleets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Cluster id (moto's) -> the fleets ``ListInstanceFleets`` returns; tests may change them (a breakage)."""

    def clients(self, aws: ClientFactory) -> ClientFactory:
        cache: dict[tuple[str, str], Any] = {}

        def factory(service: str, region: str) -> Any:
            if service != "emr":
                return aws(service, region)
            if (service, region) not in cache:
                cache[(service, region)] = StubbedFleets(aws(service, region), region, self.fleets)
            return cache[(service, region)]

        return factory


def seed_from_plan(
    aws: ClientFactory, plan: Plan, resize: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None
) -> SeededStack:
    """Create in moto what the plan's outputs name, as the plan registered it; unique suffixes on global names so
    that tests share one emulator. ``resize`` (``{cluster: {role: ResizeSpecifications}}``, what the resize_fleets
    runbook applies after ``pulumi up``, since pulumi-aws cannot) is added to the described fleets."""
    suffix = uuid.uuid4().hex[:6]
    out: dict[str, Any] = dict(plan.outputs)
    regions: dict[str, str] = dict(plan.outputs["regions"])

    # --- VPCs, then peering and its routes (proxy mode) or the on-prem link and DNS forwarding (external mode) -------
    sides = tuple(side for side in SIDES if side in regions)
    vpc_ids: dict[str, str] = {}  # recorded id -> moto id
    for side in sides:
        vpc = _by_id(plan, "aws:ec2/vpc:Vpc", plan.outputs[f"{side}_vpc_id"])
        vpc_ids[vpc.id] = aws("ec2", regions[side]).create_vpc(CidrBlock=vpc.inputs["cidrBlock"])["Vpc"]["VpcId"]
        out[f"{side}_vpc_id"] = vpc_ids[vpc.id]
    if "peering_connection_id" in plan.outputs:
        _seed_peering(aws, plan, out, vpc_ids)
    else:
        _seed_onprem_link(aws, plan, out, vpc_ids, suffix)

    # --- EMR clusters, security configurations, fleets -----------------------------------------------------------
    fleets: dict[str, list[dict[str, Any]]] = {}
    for key in [k for k in ("onprem", "burst") if f"{k}_cluster_id" in plan.outputs]:
        cluster = _by_id(plan, "aws:emr/cluster:Cluster", plan.outputs[f"{key}_cluster_id"])
        emr = aws("emr", str(cluster.region))
        sec = _by_id(plan, "aws:emr/securityConfiguration:SecurityConfiguration",
                     plan.outputs[f"{key}_security_configuration_name"])
        sec_name = f"{sec.id}-{suffix}"
        emr.create_security_configuration(Name=sec_name, SecurityConfiguration=sec.inputs["configuration"])
        master = cluster.inputs["masterInstanceFleet"]["instanceTypeConfigs"][0]["instanceType"]
        cluster_id = emr.run_job_flow(
            Name=cluster.inputs["name"], ReleaseLabel=cluster.inputs["releaseLabel"],
            Instances={"InstanceGroups": [{"InstanceRole": "MASTER", "InstanceType": master, "InstanceCount": 1}],
                       "KeepJobFlowAliveWhenNoSteps": True},
            SecurityConfiguration=sec_name, ServiceRole=cluster.inputs["serviceRole"],
            JobFlowRole=cluster.inputs["ec2Attributes"]["instanceProfile"],
        )["JobFlowId"]
        out[f"{key}_cluster_id"] = cluster_id
        out[f"{key}_security_configuration_name"] = sec_name
        described = [
            fleet_description(f"if-{role}-{suffix}", role, cluster.inputs[prop])
            for role, prop in (("MASTER", "masterInstanceFleet"), ("CORE", "coreInstanceFleet"))
        ]
        described += [
            fleet_description(task.id, "TASK", task.inputs)
            for task in plan.of_type("aws:emr/instanceFleet:InstanceFleet")
            if task.inputs.get("clusterId") == cluster.id
        ]
        for fleet in described:
            spec = (resize or {}).get(key, {}).get(fleet["InstanceFleetType"])
            if spec:
                fleet["ResizeSpecifications"] = {market: dict(value) for market, value in spec.items()}
        fleets[cluster_id] = described

    # --- buckets: every exported zone, with its recorded encryption and public access block ----------------------
    for side in sides:
        s3 = aws("s3", regions[side])
        names: dict[str, str] = {}
        for zone, bucket in plan.outputs[f"{side}_lake_bucket_names"].items():
            name = f"{bucket}-{suffix}"
            if regions[side] == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": regions[side]})
            sse = _by_input(plan, "aws:s3/bucketServerSideEncryptionConfiguration:"
                            "BucketServerSideEncryptionConfiguration", "bucket", bucket)
            rules = []
            for rule in sse.inputs["rules"]:
                default = rule["applyServerSideEncryptionByDefault"]
                applied = {"SSEAlgorithm": default["sseAlgorithm"]}
                if default.get("kmsMasterKeyId"):
                    applied["KMSMasterKeyID"] = default["kmsMasterKeyId"]
                rules.append({"ApplyServerSideEncryptionByDefault": applied,
                              "BucketKeyEnabled": bool(rule.get("bucketKeyEnabled"))})
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
            block = _by_input(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket", bucket)
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                prop[0].upper() + prop[1:]: bool(block.inputs.get(prop))
                for prop in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
            })
            names[zone] = name
        out[f"{side}_lake_bucket_names"] = names

        topic = _by_id(plan, "aws:sns/topic:Topic", plan.outputs[f"{side}_alarm_topic_arn"])
        attributes = {"KmsMasterKeyId": topic.inputs["kmsMasterKeyId"]} if topic.inputs.get("kmsMasterKeyId") else {}
        out[f"{side}_alarm_topic_arn"] = aws("sns", regions[side]).create_topic(
            Name=f"{topic.inputs['name']}-{suffix}", Attributes=attributes
        )["TopicArn"]

    seed_catalog_encryption(aws, plan)
    return SeededStack(out, fleets)


def _seed_peering(aws: ClientFactory, plan: Plan, out: dict[str, Any], vpc_ids: Mapping[str, str]) -> None:
    regions = plan.outputs["regions"]
    request = _by_id(plan, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", plan.outputs["peering_connection_id"])
    assert request.region == regions["compute"]
    pcx = aws("ec2", regions["compute"]).create_vpc_peering_connection(
        VpcId=vpc_ids[request.inputs["vpcId"]], PeerVpcId=vpc_ids[request.inputs["peerVpcId"]],
        PeerRegion=request.inputs["peerRegion"],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    accepter = _by_input(plan, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
                         "vpcPeeringConnectionId", request.id)
    if accepter.inputs.get("autoAccept"):
        aws("ec2", str(accepter.region)).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    out["peering_connection_id"] = pcx
    _seed_routes(aws, plan, vpc_ids, "vpcPeeringConnectionId", request.id, pcx)


def _seed_routes(  # noqa: PLR0917 - the plan, the id maps and the route's target
    aws: ClientFactory, plan: Plan, vpc_ids: Mapping[str, str], target: str, recorded: str, created: str
) -> None:
    """The plan's routes whose ``target`` input is ``recorded``, in moto, through ``created``."""
    tables: dict[str, str] = {}
    for route in plan.of_type("aws:ec2/route:Route"):
        if route.inputs.get(target) != recorded:
            continue
        table = _by_id(plan, "aws:ec2/routeTable:RouteTable", route.inputs["routeTableId"])
        ec2 = aws("ec2", str(table.region))
        if table.id not in tables:
            created_table = ec2.create_route_table(VpcId=vpc_ids[table.inputs["vpcId"]])
            tables[table.id] = created_table["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=tables[table.id], DestinationCidrBlock=route.inputs["destinationCidrBlock"],
                         **{target[0].upper() + target[1:]: created})


def _seed_onprem_link(
    aws: ClientFactory, plan: Plan, out: dict[str, Any], vpc_ids: Mapping[str, str], suffix: str
) -> None:
    """External mode: the transit gateway, its routes to the on-prem CIDRs, the VPN connection and the Resolver
    rule with its association, as the plan registers them (moto answers all of these; not the VPN's tunnel
    telemetry, which the tests stub)."""
    region = plan.outputs["regions"]["compute"]
    ec2, resolver = aws("ec2", region), aws("route53resolver", region)
    recorded_tgw = plan.outputs["onprem_gateway_id"]
    assert _by_id(plan, "aws:ec2transitgateway/transitGateway:TransitGateway", recorded_tgw)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    out["onprem_gateway_id"] = tgw
    _seed_routes(aws, plan, vpc_ids, "transitGatewayId", recorded_tgw, tgw)
    vpn = _by_id(plan, "aws:ec2/vpnConnection:VpnConnection", plan.outputs["onprem_vpn_connection_id"])
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.10", BgpAsn=65010)
    out["onprem_vpn_connection_id"] = ec2.create_vpn_connection(
        Type=vpn.inputs["type"], CustomerGatewayId=cgw["CustomerGateway"]["CustomerGatewayId"], TransitGatewayId=tgw
    )["VpnConnection"]["VpnConnectionId"]
    rule = _by_id(plan, "aws:route53/resolverRule:ResolverRule", plan.outputs["onprem_dns_resolver_rule_id"])
    vpc_id = out["compute_vpc_id"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{cidr}/28")["Subnet"]["SubnetId"]
               for cidr in _two_subnets(ec2, vpc_id)]
    group = ec2.create_security_group(GroupName=f"resolver-{suffix}", Description="resolver", VpcId=vpc_id)
    endpoint = resolver.create_resolver_endpoint(
        CreatorRequestId=f"endpoint-{suffix}", SecurityGroupIds=[group["GroupId"]], Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": s} for s in subnets],
    )["ResolverEndpoint"]["Id"]
    rule_id = resolver.create_resolver_rule(
        CreatorRequestId=f"rule-{suffix}", RuleType=rule.inputs["ruleType"], DomainName=rule.inputs["domainName"],
        TargetIps=[{"Ip": t["ip"], "Port": t.get("port", 53)} for t in rule.inputs["targetIps"]],
        ResolverEndpointId=endpoint,
    )["ResolverRule"]["Id"]
    association = _by_input(plan, "aws:route53/resolverRuleAssociation:ResolverRuleAssociation", "resolverRuleId",
                            rule.id)
    resolver.associate_resolver_rule(  # a Name: moto sorts the associations by it
        ResolverRuleId=rule_id, VPCId=vpc_ids[association.inputs["vpcId"]], Name=f"onprem-{suffix}")
    out["onprem_dns_resolver_rule_id"] = rule_id


def _two_subnets(ec2: Any, vpc_id: str) -> list[str]:
    """Two /28 network addresses inside the VPC's CIDR (its first two)."""
    import ipaddress

    cidr = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"]
    return [str(n.network_address) for n in list(ipaddress.ip_network(cidr).subnets(new_prefix=28))[:2]]


def seed_catalog_encryption(aws: ClientFactory, plan: Plan) -> None:
    """The account's Glue Data Catalog settings, as the plan sets them (one per account and region: every seeded
    stack of the session shares them)."""
    (catalog,) = plan.of_type("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings")
    settings = catalog.inputs["dataCatalogEncryptionSettings"]
    at_rest, passwords = settings["encryptionAtRest"], settings["connectionPasswordEncryption"]
    at_rest_key = {"SseAwsKmsKeyId": at_rest["sseAwsKmsKeyId"]} if at_rest.get("sseAwsKmsKeyId") else {}
    aws("glue", str(catalog.region)).put_data_catalog_encryption_settings(DataCatalogEncryptionSettings={
        "EncryptionAtRest": {"CatalogEncryptionMode": at_rest["catalogEncryptionMode"], **at_rest_key},
        "ConnectionPasswordEncryption": {
            "ReturnConnectionPasswordEncrypted": bool(passwords["returnConnectionPasswordEncrypted"]),
            **({"AwsKmsKeyId": passwords["awsKmsKeyId"]} if passwords.get("awsKmsKeyId") else {}),
        },
    })
