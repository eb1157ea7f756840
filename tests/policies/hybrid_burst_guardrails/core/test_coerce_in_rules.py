"""Every rule that reads a boolean or number reads strings as the provider does (one table across rules).

Each row is a value a program can pass as a string (``"false"``, ``"0"``, ``"False"``, ``"1"``, ``"22"``) where the
schema says boolean or number, and what the rule must conclude. Before core/coerce.py, ``"1"`` for
``mapPublicIpOnLaunch`` passed as private and ``"0"`` for ``enableKeyRotation`` was merely "not true".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import Evaluation, StackResource
from hybrid_burst_guardrails.encryption import (
    glue_catalog_encryption,
    kms_key_rotation,
    launch_template_ebs_encrypted,
    s3_bucket_public_access_block,
)
from hybrid_burst_guardrails.least_privilege import (
    emr_block_public_access,
    emr_cluster_private_subnet,
    launch_template_imdsv2,
    sg_no_public_ingress,
)
from hybrid_burst_guardrails.observability import cloudwatch_alarm_actions, cloudwatch_log_group_retention
from hybrid_burst_guardrails.spot import emr_fleet_spot_timeout

from tests.policies.guardrail_harness import Expect, assert_outcome

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def kms(enabled: Any, period: Any = None) -> Evaluation:
    props = {"enableKeyRotation": enabled} | ({"rotationPeriodInDays": period} if period is not None else {})
    return kms_key_rotation.RULE.evaluate("aws:kms/key:Key", props)


def pab(value: Any) -> Evaluation:
    bucket = StackResource.of("aws:s3/bucket:Bucket", "raw", {"id": "raw", "bucket": "raw"})
    block = StackResource.of(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "raw-pab",
        {"bucket": "raw", **dict.fromkeys(FLAGS, value)},
    )
    return s3_bucket_public_access_block.RULE.evaluate([bucket, block])


def glue(value: Any) -> Evaluation:
    settings = {
        "encryptionAtRest": {"catalogEncryptionMode": "SSE-KMS", "sseAwsKmsKeyId": "k"},
        "connectionPasswordEncryption": {"returnConnectionPasswordEncrypted": value, "awsKmsKeyId": "k"},
    }
    return glue_catalog_encryption.RULE.evaluate(
        "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
        {"dataCatalogEncryptionSettings": settings},
    )


def bpa(value: Any, port: Any = 22) -> Evaluation:
    props = {
        "blockPublicSecurityGroupRules": value,
        "permittedPublicSecurityGroupRuleRanges": [{"minRange": port, "maxRange": port}],
    }
    return emr_block_public_access.RULE.evaluate(
        "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration", props
    )


def subnet(value: Any) -> Evaluation:
    net = StackResource.of("aws:ec2/subnet:Subnet", "a", {"id": "subnet-a", "mapPublicIpOnLaunch": value})
    cluster = StackResource.of("aws:emr/cluster:Cluster", "burst", {"ec2Attributes": {"subnetIds": ["subnet-a"]}})
    return emr_cluster_private_subnet.RULE.evaluate([cluster, net])


def hops(value: Any) -> Evaluation:
    props = {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": value}}
    return launch_template_imdsv2.RULE.evaluate("aws:ec2/launchTemplate:LaunchTemplate", props)


def ebs(value: Any) -> Evaluation:
    props = {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": value}}]}
    return launch_template_ebs_encrypted.RULE.evaluate("aws:ec2/launchTemplate:LaunchTemplate", props)


def sg(port: Any) -> Evaluation:
    rule = {"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]}
    return sg_no_public_ingress.RULE.evaluate(
        "aws:ec2/securityGroup:SecurityGroup", {"ingress": [rule]}, {"allowedPublicPorts": [443]}
    )


def timeout(minutes: Any) -> Evaluation:
    spec = {
        "allocationStrategy": "price-capacity-optimized",
        "timeoutAction": "SWITCH_TO_ON_DEMAND",
        "timeoutDurationMinutes": minutes,
    }
    props = {
        "clusterId": "j-1",
        "targetSpotCapacity": "8",
        "instanceTypeConfigs": [{"instanceType": t} for t in ("m5.xlarge", "m6i.xlarge", "r5.xlarge")],
        "launchSpecifications": {"spotSpecifications": [spec]},
    }
    return emr_fleet_spot_timeout.RULE.evaluate("aws:emr/instanceFleet:InstanceFleet", props)


def retention(value: Any) -> Evaluation:
    return cloudwatch_log_group_retention.RULE.evaluate(
        "aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": value}, {"minRetentionDays": 30}
    )


def alarm(value: Any) -> Evaluation:
    return cloudwatch_alarm_actions.RULE.evaluate(
        "aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": ["arn:aws:sns:::t"], "actionsEnabled": value}
    )


ROWS: list[Any] = [
    pytest.param(kms, ("true",), Expect.PASS, id="kms-rotation-string-true"),
    pytest.param(kms, ("False",), Expect.FAIL, id="kms-rotation-string-False"),
    pytest.param(kms, ("0",), Expect.FAIL, id="kms-rotation-string-zero"),
    pytest.param(kms, ("1", "400"), Expect.FAIL, id="kms-rotation-period-string-over-max"),
    pytest.param(kms, ("t", "0x16d"), Expect.PASS, id="kms-rotation-period-hex-365"),
    pytest.param(pab, ("1",), Expect.PASS, id="s3-pab-string-one"),
    pytest.param(pab, ("false",), Expect.FAIL, id="s3-pab-string-false"),
    pytest.param(glue, ("True",), Expect.PASS, id="glue-password-string-True"),
    pytest.param(glue, ("f",), Expect.FAIL, id="glue-password-string-f"),
    pytest.param(bpa, ("TRUE",), Expect.PASS, id="emr-bpa-string-TRUE"),
    pytest.param(bpa, ("0",), Expect.FAIL, id="emr-bpa-string-zero"),
    pytest.param(bpa, (True, "8020"), Expect.FAIL, id="emr-bpa-port-string"),
    pytest.param(subnet, ("1",), Expect.FAIL, id="subnet-public-string-one"),
    pytest.param(subnet, ("false",), Expect.PASS, id="subnet-public-string-false"),
    pytest.param(hops, ("3",), Expect.FAIL, id="imds-hops-string"),
    pytest.param(hops, ("2",), Expect.PASS, id="imds-hops-string-ok"),
    pytest.param(ebs, ("false",), Expect.FAIL, id="ebs-encrypted-string-false"),
    pytest.param(ebs, ("0",), Expect.FAIL, id="ebs-encrypted-string-zero"),
    pytest.param(ebs, ("True",), Expect.PASS, id="ebs-encrypted-string-True"),
    pytest.param(sg, ("22",), Expect.FAIL, id="sg-port-string-22"),
    pytest.param(sg, ("443",), Expect.PASS, id="sg-port-string-allowed"),
    pytest.param(timeout, ("90",), Expect.FAIL, id="fleet-timeout-string-over-max"),
    pytest.param(timeout, ("15",), Expect.PASS, id="fleet-timeout-string"),
    pytest.param(retention, ("7",), Expect.FAIL, id="retention-string-below"),
    pytest.param(retention, ("090",), Expect.FAIL, id="retention-string-not-valid-octal"),
    pytest.param(retention, ("90",), Expect.PASS, id="retention-string"),
    pytest.param(alarm, ("False",), Expect.FAIL, id="alarm-actions-string-False"),
    pytest.param(alarm, ("1",), Expect.PASS, id="alarm-actions-string-one"),
]


@pytest.mark.parametrize(("judge", "args", "expected"), ROWS)
def test_strings_are_read_as_the_provider_reads_them(
    judge: Callable[..., Evaluation], args: tuple[Any, ...], expected: Expect
) -> None:
    assert_outcome(judge(*args), expected)
