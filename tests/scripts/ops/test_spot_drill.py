"""spot_drill.py: against moto's FIS and EMR, and with a tiny fake FIS for the timeout path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.ops import spot_drill
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.stack_fixture import REGIONS, healthy_stack


def test_drill_runs_the_experiment_to_completion_and_counts_spot_task_instances(aws: ClientFactory) -> None:
    out = healthy_stack(aws, spot_tasks=3)
    region = REGIONS["compute"]
    polls: list[float] = []
    result = spot_drill.run_drill(
        aws("fis", region),
        aws("emr", region),
        template_id=out["burst_spot_drill_template_id"],
        cluster_id=out["burst_cluster_id"],
        timeout=60,
        interval=5,
        sleep=polls.append,
    )
    assert result.ok
    assert result.status == "completed"
    # moto ignores InstanceFleetType and returns every instance; the Market filter keeps the 3 Spot tasks.
    assert (result.spot_before, result.spot_after) == (3, 3)
    assert polls
    assert set(polls) == {5}
    experiment = aws("fis", region).get_experiment(id=result.experiment_id)["experiment"]
    assert experiment["experimentTemplateId"] == out["burst_spot_drill_template_id"]
    assert "PASS" in result.report()


def test_main_exits_zero_on_completion(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(healthy_stack(aws)))
    code = spot_drill.main([str(path), "--endpoint-url", moto_url, "--interval", "0", "--settle", "0"])
    assert code == 0
    assert "Spot task instances: 3 before, 3 after" in capsys.readouterr().out


class _StuckFis:
    """A FIS that never finishes an experiment (moto's always does), to test the bounded wait."""

    def __init__(self) -> None:
        self.stopped: list[str] = []

    def start_experiment(self, **_: Any) -> dict[str, Any]:
        return {"experiment": {"id": "EXP1", "state": {"status": "initiating"}}}

    def get_experiment(self, id: str) -> dict[str, Any]:  # noqa: A002 - the boto3 keyword
        return {"experiment": {"id": id, "state": {"status": "running"}}}

    def stop_experiment(self, id: str) -> dict[str, Any]:  # noqa: A002
        self.stopped.append(id)
        return {}


class _NoInstancesEmr:
    def get_paginator(self, _: str) -> Any:
        class _Pages:
            def paginate(self, **__: Any) -> list[dict[str, Any]]:
                return [{"Instances": []}]

        return _Pages()


def test_a_stuck_experiment_is_stopped_at_the_timeout_and_fails() -> None:
    fis = _StuckFis()
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    result = spot_drill.run_drill(
        fis, _NoInstancesEmr(), template_id="EXT1", cluster_id="j-1", timeout=30, interval=10,
        sleep=sleep, clock=lambda: now[0],
    )
    assert not result.ok
    assert result.status == "timed-out"
    assert fis.stopped == ["EXP1"]
    assert now[0] == 30, "polled until the timeout, not beyond"
    assert "FAIL" in result.report()
