"""prepare_data end to end against moto's EMR and S3 (steps moved and their output written by ``EmrDriver``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.ops import prepare_data
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.runbook_fixture import EmrDriver, Outcome, runbook_stack, terminate_with_errors, write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

COUNTS = "store_sales\t287997024\nitem\t204000\ndate_dim\t73049\ninventory\t399330000\nwarehouse\t15\n"
"""The count step's output for TPC-DS scale factor 100 (row counts from the TPC-DS specification's table 3-2)."""


def _args(outputs: str, moto_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [outputs, "--endpoint-url", moto_url, "--output-dir", str(tmp_path / "out"), "--interval", "5", *extra]


def test_copies_the_tables_creates_them_and_reports_row_counts(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {"prepare-data: count rows": Outcome(output=COUNTS)}).watch(out)

    code = prepare_data.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "PASS  prepare-data: 5 table(s) counted" in printed.out
    assert "287,997,024" in printed.out
    steps = driver.steps(REGIONS["onprem"], out["onprem_cluster_id"])
    assert [s.name for s in steps] == [
        "prepare-data: mkdir", *(f"prepare-data: copy {t}" for t in prepare_data.DEFAULT_TABLES),
        "prepare-data: create tables", "prepare-data: count rows",
    ]
    assert steps[1].args == ["s3-dist-cp", "--src", prepare_data.TUTORIAL_SOURCE + "store_sales/",
                             "--dest", "hdfs:///tmp/tpcds/store_sales/"]
    ddl = steps[-2].args
    assert ddl[:2] == ["hive", "--hivevar"]
    assert "location=hdfs:///tmp/tpcds" in ddl
    assert "CREATE EXTERNAL TABLE store_sales" in ddl[-1]
    assert "--" not in ddl[-1].splitlines()[0]
    assert steps[-1].args[-1].startswith("s3://hb-onprem-logs-")
    assert "/emr/onprem/runbooks/" in steps[-1].args[-1]
    assert all(s.action_on_failure == "CONTINUE" for s in steps), "a runbook step never terminates the cluster"
    (result,) = (tmp_path / "out").glob("prepare_data-*.json")
    data = json.loads(result.read_text())
    assert data["ok"]
    assert data["row_counts"]["item"] == 204000
    assert "submitted 8 steps" in printed.err  # the progress display


def test_a_failed_copy_step_fails_the_run_with_its_reason(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {
        "prepare-data: copy item": Outcome(state="FAILED", reason="Step failed with exitCode 1 (AccessDenied)"),
        "prepare-data: count rows": Outcome(output="store_sales\t287997024\n"),
    }).watch(out)

    code = prepare_data.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", "store_sales,item"),
                             clock=driver.clock())

    printed = capsys.readouterr()
    assert code == 1
    assert "FAIL  prepare-data" in printed.out
    assert "step prepare-data: copy item FAILED: Step failed with exitCode 1 (AccessDenied)" in printed.out
    assert "table item has no rows" in printed.out
    assert "Traceback" not in printed.err


def test_a_cluster_terminated_with_errors_stops_the_wait(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, hooks=[terminate_with_errors(
        REGIONS["onprem"], out["onprem_cluster_id"], 2, "The master node was terminated by user.")]).watch(out)

    code = prepare_data.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    err = capsys.readouterr().err
    assert code == 1
    assert "went TERMINATED_WITH_ERRORS (The master node was terminated by user.)" in err
    assert "Traceback" not in err


def test_the_steps_time_out(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    driver = EmrDriver(aws, {"prepare-data: mkdir": Outcome(polls=10_000)}).watch(out)

    code = prepare_data.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path, "--timeout", "60"),
                             clock=driver.clock())

    err = capsys.readouterr().err
    assert code == 1
    assert "still" in err
    assert "after 60s" in err
    assert driver.now <= 60 + 5


def test_a_cluster_that_is_not_usable_is_refused_before_any_step(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = runbook_stack(aws)
    aws("emr", REGIONS["onprem"]).terminate_job_flows(JobFlowIds=[out["onprem_cluster_id"]])
    driver = EmrDriver(aws).watch(out)

    code = prepare_data.main(_args(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())

    assert code == 1
    assert "is TERMINATED" in capsys.readouterr().err
    assert driver.steps(REGIONS["onprem"], out["onprem_cluster_id"]) == []


def test_bad_options_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = write_outputs(tmp_path, {"regions": dict(REGIONS), "onprem_cluster_id": "j-1"})
    assert prepare_data.main([outputs, "--source", "ftp://x/y"]) == 2
    assert "--source 'ftp://x/y'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        prepare_data.main([outputs, "--tables", "Store Sales"])
    assert exc.value.code == 2
