"""smoke.py against moto's server seeded from the recorded dev plan's exports (all zones): a correct stack passes;
each real breakage fails its check; bad input exits 2 and AWS errors exit 3, never with a traceback.

The fixture is the program's own output (``plan_seed.seed_from_plan``): had smoke demanded SSE-KMS of the
access-logs bucket again (SSE-S3 by ADR 0003), ``test_the_deployed_dev_plan_passes_every_check`` would fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from scripts.offline.recorder import Plan
from scripts.ops import smoke
from scripts.ops.aws import ClientFactory, client_factory
from tests import plan_cache
from tests.scripts.ops.plan_seed import SeededStack, seed_catalog_encryption, seed_from_plan

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def dev_plan() -> Plan:
    return plan_cache.recorded("dev")


@pytest.fixture(scope="module")
def resized() -> dict[str, Any]:
    """The resize specifications the resize_fleets runbook applies to dev's fleets (from its stack config)."""
    from scripts.ops.resize_fleets import expected_specifications
    from scripts.ops.runbook import load_stack_config

    return expected_specifications(load_stack_config("dev"))


@pytest.fixture
def seeded(aws: ClientFactory, dev_plan: Plan, resized: dict[str, Any]) -> SeededStack:
    """A fresh stack, for tests that break something."""
    return seed_from_plan(aws, dev_plan, resized)


@pytest.fixture(scope="module")
def shared(aws: ClientFactory, dev_plan: Plan, resized: dict[str, Any]) -> SeededStack:
    """One stack for the tests that only read it (seeding takes about a second)."""
    return seed_from_plan(aws, dev_plan, resized)


@pytest.fixture(scope="module")
def expected() -> smoke.Expected:
    return smoke.stack_expectations("dev")[0]


def _failed(results: list[smoke.CheckResult]) -> list[str]:
    return [r.name for r in results if not r.ok]


def test_the_deployed_dev_plan_passes_every_check(
    aws: ClientFactory, shared: SeededStack, dev_plan: Plan, expected: smoke.Expected
) -> None:
    results = smoke.run_checks(shared.outputs, shared.clients(aws), expected)
    assert _failed(results) == []
    names = {r.name for r in results}
    zones = {side: sorted(dev_plan.outputs[f"{side}_lake_bucket_names"]) for side in smoke.SIDES}
    assert "access-logs" in zones["compute"]
    assert "access-logs" in zones["onprem"]
    for side, side_zones in zones.items():
        for zone in side_zones:
            assert {f"s3 {side}/{zone} encryption", f"s3 {side}/{zone} public access block"} <= names
    assert {"VPC peering active", "routes compute -> onprem", "routes onprem -> compute",
            "EMR burst cluster state", "EMR onprem security configuration", "EMR burst task fleet Spot timeout",
            "EMR burst task fleet resize timeout",
            "Glue catalog encryption at rest", "SNS compute alarm topic KMS"} <= names
    access_logs = next(r for r in results if r.name == "s3 compute/access-logs encryption")
    assert "['AES256']" in access_logs.detail


def test_the_expected_spot_timeout_is_the_stack_configs(expected: smoke.Expected) -> None:
    from components.config.stack import load_stack_config
    from scripts.offline.recorder import read_stack_config

    task = load_stack_config(read_stack_config("dev"), stack="dev").emr.burst.task
    assert task is not None
    assert (expected.spot_timeout_minutes, expected.spot_timeout_action) == (
        task.spot_timeout_minutes, task.spot_timeout_action)
    assert expected.spot_allocation_strategy == "price-capacity-optimized"
    assert expected.resize == {"SpotResizeSpecification": {
        "TimeoutDurationMinutes": task.resize_timeout, "AllocationStrategy": "price-capacity-optimized"}}


def test_main_reads_the_outputs_file_and_exits_zero(
    aws: ClientFactory, shared: SeededStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(shared.outputs))
    assert smoke.main([str(path)], clients=shared.clients(aws)) == 0, "the stack is taken from the file name"
    assert " 0 failed" in capsys.readouterr().out


# --- breakages: (what broke, the check that must fail) ---------------------------------------------------------
Breakage = Callable[[ClientFactory, SeededStack], str]


def _region(seeded: SeededStack, side: str) -> str:
    return str(seeded.outputs["regions"][side])


def _peering_deleted(aws: ClientFactory, s: SeededStack) -> str:
    aws("ec2", _region(s, "compute")).delete_vpc_peering_connection(
        VpcPeeringConnectionId=s.outputs["peering_connection_id"])
    return "VPC peering active"


def _one_way_routes(aws: ClientFactory, s: SeededStack) -> str:
    ec2 = aws("ec2", _region(s, "onprem"))
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [s.outputs["onprem_vpc_id"]]}])
    for table in tables["RouteTables"]:
        for route in table["Routes"]:
            if route.get("VpcPeeringConnectionId"):
                ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=route["DestinationCidrBlock"])
    return "routes onprem -> compute"


def _terminated_cluster(aws: ClientFactory, s: SeededStack) -> str:
    aws("emr", _region(s, "compute")).terminate_job_flows(JobFlowIds=[s.outputs["burst_cluster_id"]])
    return "EMR burst cluster state"


def _wrong_security_configuration(aws: ClientFactory, s: SeededStack) -> str:
    s.outputs["onprem_security_configuration_name"] = "something-else"
    return "EMR onprem security configuration"


def _data_bucket_sse_s3(aws: ClientFactory, s: SeededStack) -> str:
    aws("s3", _region(s, "compute")).put_bucket_encryption(
        Bucket=s.outputs["compute_lake_bucket_names"]["curated"],
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    return "s3 compute/curated encryption"


def _data_bucket_other_key(aws: ClientFactory, s: SeededStack) -> str:
    region = _region(s, "compute")
    other = aws("kms", region).create_key()["KeyMetadata"]["Arn"]
    aws("s3", region).put_bucket_encryption(
        Bucket=s.outputs["compute_lake_bucket_names"]["raw"],
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": other}}]},
    )
    return "s3 compute/raw encryption"


def _access_logs_bucket_sse_kms(aws: ClientFactory, s: SeededStack) -> str:
    aws("s3", _region(s, "onprem")).put_bucket_encryption(
        Bucket=s.outputs["onprem_lake_bucket_names"]["access-logs"],
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": s.outputs["onprem_data_key_arn"]}}]},
    )
    return "s3 onprem/access-logs encryption"


def _public_access_open(aws: ClientFactory, s: SeededStack) -> str:
    aws("s3", _region(s, "onprem")).put_public_access_block(
        Bucket=s.outputs["onprem_lake_bucket_names"]["logs"],
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": False, "RestrictPublicBuckets": True},
    )
    return "s3 onprem/logs public access block"


def _glue_unencrypted(aws: ClientFactory, s: SeededStack) -> str:
    aws("glue", _region(s, "compute")).put_data_catalog_encryption_settings(
        DataCatalogEncryptionSettings={"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"},
                                       "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True}}
    )
    return "Glue catalog encryption at rest"


def _topic_without_kms(aws: ClientFactory, s: SeededStack) -> str:
    s.outputs["compute_alarm_topic_arn"] = aws("sns", _region(s, "compute")).create_topic(Name="plain")["TopicArn"]
    return "SNS compute alarm topic KMS"


def _task_fleet(s: SeededStack) -> dict[str, Any]:
    return next(f for f in s.fleets[s.outputs["burst_cluster_id"]] if f["InstanceFleetType"] == "TASK")


def _spot_timeout_changed(aws: ClientFactory, s: SeededStack) -> str:
    spec = _task_fleet(s)["LaunchSpecifications"]["SpotSpecification"]
    spec["TimeoutDurationMinutes"] += 5
    return "EMR burst task fleet Spot timeout"


def _spot_timeout_action_changed(aws: ClientFactory, s: SeededStack) -> str:
    spec = _task_fleet(s)["LaunchSpecifications"]["SpotSpecification"]
    spec["TimeoutAction"] = {"TERMINATE_CLUSTER": "SWITCH_TO_ON_DEMAND"}.get(spec["TimeoutAction"], "TERMINATE_CLUSTER")
    return "EMR burst task fleet Spot timeout"


def _resize_never_applied(aws: ClientFactory, s: SeededStack) -> str:
    del _task_fleet(s)["ResizeSpecifications"]
    return "EMR burst task fleet resize timeout"


def _resize_timeout_changed(aws: ClientFactory, s: SeededStack) -> str:
    _task_fleet(s)["ResizeSpecifications"]["SpotResizeSpecification"]["TimeoutDurationMinutes"] += 30
    return "EMR burst task fleet resize timeout"


def _task_fleet_gone(aws: ClientFactory, s: SeededStack) -> str:
    s.fleets[s.outputs["burst_cluster_id"]].remove(_task_fleet(s))
    return "EMR burst task fleet Spot timeout"


BREAKAGES: list[Breakage] = [
    _peering_deleted, _one_way_routes, _terminated_cluster, _wrong_security_configuration, _data_bucket_sse_s3,
    _data_bucket_other_key, _access_logs_bucket_sse_kms, _public_access_open, _glue_unencrypted, _topic_without_kms,
    _spot_timeout_changed, _spot_timeout_action_changed, _resize_never_applied, _resize_timeout_changed,
    _task_fleet_gone,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.lstrip("_"))
def test_each_breakage_fails_its_check(
    aws: ClientFactory, seeded: SeededStack, dev_plan: Plan, expected: smoke.Expected, breakage: Breakage
) -> None:
    check = breakage(aws, seeded)
    try:
        results = smoke.run_checks(seeded.outputs, seeded.clients(aws), expected)
    finally:
        # The catalog's encryption settings are account-wide in the session's one emulator: put them back, or the
        # module's shared stack fails its Glue check in whichever test runs next on this worker.
        seed_catalog_encryption(aws, dev_plan)
    text, ok = smoke.report(results)
    assert ok is False
    assert f"FAIL  {check}:" in text
    assert _failed(results) == [check], "only the broken thing fails"
    assert smoke.exit_code(results) == 1


def test_extra_resize_settings_emr_adds_are_ignored(
    aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected
) -> None:
    _task_fleet(seeded)["ResizeSpecifications"]["OnDemandResizeSpecification"] = {"TimeoutDurationMinutes": 60}
    assert _failed(smoke.run_checks(seeded.outputs, seeded.clients(aws), expected)) == []


def test_main_exits_1_on_a_failure_with_the_report_on_stdout_and_the_error_on_stderr(
    aws: ClientFactory, seeded: SeededStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _terminated_cluster(aws, seeded)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(seeded.outputs))
    assert smoke.main([str(path), "--stack", "dev"], clients=seeded.clients(aws)) == 1
    captured = capsys.readouterr()
    assert "FAIL  EMR burst cluster state" in captured.out
    assert "error: 1 check(s) failed" in captured.err


# --- bad input: exit 2, a message naming the file/key and the fix, no traceback --------------------------------
def _write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "outputs.json"
    path.write_text(content)
    return str(path)


def _without(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def edit(out: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in out.items() if k != key}

    return edit


def _regions(onprem: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def edit(out: dict[str, Any]) -> dict[str, Any]:
        return {**out, "regions": {**out["regions"], "onprem": onprem}}

    return edit


INPUT_ERRORS = [
    pytest.param(None, [], "no outputs file", id="missing-file"),
    pytest.param("{not json", [], "not JSON (line 1, column 2", id="not-json"),
    pytest.param("[1, 2]", [], "expected a JSON object of stack outputs, got list", id="a-list"),
    pytest.param(_without("burst_cluster_id"), [], "burst_cluster_id: missing", id="incomplete"),
    pytest.param(_without("regions"), [], "regions: missing", id="no-regions"),
    pytest.param(_regions("us-west-9"), [], "regions.onprem: 'us-west-9' is not an AWS region", id="bogus-region"),
    pytest.param(_regions("eu-west-1"), [], "the stack config says 'us-west-1'", id="another-stacks-region"),
    pytest.param(_regions(["us-west-1"]), [], "regions.onprem: ['us-west-1'] is not an AWS region", id="region-list"),
    pytest.param(lambda out: out, ["--stack", "qa"], "stack 'qa'", id="unknown-stack"),
]


@pytest.mark.parametrize(("content", "extra", "message"), INPUT_ERRORS)
def test_bad_input_exits_2_with_a_clear_message(  # noqa: PLR0917 - fixtures and the table's columns
    aws: ClientFactory, shared: SeededStack, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    content: str | Callable[[dict[str, Any]], Any] | None, extra: list[str], message: str,
) -> None:
    if content is None:
        path = str(tmp_path / "nowhere.json")
    elif isinstance(content, str):
        path = _write(tmp_path, content)
    else:
        path = _write(tmp_path, json.dumps(content(dict(shared.outputs))))
    argv = [path, *(extra or ["--stack", "dev"])]
    assert smoke.main(argv, clients=shared.clients(aws)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_without_a_stack_name_it_asks_for_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert smoke.main([_write(tmp_path, "{}")]) == 2
    assert "--stack <stack>" in capsys.readouterr().err


def test_the_stack_defaults_to_the_outputs_environment_as_in_the_runbooks(
    aws: ClientFactory, shared: SeededStack, tmp_path: Path
) -> None:
    assert smoke.main([_write(tmp_path, json.dumps(shared.outputs))], clients=shared.clients(aws)) == 0


# --- AWS errors: exit 3 --------------------------------------------------------------------------------------
def test_access_denied_is_an_aws_error_exit_3(
    aws: ClientFactory, shared: SeededStack, expected: smoke.Expected
) -> None:
    """One service denies (botocore's Stubber answers DescribeVpcs with EC2's real 403 error shape); the other
    groups still run against moto and pass."""
    region = _region(shared, "onprem")
    denied = client_factory()("ec2", region)
    stubber = Stubber(denied)
    stubber.add_client_error("describe_vpcs", service_error_code="UnauthorizedOperation",
                             service_message="You are not authorized to perform this operation.", http_status_code=403)
    stubber.activate()
    base = shared.clients(aws)

    def clients(service: str, region_name: str) -> Any:
        return denied if (service, region_name) == ("ec2", region) else base(service, region_name)

    results = smoke.run_checks(shared.outputs, clients, expected)
    errors = [r for r in results if r.aws_error]
    assert [r.name for r in errors] == ["network checks"]
    assert "DescribeVpcs: UnauthorizedOperation" in errors[0].detail
    assert [r.name for r in results if not r.ok] == ["network checks"]
    assert smoke.exit_code(results) == 3
    assert "ERROR  network checks" in smoke.report(results)[0]


def test_no_credentials_exit_3_without_a_traceback(
    moto_url: str, shared: SeededStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = _write(tmp_path, json.dumps(shared.outputs))
    assert smoke.main([path, "--stack", "dev", "--endpoint-url", moto_url]) == 3
    err = capsys.readouterr().err
    assert "NoCredentialsError" in err
    assert "Traceback" not in err


def test_resources_missing_in_the_region_are_bad_input_exit_2(
    aws: ClientFactory, seeded: SeededStack, expected: smoke.Expected
) -> None:
    """Outputs of a stack in another account or region: the ids are not found there - bad input (2), as in the
    runbooks."""
    seeded.outputs["compute_vpc_id"] = "vpc-0123456789abcdef0"
    results = smoke.run_checks(seeded.outputs, seeded.clients(aws), expected)
    network = next(r for r in results if r.name == "network checks")
    assert "InvalidVpcID.NotFound" in network.detail
    assert "not in the region the outputs file names" in network.detail
    assert smoke.exit_code(results) == 2
