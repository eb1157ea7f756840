"""resize_fleets: the expected specifications from the real stack configs, and the runbook against Stubber.

moto implements neither ``ListInstanceFleets`` nor ``ModifyInstanceFleet``, so the EMR side is botocore's ``Stubber``
on a real EMR client: every request the runbook makes (including the ``ResizeSpecifications`` it sends) and every
response is validated against EMR's API model; the responses are shaped like EMR's for the dev stack's clusters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from scripts.ops import resize_fleets
from scripts.ops.runbook import load_stack_config
from tests.scripts.ops.runbook_fixture import write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

OUTPUTS = {"environment": "dev", "regions": dict(REGIONS), "onprem_cluster_id": "j-ONPREM00001",
           "burst_cluster_id": "j-BURST000001"}


def _fleet(fleet_id: str, kind: str, spec: dict[str, Any] | None, *, state: str = "RUNNING", spot: int = 0,
           on_demand: int = 0) -> dict[str, Any]:
    fleet: dict[str, Any] = {"Id": fleet_id, "InstanceFleetType": kind, "Status": {"State": state},
                             "TargetSpotCapacity": spot, "TargetOnDemandCapacity": on_demand}
    if spec is not None:
        fleet["ResizeSpecifications"] = spec
    return fleet


def test_expected_specifications_follow_the_stack_config() -> None:
    dev = resize_fleets.expected_specifications(load_stack_config("dev"))
    # dev's burst task fleet is all Spot with a 10-minute Spot timeout; core fleets are On-Demand (20 minutes).
    assert dev["burst"]["TASK"] == {
        "SpotResizeSpecification": {"TimeoutDurationMinutes": 10, "AllocationStrategy": "price-capacity-optimized"}
    }
    assert dev["burst"]["CORE"] == {
        "OnDemandResizeSpecification": {"TimeoutDurationMinutes": 20, "AllocationStrategy": "lowest-price"}
    }
    assert "TASK" not in dev["onprem"]
    prod = resize_fleets.expected_specifications(load_stack_config("prod"))
    assert set(prod["burst"]["TASK"]) == {"SpotResizeSpecification", "OnDemandResizeSpecification"}  # 80% Spot


def _emr(responses: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> tuple[Any, Stubber]:
    client = boto3.client("emr", region_name="us-east-1", aws_access_key_id="stub",
                          aws_secret_access_key="stub")
    stub = Stubber(client)
    for op, response, params in responses:
        stub.add_response(op, response, params)
    stub.activate()
    return client, stub


def _run(tmp_path: Path, client: Any, *extra: str) -> tuple[int, dict[str, Any]]:
    outputs = write_outputs(tmp_path, OUTPUTS)
    code = resize_fleets.main([outputs, "--clusters", "burst", "--output-dir", str(tmp_path / "out"), *extra],
                              clients=lambda service, region: client)
    (result,) = (tmp_path / "out").glob("resize_fleets-*.json")
    return code, json.loads(result.read_text())


def test_applies_the_specifications_that_differ_and_confirms_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    want = resize_fleets.expected_specifications(load_stack_config("dev"))["burst"]
    cluster = {"ClusterId": "j-BURST000001"}
    before = {"InstanceFleets": [
        _fleet("if-MASTER", "MASTER", None, on_demand=1),
        _fleet("if-CORE", "CORE", want["CORE"], on_demand=8),  # already in place
        _fleet("if-TASK", "TASK", {"SpotResizeSpecification": {"TimeoutDurationMinutes": 60}}, spot=32),
    ]}
    after = {"InstanceFleets": [*before["InstanceFleets"][:2], _fleet("if-TASK", "TASK", want["TASK"], spot=32)]}
    client, stub = _emr([
        ("list_instance_fleets", before, cluster),
        ("modify_instance_fleet", {}, {**cluster, "InstanceFleet": {
            "InstanceFleetId": "if-TASK", "ResizeSpecifications": want["TASK"]}}),
        ("list_instance_fleets", after, cluster),
    ])

    code, data = _run(tmp_path, client)

    printed = capsys.readouterr().out
    assert code == 0, printed
    stub.assert_no_pending_responses()
    assert "PASS  resize specifications: 2 of 2 fleet(s) as configured (stack dev)" in printed
    assert "60 min -> 10 min" in printed
    assert [(f["fleet_type"], f["action"]) for f in data["fleets"]] == [("CORE", "in place"), ("TASK", "modified")]


def test_check_mode_reports_a_difference_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, stub = _emr([("list_instance_fleets", {"InstanceFleets": [
        _fleet("if-CORE", "CORE", None, on_demand=8), _fleet("if-TASK", "TASK", None, spot=32)]},
        {"ClusterId": "j-BURST000001"})])

    code, data = _run(tmp_path, client, "--check")

    assert code == 1
    stub.assert_no_pending_responses()  # no ModifyInstanceFleet
    assert {f["action"] for f in data["fleets"]} == {"differs"}
    assert "FAIL  resize specifications: 0 of 2" in capsys.readouterr().out


def test_a_resizing_fleet_is_left_for_a_later_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    want = resize_fleets.expected_specifications(load_stack_config("dev"))["burst"]
    client, stub = _emr([("list_instance_fleets", {"InstanceFleets": [
        _fleet("if-CORE", "CORE", want["CORE"], on_demand=8),
        _fleet("if-TASK", "TASK", None, state="RESIZING", spot=32)]}, {"ClusterId": "j-BURST000001"})])

    code, data = _run(tmp_path, client)

    assert code == 1
    stub.assert_no_pending_responses()
    assert data["fleets"][1]["action"] == "differs; fleet is RESIZING, run again when it is RUNNING"


def test_unknown_clusters_option_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert resize_fleets.main([write_outputs(tmp_path, OUTPUTS), "--clusters", "edge"]) == 2
    assert "--clusters 'edge'" in capsys.readouterr().err
