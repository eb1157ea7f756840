"""Realistic placeholder outputs for resources and invokes under Pulumi's mocks.

The engine is not here, so nothing computes what AWS would return. These answers are placeholders that look
like the real thing (ids with the right prefix, ARNs in the right shape and region, auto-names with a random-
looking suffix), so that programs that build ARNs, policy documents and endpoints from outputs produce
realistic inputs downstream. They are deterministic: the same URN always gets the same id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from .mock_link import LINK_INVOKES, LINK_OUTPUTS

ACCOUNT_ID = "123456789012"
PARTITION = "aws"

OutputFn = Callable[["Ctx"], dict[str, Any]]


class Ctx:
    """What an output function knows about the resource being registered."""

    def __init__(self, type_: str, name: str, urn: str, inputs: dict[str, Any], region: str | None) -> None:
        self.type = type_
        self.name = name
        self.urn = urn
        self.inputs = inputs
        self.region = region or "us-east-1"

    def hex(self, n: int) -> str:
        return hashlib.sha256(self.urn.encode()).hexdigest()[:n]

    def auto_name(self, key: str = "name", max_len: int = 64) -> str:
        """The input name if set, else Pulumi's auto-name: logical name plus a 7-character suffix."""
        given = self.inputs.get(key)
        if isinstance(given, str) and given:
            return given
        prefix = self.inputs.get(f"{key}Prefix")
        base = prefix if isinstance(prefix, str) and prefix else f"{self.name}-"
        return (base + self.hex(7))[:max_len]

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return ":".join(
            [
                "arn",
                PARTITION,
                service,
                self.region if region else "",
                ACCOUNT_ID if account else "",
                resource,
            ]
        )


# Physical-id prefixes EC2 uses (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/resource-ids.html).
_EC2_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
}


def _ec2(ctx: Ctx) -> dict[str, Any]:
    prefix = _EC2_PREFIX[ctx.type]
    rid = f"{prefix}-0{ctx.hex(16)}"
    out: dict[str, Any] = {"id": rid}
    kind = ctx.type.split(":")[-1]
    arn_kind = {
        "Vpc": "vpc",
        "Subnet": "subnet",
        "RouteTable": "route-table",
        "SecurityGroup": "security-group",
        "VpcPeeringConnection": "vpc-peering-connection",
        "VpcEndpoint": "vpc-endpoint",
        "InternetGateway": "internet-gateway",
        "NatGateway": "natgateway",
        "LaunchTemplate": "launch-template",
        "FlowLog": "vpc-flow-log",
        "SecurityGroupIngressRule": "security-group-rule",
        "SecurityGroupEgressRule": "security-group-rule",
    }.get(kind)
    if arn_kind:
        out["arn"] = ctx.arn("ec2", f"{arn_kind}/{rid}")
    if kind == "Vpc":
        out |= {
            "defaultSecurityGroupId": f"sg-0{ctx.hex(15)}d",
            "mainRouteTableId": f"rtb-0{ctx.hex(15)}m",
            "defaultRouteTableId": f"rtb-0{ctx.hex(15)}m",
            "defaultNetworkAclId": f"acl-0{ctx.hex(15)}",
            "ownerId": ACCOUNT_ID,
        }
    if kind == "Subnet":
        out["availabilityZoneId"] = f"use1-az{int(ctx.hex(2), 16) % 6 + 1}"
    if kind == "SecurityGroup":
        out["name"] = ctx.auto_name(max_len=255)
    if kind == "VpcPeeringConnection":
        out["acceptStatus"] = "pending-acceptance"
    if kind == "NatGateway":
        out["privateIp"] = "10.0.255.10"
    if kind == "Eip":
        out["publicIp"] = "203.0.113.10"
    if kind == "LaunchTemplate":
        out["latestVersion"] = 1
    return out


def _s3_bucket(ctx: Ctx) -> dict[str, Any]:
    bucket = ctx.auto_name("bucket", max_len=63)
    return {
        "id": bucket,
        "bucket": bucket,
        "arn": f"arn:{PARTITION}:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
        "hostedZoneId": "Z3AQBSTGFYJSTF",
    }


def _s3_object(ctx: Ctx) -> dict[str, Any]:
    return {"id": str(ctx.inputs.get("key", ctx.name)), "etag": ctx.hex(32), "versionId": ctx.hex(32)}


def _kms_key(ctx: Ctx) -> dict[str, Any]:
    h = ctx.hex(32)
    key_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    return {"id": key_id, "keyId": key_id, "arn": ctx.arn("kms", f"key/{key_id}")}


def _kms_alias(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name()
    return {
        "id": name,
        "name": name,
        "arn": ctx.arn("kms", name),
        "targetKeyArn": ctx.inputs.get("targetKeyId"),
    }


def _iam(kind: str, path_key: str | None = None) -> OutputFn:
    def fn(ctx: Ctx) -> dict[str, Any]:
        name = ctx.auto_name()
        path = ctx.inputs.get("path", "/") if path_key is None else "/"
        out: dict[str, Any] = {
            "id": name,
            "name": name,
            "arn": ctx.arn("iam", f"{kind}{path}{name}", region=False),
            "uniqueId": f"AROA{ctx.hex(17).upper()}",
        }
        if kind == "policy":
            out["id"] = out["arn"]
            out["policyId"] = f"ANPA{ctx.hex(17).upper()}"
        return out

    return fn


def _log_group(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name(max_len=512)
    return {"id": name, "name": name, "arn": ctx.arn("logs", f"log-group:{name}")}


def _named(service: str, fmt: str, *, region: bool = True) -> OutputFn:
    """A resource whose id is its (auto-)name and whose ARN follows ``fmt`` ({name})."""

    def fn(ctx: Ctx) -> dict[str, Any]:
        name = ctx.auto_name()
        return {"id": name, "name": name, "arn": ctx.arn(service, fmt.format(name=name), region=region)}

    return fn


def _sns_topic(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name(max_len=256)
    arn = ctx.arn("sns", name)
    return {"id": arn, "name": name, "arn": arn}


def _emr_cluster(ctx: Ctx) -> dict[str, Any]:
    cid = "j-" + ctx.hex(13).upper()
    octet = int(ctx.hex(2), 16)
    return {
        "id": cid,
        "arn": ctx.arn("elasticmapreduce", f"cluster/{cid}"),
        "clusterState": "WAITING",
        "masterPublicDns": f"ip-10-0-{octet}-10.ec2.internal",
    }


def _emr_fleet(ctx: Ctx) -> dict[str, Any]:
    return {"id": "if-" + ctx.hex(13).upper(), "provisionedOnDemandCapacity": 0, "provisionedSpotCapacity": 0}


def _uuid_id(ctx: Ctx) -> dict[str, Any]:
    h = ctx.hex(32)
    return {"id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"}


def _route53_zone(ctx: Ctx) -> dict[str, Any]:
    zid = "Z0" + ctx.hex(18).upper()
    return {
        "id": zid,
        "zoneId": zid,
        "arn": f"arn:{PARTITION}:route53:::hostedzone/{zid}",
        "nameServers": [],
    }


def _eks_cluster(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name(max_len=100)
    return {
        "id": name,
        "name": name,
        "arn": ctx.arn("eks", f"cluster/{name}"),
        "endpoint": f"https://{ctx.hex(32).upper()}.gr7.{ctx.region}.eks.amazonaws.com",
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{ctx.region}.amazonaws.com/id/{ctx.hex(32)}"}]}],
        "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
        "vpcConfig": {**ctx.inputs.get("vpcConfig", {}), "clusterSecurityGroupId": f"sg-0{ctx.hex(16)}"},
    }


def _eks_component_cluster(ctx: Ctx) -> dict[str, Any]:
    """pulumi-eks ``Cluster`` (a remote component): the outputs programs read (names from the pulumi-eks 4.4 Python
    SDK getters: ``oidcProviderArn``, ``oidcProviderUrl``, ``oidcIssuer``, ``kubeconfig``, ``kubeconfigJson``,
    ``clusterSecurityGroupId``, ``nodeSecurityGroupId``). Resource-typed outputs (``eksCluster``, ``core``) are left
    out: the SDK insists they deserialize into resources, which a plain JSON answer cannot be."""
    name = str(ctx.inputs.get("name") or ctx.auto_name(max_len=100))
    issuer = f"oidc.eks.{ctx.region}.amazonaws.com/id/{ctx.hex(32).upper()}"
    endpoint = f"https://{ctx.hex(32).upper()}.gr7.{ctx.region}.eks.amazonaws.com"
    kubeconfig = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": name, "cluster": {"server": endpoint, "certificate-authority-data": "LS0tLS1CRUdJTi0tLS0t"}}
        ],
        "contexts": [{"name": "aws", "context": {"cluster": name, "user": "aws"}}],
        "current-context": "aws",
        "users": [
            {
                "name": "aws",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["eks", "get-token", "--cluster-name", name],
                    }
                },
            }
        ],
    }
    return {
        "id": "",
        "oidcProviderArn": ctx.arn("iam", f"oidc-provider/{issuer}", region=False),
        "oidcProviderUrl": f"https://{issuer}",
        "oidcIssuer": issuer,
        "kubeconfig": kubeconfig,
        "kubeconfigJson": json.dumps(kubeconfig),
        "clusterSecurityGroupId": f"sg-0{ctx.hex(16)}",
        "nodeSecurityGroupId": f"sg-0{ctx.hex(15)}n",
    }


def _fis_template(ctx: Ctx) -> dict[str, Any]:
    return {"id": "EXT" + ctx.hex(14).upper()}


def _cloudwatch_alarm(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name("alarmName", max_len=255)
    return {"id": name, "alarmName": name, "arn": ctx.arn("cloudwatch", f"alarm:{name}")}


def _event_rule(ctx: Ctx) -> dict[str, Any]:
    name = ctx.auto_name(max_len=64)
    bus = ctx.inputs.get("eventBusName", "default")
    return {
        "id": f"{bus}|{name}" if bus != "default" else name,
        "name": name,
        "arn": ctx.arn("events", f"rule/{name}"),
    }


OUTPUTS: dict[str, OutputFn] = {
    **dict.fromkeys(_EC2_PREFIX, _ec2),
    # The provider's accepter resource is the peering connection itself: its id is the pcx- id.
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": lambda ctx: {
        "id": str(ctx.inputs.get("vpcPeeringConnectionId"))
    },
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:s3/bucketObject:BucketObject": _s3_object,
    "aws:s3/bucketObjectv2:BucketObjectv2": _s3_object,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:iam/role:Role": _iam("role"),
    "aws:iam/policy:Policy": _iam("policy"),
    "aws:iam/instanceProfile:InstanceProfile": _iam("instance-profile"),
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": _iam("role"),
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": lambda ctx: {
        "id": ctx.auto_name("dashboardName"),
        "dashboardArn": ctx.arn("cloudwatch", f"dashboard/{ctx.auto_name('dashboardName')}", region=False),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": _cloudwatch_alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _cloudwatch_alarm,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": lambda ctx: {"id": f"{ctx.inputs.get('rule')}-{ctx.hex(8)}"},
    "aws:sns/topic:Topic": _sns_topic,
    "aws:sns/topicSubscription:TopicSubscription": lambda ctx: {
        "id": f"{ctx.inputs.get('topic')}:{ctx.hex(8)}",
        "arn": f"{ctx.inputs.get('topic')}:{ctx.hex(8)}",
    },
    "aws:emr/cluster:Cluster": _emr_cluster,
    "aws:emr/instanceFleet:InstanceFleet": _emr_fleet,
    "aws:emr/securityConfiguration:SecurityConfiguration": lambda ctx: {"id": ctx.auto_name()},
    "aws:emr/managedScalingPolicy:ManagedScalingPolicy": lambda ctx: {"id": str(ctx.inputs.get("clusterId"))},
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": lambda ctx: {"id": ctx.hex(8)},
    "aws:emrcontainers/virtualCluster:VirtualCluster": lambda ctx: {
        "id": ctx.hex(25),
        "arn": ctx.arn("emr-containers", f"/virtualclusters/{ctx.hex(25)}"),
    },
    "aws:glue/catalogDatabase:CatalogDatabase": lambda ctx: {
        "id": f"{ACCOUNT_ID}:{ctx.auto_name()}",
        "name": ctx.auto_name(),
        "arn": ctx.arn("glue", f"database/{ctx.auto_name()}"),
    },
    "aws:glue/catalogTable:CatalogTable": lambda ctx: {
        "id": f"{ACCOUNT_ID}:{ctx.inputs.get('databaseName')}:{ctx.auto_name()}",
        "name": ctx.auto_name(),
        "arn": ctx.arn("glue", f"table/{ctx.inputs.get('databaseName')}/{ctx.auto_name()}"),
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": lambda ctx: {"id": ctx.auto_name()},
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": lambda ctx: {"id": ACCOUNT_ID},
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": lambda ctx: {"id": ctx.hex(8)},
    "aws:lakeformation/resource:Resource": lambda ctx: {"id": str(ctx.inputs.get("arn"))},
    "aws:lakeformation/lfTag:LfTag": lambda ctx: {"id": f"{ACCOUNT_ID}:{ctx.inputs.get('key')}"},
    "aws:lakeformation/permissions:Permissions": lambda ctx: {"id": ctx.hex(8)},
    "aws:route53/zone:Zone": _route53_zone,
    "aws:route53/record:Record": lambda ctx: {
        "id": f"{ctx.inputs.get('zoneId')}_{ctx.inputs.get('name')}_{ctx.inputs.get('type')}",
        "fqdn": str(ctx.inputs.get("name")),
    },
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": lambda ctx: {
        "id": f"{ctx.inputs.get('clusterName')}:{ctx.auto_name('nodeGroupName')}",
        "arn": ctx.arn("eks", f"nodegroup/{ctx.inputs.get('clusterName')}/{ctx.auto_name('nodeGroupName')}"),
    },
    "aws:fis/experimentTemplate:ExperimentTemplate": _fis_template,
    # SQS: the id is the queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>).
    "aws:sqs/queue:Queue": lambda ctx: {
        "id": f"https://sqs.{ctx.region}.amazonaws.com/{ACCOUNT_ID}/{ctx.auto_name(max_len=80)}",
        "url": f"https://sqs.{ctx.region}.amazonaws.com/{ACCOUNT_ID}/{ctx.auto_name(max_len=80)}",
        "arn": ctx.arn("sqs", ctx.auto_name(max_len=80)),
    },
    "aws:emrcontainers/jobTemplate:JobTemplate": lambda ctx: {
        "id": ctx.hex(25),
        "arn": ctx.arn("emr-containers", f"/jobtemplates/{ctx.hex(25)}"),
    },
    "aws:eks/accessEntry:AccessEntry": lambda ctx: {
        "id": f"{ctx.inputs.get('clusterName')}:{ctx.inputs.get('principalArn')}",
        "accessEntryArn": ctx.arn("eks", f"access-entry/{ctx.inputs.get('clusterName')}/{ctx.hex(12)}"),
    },
    "eks:index:Cluster": _eks_component_cluster,
    "eks:index:ManagedNodeGroup": lambda ctx: {"id": ""},
    "aws:ssm/parameter:Parameter": _named("ssm", "parameter/{name}"),
    "aws:secretsmanager/secret:Secret": _named("secretsmanager", "secret:{name}"),
    **LINK_OUTPUTS,  # the on-prem link and Kerberos resources (a secret's ARN there ends in 6 random characters)
}


def outputs_for(type_: str, name: str, urn: str, inputs: dict[str, Any], region: str | None) -> tuple[str, dict]:
    """The mock's answer for a custom resource: (physical id, outputs = inputs + computed attributes)."""
    ctx = Ctx(type_, name, urn, inputs, region)
    fn = OUTPUTS.get(type_)
    computed = fn(ctx) if fn else {"id": f"{name}-{ctx.hex(8)}"}
    state = {**inputs, **{k: v for k, v in computed.items() if k not in inputs or k in {"id", "arn"}}}
    rid = str(computed.get("id") or f"{name}-{ctx.hex(8)}")
    state.pop("id", None)
    return rid, state


def _azs(region: str) -> dict[str, Any]:
    # us-west-1 shows only two AZs to most accounts; every other region we target shows at least three.
    letters = "bc" if region == "us-west-1" else "abcdef"
    return {
        "names": [f"{region}{c}" for c in letters],
        "zoneIds": [f"{region[:2]}{region.split('-')[1][0]}{region[-1]}-az{i + 1}" for i in range(len(letters))],
        "state": "available",
        "id": region,
        "groupNames": [region] * len(letters),
    }


INVOKES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda args, region: _azs(region),
    "aws:index/getCallerIdentity:getCallerIdentity": lambda args, region: {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/offline-plan",
        "userId": "AIDAOFFLINEPLAN",
        "id": ACCOUNT_ID,
    },
    # An IAM user ARN is its own issuer; an assumed-role session ARN maps to its role.
    "aws:iam/getSessionContext:getSessionContext": lambda args, region: {
        "arn": args.get("arn"),
        "issuerArn": args.get("arn"),
        "issuerId": "AIDAOFFLINEPLAN",
        "issuerName": str(args.get("arn", "")).rsplit("/", 1)[-1],
        "sessionName": "",
        "id": args.get("arn"),
    },
    "aws:index/getPartition:getPartition": lambda args, region: {
        "partition": PARTITION,
        "dnsSuffix": "amazonaws.com",
        "id": PARTITION,
        "reverseDnsPrefix": "com.amazonaws",
    },
    "aws:index/getRegion:getRegion": lambda args, region: {
        "name": region,
        "region": region,
        "id": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
        "description": region,
    },
    **LINK_INVOKES,
}
