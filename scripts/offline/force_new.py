"""Which input changes replace a stateful or slow resource: OUR table, not the engine's.

The offline plan diff flags a changed resource as "replaced" when one of the inputs that changed is listed here
for its type. pulumi-aws is bridged from the Terraform AWS provider, and a Terraform argument marked
``ForceNew: true`` in the provider's schema makes the bridged Pulumi property replace the resource. The Pulumi
engine decides replacements from the provider's live ``Diff`` call (plus ``replaceOnChanges``); the offline plan
has no provider, so it uses this table. It covers only the stateful or slow types this program registers; a type
missing here is never flagged, and ``pulumi preview`` against the real state stays the authority.

Property names are the Pulumi (camelCase) names: Terraform ``snake_case`` in camelCase, and a repeatable block
(no ``MaxItems: 1``) pluralised (``bootstrap_action`` -> ``bootstrapActions``, ``step`` -> ``steps``). Only
top-level arguments are listed; a ``ForceNew`` block replaces the resource when anything inside it changes.
Each entry names its source: the provider file whose schema it was read from, at that commit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ForceNew:
    """The force-new top-level inputs of one resource type and why the type matters."""

    kind: str  # what is lost or slow when it is replaced
    inputs: frozenset[str]
    source: str  # provider file @ commit


_TF = "hashicorp/terraform-provider-aws"

FORCE_NEW: dict[str, ForceNew] = {
    "aws:emr/cluster:Cluster": ForceNew(
        kind="EMR cluster (running jobs, HDFS and local caches lost; ~15-20 min to recreate)",
        inputs=frozenset(
            {
                "additionalInfo",
                "applications",
                "autoscalingRole",
                "bootstrapActions",
                "configurations",
                "configurationsJson",
                "coreInstanceFleet",
                "coreInstanceGroup",
                "customAmiId",
                "ebsRootVolumeSize",
                "ec2Attributes",
                "keepJobFlowAliveWhenNoSteps",
                "kerberosAttributes",
                "logEncryptionKmsKeyId",
                "logUri",
                "masterInstanceFleet",
                "masterInstanceGroup",
                "name",
                "releaseLabel",
                "scaleDownBehavior",
                "securityConfiguration",
                "serviceRole",
                "steps",
            }
        ),
        source=f"{_TF} internal/service/emr/cluster.go @ 3277329285f5730eeff9c56fbe69836c9448ab78",
    ),
    "aws:emr/instanceFleet:InstanceFleet": ForceNew(
        kind="EMR task fleet (its instances are terminated and relaunched)",
        inputs=frozenset({"clusterId", "instanceTypeConfigs", "launchSpecifications", "name"}),
        source=f"{_TF} internal/service/emr/instance_fleet.go @ 332453e4af6290f27f227a9108bbcadfff8666ce",
    ),
    "aws:emrcontainers/virtualCluster:VirtualCluster": ForceNew(
        kind="EMR on EKS virtual cluster (job history and endpoint change)",
        inputs=frozenset({"containerProvider", "name"}),
        source=f"{_TF} internal/service/emrcontainers/virtual_cluster.go @ f1750b8668f2771f28931e8ed4c1fa564b83e4d1",
    ),
    "aws:s3/bucket:Bucket": ForceNew(
        kind="S3 bucket (a new bucket is empty: data stays behind or is deleted)",
        inputs=frozenset({"bucket", "bucketPrefix"}),
        source=f"{_TF} internal/service/s3/bucket.go @ 4c72bcc7dc2f5ace40ce61f2a90e12a62cf4ec9a",
    ),
    "aws:kms/key:Key": ForceNew(
        kind="KMS key (data encrypted under the old key needs it until re-encrypted)",
        inputs=frozenset({"customerMasterKeySpec", "keyUsage", "multiRegion"}),
        source=f"{_TF} internal/service/kms/key.go @ 0964ed39dadd350ec504a9535b4f507e649153d9",
    ),
    "aws:glue/catalogDatabase:CatalogDatabase": ForceNew(
        kind="Glue database (its tables and Lake Formation grants go with it)",
        inputs=frozenset({"catalogId", "name", "targetDatabase"}),
        source=f"{_TF} internal/service/glue/catalog_database.go @ 30893e2e70196e521a749927bab6ef027a34bc9a",
    ),
    "aws:ec2/vpc:Vpc": ForceNew(
        kind="VPC (everything in it is recreated: subnets, clusters, endpoints, peering)",
        # cidr_block is ForceNew in the schema and again in resourceVPCCustomizeDiff; instance_tenancy is forced
        # new there too except for dedicated -> default, which the table cannot tell apart (flagged anyway).
        inputs=frozenset({"cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"}),
        source=f"{_TF} internal/service/ec2/vpc_.go @ 0b2fe557fcd2f76a61115fd075cd28fcd2fe050d",
    ),
    "aws:ec2/subnet:Subnet": ForceNew(
        kind="subnet (the clusters and endpoints placed in it are recreated)",
        inputs=frozenset({"availabilityZone", "availabilityZoneId", "cidrBlock", "ipv6Native", "outpostArn", "vpcId"}),
        source=f"{_TF} internal/service/ec2/vpc_subnet.go @ 3db496c3ef13bcbf12b401ce6f353c55b76701fa",
    ),
}

NOTE = (
    "Replacement flags come from this project's own table of force-new arguments (scripts/offline/force_new.py, "
    "taken from the Terraform AWS provider's schema that pulumi-aws is bridged from), not from the Pulumi engine; "
    "`pulumi preview` against the real state is the authority."
)


def replacing_inputs(type_: str, changed_paths: list[str]) -> list[str]:
    """The top-level inputs among ``changed_paths`` that force a new resource of ``type_`` (empty if none)."""
    facts = FORCE_NEW.get(type_)
    if facts is None:
        return []
    tops = {top_key(path) for path in changed_paths}
    return sorted(tops & facts.inputs)


def top_key(path: str) -> str:
    """``ec2Attributes.subnetId`` -> ``ec2Attributes``; ``steps[0].name`` -> ``steps``."""
    for i, ch in enumerate(path):
        if ch in ".[":
            return path[:i]
    return path
