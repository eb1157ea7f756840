"""metadata_sync end to end against moto's EMR and S3, with the dev stack's real config (interval 30s).

moto runs neither Hive nor Trino: ``EmrDriver`` ends the steps and uploads what their scripts print (the burst
read's TSV rows, the on-prem change's ``changed_at``, the poll loop's ``poll``/``matched_at`` lines). The times are
test inputs (milliseconds since the epoch), chosen to give the lag each test needs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.ops import metadata_sync
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.runbook_fixture import EmrDriver, Outcome, runbook_stack, write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

CHANGED_AT = 1_764_626_400_000
READ = "barney rubble\t35\nfred flintstone\t32\n"


def _poll(lag_ms: int | None) -> str:
    old, new = "barney rubble:35;fred flintstone:32;", "barney rubble:32;fred flintstone:35;"
    lines = [f"poll {CHANGED_AT + 1000} {old}", f"poll {CHANGED_AT + 3000} {old}"]
    if lag_ms is None:
        return "\n".join([*lines, "timeout"]) + "\n"
    return "\n".join([*lines, f"poll {CHANGED_AT + lag_ms} {new}", f"matched_at {CHANGED_AT + lag_ms}"]) + "\n"


def _outcomes(lag_ms: int | None, read: str = READ) -> dict[str, Outcome]:
    return {
        "metadata-sync: read from burst": Outcome(output=read),
        "metadata-sync: change on-prem": Outcome(output=f"changed_at {CHANGED_AT}\n"),
        "metadata-sync: wait for the change on burst": Outcome(output=_poll(lag_ms)),
    }


def _args(outputs: str, moto_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [outputs, "--endpoint-url", moto_url, "--output-dir", str(tmp_path / "out"), "--interval", "5", *extra]


def test_the_change_shows_within_the_sync_interval(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, _outcomes(lag_ms=21_500)).watch(out)

    code = metadata_sync.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--table", "students"),
                              clock=driver.clock())

    printed = capsys.readouterr()
    assert code == 0, printed.out + printed.err
    assert "PASS  metadata sync (interval, interval 30s): on-prem change seen on the burst cluster after 21.5s" \
        in printed.out
    onprem = [s.name for s in driver.steps(REGIONS["onprem"], out["onprem_cluster_id"])]
    burst = [s.name for s in driver.steps(REGIONS["compute"], out["burst_cluster_id"])]
    assert onprem == ["metadata-sync: create table on-prem", "metadata-sync: change on-prem",
                      "metadata-sync: drop table on-prem"]
    assert burst == ["metadata-sync: read from burst", "metadata-sync: wait for the change on burst"]
    poll_args = driver.steps(REGIONS["compute"], out["burst_cluster_id"])[1].args
    assert poll_args[4:9] == ["trino-cli", "onprem", "default", "students", "barney rubble:32;fred flintstone:35;"]
    (result,) = (tmp_path / "out").glob("metadata_sync-*.json")
    data = json.loads(result.read_text())
    assert data["lag_seconds"] == 21.5
    assert data["bound_seconds"] == 45.0
    assert data["sync_mode"] == "interval"


def test_a_lag_beyond_the_interval_fails(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, _outcomes(lag_ms=95_000)).watch(out)

    code = metadata_sync.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    printed = capsys.readouterr().out
    assert code == 1
    assert "the new rows showed after 95.0s, more than the sync interval 30s + 15s slack" in printed


def test_rows_that_never_show_fail(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, _outcomes(lag_ms=None)).watch(out)

    code = metadata_sync.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--timeout", "120",
                                    "--keep-table"), clock=driver.clock())

    printed = capsys.readouterr().out
    assert code == 1
    assert "the new rows did not show within 120s (--timeout)" in printed
    assert "drop" not in " ".join(s.name for s in driver.steps(REGIONS["onprem"], out["onprem_cluster_id"]))


def test_a_failed_hive_step_stops_before_the_change(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    outcomes = _outcomes(lag_ms=1000)
    outcomes["metadata-sync: create table on-prem"] = Outcome(state="FAILED", reason="Table already exists")
    driver = EmrDriver(aws, outcomes).watch(out)

    code = metadata_sync.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    assert code == 1
    assert "create the table on-prem: step FAILED: Table already exists" in capsys.readouterr().out
    assert [s.name for s in driver.steps(REGIONS["compute"], out["burst_cluster_id"])] == []


def test_an_unknown_stack_is_bad_input(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    code = metadata_sync.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--stack", "qa"))
    assert code == 2
    assert "--stack 'qa': no stack file" in capsys.readouterr().err
