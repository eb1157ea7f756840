"""spot_drill end to end: the cluster, the query step and the FIS experiment in moto; the task fleet from Stubber.

moto has no instance fleets (no ``ListInstanceFleets``) and its instances never change state, so nothing in it can
be interrupted or replaced. The drill's view of the task fleet (``ListInstanceFleets`` and ``ListInstances``)
therefore comes from responses fed through botocore's ``Stubber``, which checks every request and response against
the real EMR API model: a fleet at its Spot target of 32 units with four 8-unit instances, two of them interrupted
after the 2-minute notice, two replacements launched and the capacity back. Every other call (``DescribeCluster``,
``AddJobFlowSteps``, ``DescribeStep``, FIS ``StartExperiment``/``GetExperiment``) goes to moto's server; moto's FIS
steps an experiment through pending -> running -> completed. A FIS experiment that fails is fed through Stubber too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from scripts.ops import spot_drill
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.runbook_fixture import EmrDriver, Outcome, runbook_stack, write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

FLEET = "if-2TASKFLEET0001"
FLEET_OPS = frozenset({"list_instance_fleets", "list_instances"})


def _fleet(provisioned: int, target: int = 32) -> dict[str, Any]:
    return {"InstanceFleets": [
        {"Id": "if-2COREFLEET0001", "InstanceFleetType": "CORE", "Status": {"State": "RUNNING"},
         "TargetOnDemandCapacity": 8, "ProvisionedOnDemandCapacity": 8},
        {"Id": FLEET, "InstanceFleetType": "TASK", "Status": {"State": "RUNNING" if provisioned >= target else
                                                                       "RESIZING"},
         "TargetSpotCapacity": target, "ProvisionedSpotCapacity": provisioned,
         "TargetOnDemandCapacity": 0, "ProvisionedOnDemandCapacity": 0},
    ]}


def _instances(states: dict[str, str]) -> dict[str, Any]:
    return {"Instances": [
        {"Id": iid, "Ec2InstanceId": f"i-0{iid[3:]}", "InstanceFleetId": FLEET, "Market": "SPOT",
         "InstanceType": "m6i.2xlarge", "Status": {"State": state}}
        for iid, state in states.items()
    ]}


BEFORE = {f"ci-{n}": "RUNNING" for n in range(1, 5)}
NOTICE = dict(BEFORE)  # the 2-minute notice: still running
INTERRUPTED = {"ci-1": "TERMINATED", "ci-2": "TERMINATED", "ci-3": "RUNNING", "ci-4": "RUNNING"}
REPLACING = {"ci-3": "RUNNING", "ci-4": "RUNNING", "ci-5": "PROVISIONING", "ci-6": "BOOTSTRAPPING"}
RESTORED = {"ci-3": "RUNNING", "ci-4": "RUNNING", "ci-5": "RUNNING", "ci-6": "RUNNING"}


class FleetView:
    """The drill's EMR client: fleet and instance listings from the stubbed client, everything else from moto."""

    def __init__(self, moto_emr: Any, stubbed: Any) -> None:
        self.moto, self.stubbed = moto_emr, stubbed

    def get_paginator(self, operation: str) -> Any:
        return (self.stubbed if operation in FLEET_OPS else self.moto).get_paginator(operation)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.moto, name)


def _stubbed_emr(cluster_id: str, *, capacity_back: bool) -> tuple[Any, Stubber]:
    client = boto3.client("emr", region_name=REGIONS["compute"], aws_access_key_id="stub",
                          aws_secret_access_key="stub")
    stub = Stubber(client)
    live = {"ClusterId": cluster_id, "InstanceFleetId": FLEET, "InstanceStates": list(spot_drill.LIVE_STATES)}
    every = {"ClusterId": cluster_id, "InstanceFleetId": FLEET, "InstanceStates": list(spot_drill.ALL_STATES)}
    stub.add_response("list_instance_fleets", _fleet(32), {"ClusterId": cluster_id})
    stub.add_response("list_instances", _instances(BEFORE), live)
    stub.add_response("list_instances", _instances(NOTICE), every)
    stub.add_response("list_instances", _instances(INTERRUPTED), every)
    stub.add_response("list_instance_fleets", _fleet(16), {"ClusterId": ANY})
    stub.add_response("list_instances", _instances(REPLACING), live)
    if capacity_back:
        stub.add_response("list_instance_fleets", _fleet(32), {"ClusterId": ANY})
        stub.add_response("list_instances", _instances(RESTORED), live)
    else:
        for _ in range(40):  # more polls than --capacity-timeout allows
            stub.add_response("list_instance_fleets", _fleet(24), {"ClusterId": ANY})
            stub.add_response("list_instances", _instances(REPLACING), live)
    stub.activate()
    return client, stub


def _clients(aws: ClientFactory, emr: Any, fis: Any = None) -> ClientFactory:
    def factory(service: str, region: str) -> Any:
        if service == "emr" and region == REGIONS["compute"]:
            return emr
        if service == "fis" and fis is not None:
            return fis
        return aws(service, region)

    return factory


def _args(outputs: str, tmp_path: Path, *extra: str) -> list[str]:
    return [outputs, "--output-dir", str(tmp_path / "out"), "--interval", "15", *extra]


def _drill(aws: ClientFactory, tmp_path: Path, *, query: Outcome, capacity_back: bool = True,
           extra: tuple[str, ...] = ()) -> tuple[int, dict[str, Any], Stubber, EmrDriver, dict[str, Any]]:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {"spot-drill: long query": query}).watch(out)
    stubbed, stub = _stubbed_emr(out["burst_cluster_id"], capacity_back=capacity_back)
    emr = FleetView(aws("emr", REGIONS["compute"]), stubbed)
    code = spot_drill.main(_args(write_outputs(tmp_path, out), tmp_path, *extra), clock=driver.clock(),
                           clients=_clients(aws, emr))
    (result,) = (tmp_path / "out").glob("spot_drill-*.json")
    return code, json.loads(result.read_text()), stub, driver, out


def test_passes_when_the_query_survives_and_capacity_returns(
    aws: ClientFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, stub, driver, out = _drill(aws, tmp_path, query=Outcome(polls=20))

    printed = capsys.readouterr()
    assert code == 0, printed.out + printed.err
    assert "PASS  Spot drill: query COMPLETED, capacity restored" in printed.out
    assert data["experiment_status"] == "completed"
    assert data["query_state"] == "COMPLETED"
    assert data["interrupted"] == ["ci-1", "ci-2"]
    assert data["replacements"] == ["ci-5", "ci-6"]
    assert (data["spot_units_before"], data["spot_units_after"], data["target_spot_units"]) == (32, 32, 32)
    stub.assert_no_pending_responses()
    experiment = aws("fis", REGIONS["compute"]).get_experiment(id=data["experiment_id"])["experiment"]
    assert experiment["experimentTemplateId"] == out["burst_spot_drill_template_id"]
    (step,) = driver.steps(REGIONS["compute"], out["burst_cluster_id"])
    assert step.args[4:7] == ["trino-cli", "onprem", "tpcds"]
    assert "FROM inventory" in step.args[7]


def test_fails_when_the_query_fails_during_the_drill_even_with_capacity_back(
    aws: ClientFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _, _, _ = _drill(aws, tmp_path, query=Outcome(
        state="FAILED", polls=20, reason="Query failed: Encountered too many errors talking to a worker node"))

    printed = capsys.readouterr().out
    assert code == 1
    assert data["capacity_restored"] is True, "capacity came back; the query alone fails the drill"
    assert "FAIL  Spot drill: query FAILED, capacity restored" in printed
    assert "the query step FAILED: Query failed: Encountered too many errors talking to a worker node" in printed


def test_fails_when_capacity_never_returns_even_with_the_query_done(
    aws: ClientFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _, _, _ = _drill(aws, tmp_path, query=Outcome(polls=20), capacity_back=False,
                                      extra=("--capacity-timeout", "300"))

    printed = capsys.readouterr().out
    assert code == 1
    assert data["query_state"] == "COMPLETED", "the query succeeded; the capacity alone fails the drill"
    assert "FAIL  Spot drill: query COMPLETED, capacity NOT restored" in printed
    assert "Spot capacity not restored within 300s (--capacity-timeout): 24 of 32 Spot units provisioned" in printed


def test_fails_when_the_fis_experiment_fails(aws: ClientFactory, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The experiment's failure comes from Stubber (moto's experiments always complete)."""
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {"spot-drill: long query": Outcome(polls=3)}).watch(out)
    stubbed, _ = _stubbed_emr(out["burst_cluster_id"], capacity_back=True)
    fis = boto3.client("fis", region_name=REGIONS["compute"], aws_access_key_id="stub",
                       aws_secret_access_key="stub")
    fis_stub = Stubber(fis)
    fis_stub.add_response("start_experiment", {"experiment": {"id": "EXPfailed1", "state": {"status": "initiating"}}},
                          {"experimentTemplateId": out["burst_spot_drill_template_id"], "clientToken": ANY,
                           "tags": {"hybrid-burst": "spot-drill"}})
    fis_stub.add_response("get_experiment", {"experiment": {"id": "EXPfailed1", "state": {
        "status": "failed", "reason": "Target resolution returned empty set for target SpotTasks"}}},
        {"id": "EXPfailed1"})
    fis_stub.activate()
    emr = FleetView(aws("emr", REGIONS["compute"]), stubbed)

    code = spot_drill.main(_args(write_outputs(tmp_path, out), tmp_path), clock=driver.clock(),
                           clients=_clients(aws, emr, fis))

    printed = capsys.readouterr().out
    assert code == 1
    assert "FIS experiment EXPfailed1 failed: Target resolution returned empty set for target SpotTasks" in printed


def test_a_fleet_below_target_before_the_drill_is_refused(
    aws: ClientFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    client = boto3.client("emr", region_name=REGIONS["compute"], aws_access_key_id="stub",
                          aws_secret_access_key="stub")
    stub = Stubber(client)
    stub.add_response("list_instance_fleets", _fleet(16), {"ClusterId": out["burst_cluster_id"]})
    stub.activate()

    code = spot_drill.main(_args(write_outputs(tmp_path, out), tmp_path),
                           clients=_clients(aws, FleetView(aws("emr", REGIONS["compute"]), client)))

    assert code == 1
    assert "has 16 of 32 Spot units before the drill" in capsys.readouterr().err


def test_ctrl_c_during_the_experiment_stops_it(aws: ClientFactory, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {"spot-drill: long query": Outcome(polls=50)}).watch(out)
    stubbed, _ = _stubbed_emr(out["burst_cluster_id"], capacity_back=True)
    fis = aws("fis", REGIONS["compute"])
    started: list[str] = []

    def interrupt(d: EmrDriver) -> None:
        experiments = fis.list_experiments()["experiments"]
        mine = [e["id"] for e in experiments if e["experimentTemplateId"] == out["burst_spot_drill_template_id"]]
        if mine and not started:
            started.extend(mine)
            raise KeyboardInterrupt

    driver.hooks.append(interrupt)
    code = spot_drill.main(_args(write_outputs(tmp_path, out), tmp_path), clock=driver.clock(),
                           clients=_clients(aws, FleetView(aws("emr", REGIONS["compute"]), stubbed)))

    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    (experiment_id,) = started
    status = fis.get_experiment(id=experiment_id)["experiment"]["state"]["status"]
    assert status in {"stopping", "stopped"}
