"""Build, in the emulator, the resources a deployed hybrid-burst stack has, and return its stack outputs."""

from __future__ import annotations

import json
import uuid
from typing import Any

from scripts.ops.aws import ClientFactory

REGIONS = {"onprem": "us-west-1", "compute": "us-east-1"}
CIDRS = {"onprem": "10.10.0.0/16", "compute": "10.20.0.0/16"}
ACCOUNT = "123456789012"
SECURITY_CONFIGURATION = json.dumps(
    {"EncryptionConfiguration": {"EnableInTransitEncryption": False, "EnableAtRestEncryption": False}}
)


def emr_cluster(aws: ClientFactory, region: str, name: str, security_configuration: str, spot_tasks: int = 0) -> str:
    emr = aws("emr", region)
    emr.create_security_configuration(Name=security_configuration, SecurityConfiguration=SECURITY_CONFIGURATION)
    groups: list[dict[str, Any]] = [
        {"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1},
        {"InstanceRole": "CORE", "InstanceType": "r5.xlarge", "InstanceCount": 2},
    ]
    if spot_tasks:
        groups.append({"InstanceRole": "TASK", "InstanceType": "r5.2xlarge", "InstanceCount": spot_tasks,
                       "Market": "SPOT"})
    return str(
        emr.run_job_flow(
            Name=name,
            ReleaseLabel="emr-7.5.0",
            Instances={"InstanceGroups": groups, "KeepJobFlowAliveWhenNoSteps": True},
            SecurityConfiguration=security_configuration,
            JobFlowRole="EMR_EC2_DefaultRole",
            ServiceRole="EMR_DefaultRole",
        )["JobFlowId"]
    )


def healthy_stack(aws: ClientFactory, *, spot_tasks: int = 3, suffix: str | None = None) -> dict[str, Any]:
    """Every resource the smoke checks look at, healthy; returns the matching ``pulumi stack output --json``.

    Names carry a unique suffix, so tests share one warm emulator without resetting it (a reset makes moto
    rebuild its EC2 backends, seconds per test); the account-wide Glue settings are set again each time.
    """
    suffix = suffix or uuid.uuid4().hex[:8]
    out: dict[str, Any] = {"environment": "dev", "regions": dict(REGIONS)}
    tables: dict[str, str] = {}
    for side, region in REGIONS.items():
        ec2 = aws("ec2", region)
        vpc = ec2.create_vpc(CidrBlock=CIDRS[side])["Vpc"]["VpcId"]
        tables[side] = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        out[f"{side}_vpc_id"] = vpc
    pcx = aws("ec2", REGIONS["compute"]).create_vpc_peering_connection(
        VpcId=out["compute_vpc_id"], PeerVpcId=out["onprem_vpc_id"], PeerRegion=REGIONS["onprem"]
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    aws("ec2", REGIONS["onprem"]).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    out["peering_connection_id"] = pcx
    for side, other in (("compute", "onprem"), ("onprem", "compute")):
        aws("ec2", REGIONS[side]).create_route(
            RouteTableId=tables[side], DestinationCidrBlock=CIDRS[other], VpcPeeringConnectionId=pcx
        )

    for key, side in (("onprem", "onprem"), ("burst", "compute")):
        name = f"{key}-sc-{suffix}"
        out[f"{key}_cluster_id"] = emr_cluster(
            aws, REGIONS[side], key, name, spot_tasks=spot_tasks if key == "burst" else 0
        )
        out[f"{key}_security_configuration_name"] = name

    for side, region in REGIONS.items():
        s3, kms = aws("s3", region), aws("kms", region)
        key = kms.create_key()["KeyMetadata"]["Arn"]
        names = {}
        for zone in ("curated", "logs"):
            bucket = f"hb-{side}-{zone}-{suffix}"
            if region == "us-east-1":
                s3.create_bucket(Bucket=bucket)
            else:
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
            s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
                    ]
                },
            )
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
                },
            )
            names[zone] = bucket
        out[f"{side}_lake_bucket_names"] = names
        out[f"{side}_alarm_topic_arn"] = aws("sns", region).create_topic(
            Name=f"hb-{side}-alarms-{suffix}", Attributes={"KmsMasterKeyId": key}
        )["TopicArn"]

    compute = REGIONS["compute"]
    catalog_key = aws("kms", compute).create_key()["KeyMetadata"]["Arn"]
    aws("glue", compute).put_data_catalog_encryption_settings(
        DataCatalogEncryptionSettings={
            "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": catalog_key},
            "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True, "AwsKmsKeyId": catalog_key},
        }
    )
    out["burst_spot_drill_template_id"] = aws("fis", compute).create_experiment_template(
        clientToken=f"drill-{suffix}",
        description="Spot interruption drill",
        stopConditions=[{"source": "none"}],
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/fis-drill",
        targets={
            "SpotTasks": {
                "resourceType": "aws:ec2:spot-instance",
                "resourceTags": {"aws:elasticmapreduce:instance-group-role": "TASK"},
                "selectionMode": "PERCENT(50)",
            }
        },
        actions={
            "interrupt": {
                "actionId": "aws:ec2:send-spot-instance-interruptions",
                "parameters": {"durationBeforeInterruption": "PT2M"},
                "targets": {"SpotInstances": "SpotTasks"},
            }
        },
    )["experimentTemplate"]["id"]
    return out
