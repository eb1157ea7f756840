"""smoke.py against moto's server: a healthy stack passes; each kind of breakage fails the right check."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts.ops import smoke
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.stack_fixture import CIDRS, REGIONS, healthy_stack


def _failed(results: list[smoke.CheckResult]) -> list[str]:
    return [r.name for r in results if not r.ok]


def test_a_healthy_stack_passes_every_check(aws: ClientFactory) -> None:
    results = smoke.run_checks(healthy_stack(aws), aws)
    assert _failed(results) == []
    names = {r.name for r in results}
    assert {"VPC peering active", "routes compute -> onprem", "routes onprem -> compute",
            "EMR burst cluster state", "EMR onprem security configuration", "Glue catalog encryption at rest",
            "SNS compute alarm topic KMS"} <= names
    assert sum(n.startswith("s3 ") for n in names) == 8  # 2 sides x 2 buckets x (SSE-KMS, public access block)


def test_main_reads_the_outputs_file_and_exits_zero(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(healthy_stack(aws)))
    assert smoke.main([str(path), "--endpoint-url", moto_url]) == 0
    assert "0 failed" in capsys.readouterr().out


def _pending_peering(aws: ClientFactory, out: dict[str, Any]) -> str:
    ec2 = aws("ec2", REGIONS["compute"])
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=out["peering_connection_id"])
    return "VPC peering active"


def _one_way_routes(aws: ClientFactory, out: dict[str, Any]) -> str:
    ec2 = aws("ec2", REGIONS["onprem"])
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [out["onprem_vpc_id"]]}])["RouteTables"]
    for table in tables:
        if any(r.get("VpcPeeringConnectionId") for r in table["Routes"]):
            ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=CIDRS["compute"])
    return "routes onprem -> compute"


def _terminated_cluster(aws: ClientFactory, out: dict[str, Any]) -> str:
    aws("emr", REGIONS["compute"]).terminate_job_flows(JobFlowIds=[out["burst_cluster_id"]])
    return "EMR burst cluster state"


def _wrong_security_configuration(aws: ClientFactory, out: dict[str, Any]) -> str:
    out["onprem_security_configuration_name"] = "something-else"
    return "EMR onprem security configuration"


def _sse_s3_bucket(aws: ClientFactory, out: dict[str, Any]) -> str:
    aws("s3", REGIONS["compute"]).put_bucket_encryption(
        Bucket=out["compute_lake_bucket_names"]["curated"],
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    return "s3 compute/curated SSE-KMS"


def _public_access_open(aws: ClientFactory, out: dict[str, Any]) -> str:
    aws("s3", REGIONS["onprem"]).put_public_access_block(
        Bucket=out["onprem_lake_bucket_names"]["logs"],
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": False, "RestrictPublicBuckets": True},
    )
    return "s3 onprem/logs public access block"


def _glue_unencrypted(aws: ClientFactory, out: dict[str, Any]) -> str:
    aws("glue", REGIONS["compute"]).put_data_catalog_encryption_settings(
        DataCatalogEncryptionSettings={"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"},
                                       "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True}}
    )
    return "Glue catalog encryption at rest"


def _topic_without_kms(aws: ClientFactory, out: dict[str, Any]) -> str:
    out["compute_alarm_topic_arn"] = aws("sns", REGIONS["compute"]).create_topic(Name="plain")["TopicArn"]
    return "SNS compute alarm topic KMS"


def _missing_output(aws: ClientFactory, out: dict[str, Any]) -> str:
    del out["onprem_lake_bucket_names"]
    return "s3 checks"


BREAKAGES: list[Callable[[ClientFactory, dict[str, Any]], str]] = [
    _pending_peering, _one_way_routes, _terminated_cluster, _wrong_security_configuration, _sse_s3_bucket,
    _public_access_open, _glue_unencrypted, _topic_without_kms, _missing_output,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.lstrip("_"))
def test_each_breakage_fails_its_check(
    aws: ClientFactory, breakage: Callable[[ClientFactory, dict[str, Any]], str]
) -> None:
    out = healthy_stack(aws)
    expected = breakage(aws, out)
    text, ok = smoke.report(smoke.run_checks(out, aws))
    assert ok is False
    assert f"FAIL  {expected}:" in text


def test_main_exits_non_zero_on_a_failure(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = healthy_stack(aws)
    _terminated_cluster(aws, out)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(out))
    assert smoke.main([str(path), "--endpoint-url", moto_url]) == 1
    assert "FAIL  EMR burst cluster state" in capsys.readouterr().out
