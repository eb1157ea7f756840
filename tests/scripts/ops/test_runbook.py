"""What every runbook shares: --help as a module, exit codes, errors on stderr without a traceback (missing or
incomplete outputs file, a region that is not AWS's, a cluster that is not in the named region, access denied),
the progress display and the table."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.core.authorization import enable_iam_authentication

from scripts.ops import benchmark, metadata_sync, prepare_data, resize_fleets, runbook, spot_drill
from scripts.ops.aws import ClientFactory
from tests.scripts.ops.runbook_fixture import EmrDriver, runbook_stack, write_outputs
from tests.scripts.ops.stack_fixture import REGIONS

RUNBOOKS: dict[str, Callable[..., int]] = {
    "prepare_data": prepare_data.main,
    "benchmark": benchmark.main,
    "metadata_sync": metadata_sync.main,
    "spot_drill": spot_drill.main,
    "resize_fleets": resize_fleets.main,
}
REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", sorted(RUNBOOKS))
def test_each_runbook_runs_as_a_module_with_help(name: str) -> None:
    result = subprocess.run([sys.executable, "-m", f"scripts.ops.{name}", "--help"], cwd=REPO, capture_output=True,
                            text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "--endpoint-url" in result.stdout
    assert "Exit 0" in result.stdout


@pytest.mark.parametrize("name", sorted(RUNBOOKS))
def test_a_missing_outputs_file_is_bad_input(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = RUNBOOKS[name]([str(tmp_path / "outputs.json")])
    err = capsys.readouterr().err
    assert code == runbook.EXIT_BAD_INPUT
    assert err.startswith("error: ")
    assert "no such outputs file" in err
    assert "pulumi stack output --json" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(RUNBOOKS))
def test_an_incomplete_outputs_file_names_the_missing_keys(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = RUNBOOKS[name]([write_outputs(tmp_path, {"regions": dict(REGIONS), "environment": "dev"})])
    err = capsys.readouterr().err
    assert code == runbook.EXIT_BAD_INPUT
    assert "incomplete stack outputs: missing " in err
    assert "_cluster_id" in err


def test_outputs_that_are_not_json_or_not_an_object(tmp_path: Path) -> None:
    bad = tmp_path / "outputs.json"
    bad.write_text("{not json")
    with pytest.raises(runbook.BadInputError, match=r"not JSON \(line 1, column 2"):
        runbook.load_outputs(str(bad), [])
    bad.write_text("[]")
    with pytest.raises(runbook.BadInputError, match="expected a JSON object of stack outputs, got list"):
        runbook.load_outputs(str(bad), [])


def test_a_region_that_is_not_an_aws_region_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = write_outputs(tmp_path, {"regions": {"onprem": "us-west-1", "compute": "us-easy-1"},
                                       "burst_cluster_id": "j-1"})
    assert benchmark.main([outputs]) == runbook.EXIT_BAD_INPUT
    assert "regions.compute is 'us-easy-1', which is not an AWS region" in capsys.readouterr().err


def test_a_cluster_not_in_the_named_region_is_reported_as_such(
    moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = write_outputs(tmp_path, {"regions": dict(REGIONS), "onprem_cluster_id": "j-NOTINTHISREGION"})
    code = prepare_data.main([outputs, "--endpoint-url", moto_url, "--output-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == runbook.EXIT_BAD_INPUT
    assert "EMR cluster j-NOTINTHISREGION (stack output 'onprem_cluster_id') does not exist in us-west-1" in err


@pytest.fixture
def denied_credentials(aws: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An IAM user without any policy, and moto enforcing IAM for the test (its auth simulation)."""
    iam = aws("iam", "us-east-1")
    name = f"no-permissions-{os.urandom(4).hex()}"
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    with enable_iam_authentication():
        yield


def test_access_denied_is_an_aws_error_naming_the_call(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    outputs = write_outputs(tmp_path, runbook_stack(aws))
    request.getfixturevalue("denied_credentials")
    driver = EmrDriver(aws)
    code = prepare_data.main([outputs, "--endpoint-url", moto_url, "--output-dir", str(tmp_path)],
                             clock=driver.clock())
    err = capsys.readouterr().err
    assert code == runbook.EXIT_AWS_ERROR
    assert err.startswith("error: access denied: DescribeCluster: User: arn:aws:iam::"), err
    assert "is not authorized to perform: elasticmapreduce:DescribeCluster." in err
    assert "docs/operations.md" in err
    assert "Traceback" not in err


def test_no_credentials_is_an_aws_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    outputs = write_outputs(tmp_path, {"regions": dict(REGIONS), "burst_cluster_id": "j-1"})
    code = benchmark.main([outputs, "--endpoint-url", "http://127.0.0.1:9", "--output-dir", str(tmp_path)])
    assert code == runbook.EXIT_AWS_ERROR
    assert "no AWS credentials found" in capsys.readouterr().err


def test_an_unreachable_endpoint_is_an_aws_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = write_outputs(tmp_path, {"regions": dict(REGIONS), "burst_cluster_id": "j-1"})
    code = benchmark.main([outputs, "--endpoint-url", "http://127.0.0.1:9", "--output-dir", str(tmp_path)])
    assert code == runbook.EXIT_AWS_ERROR
    assert "cannot reach the AWS endpoint" in capsys.readouterr().err


def test_progress_rewrites_one_line_on_a_terminal_and_prints_changes_otherwise() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, plain = Tty(), io.StringIO()
    for stream in (tty, plain):
        progress = runbook.Progress(stream=stream)
        progress.update("steps", "1 RUNNING", 5, 60)
        progress.update("steps", "1 RUNNING", 10, 60)
        progress.done("steps", "1 COMPLETED", 15)
    assert tty.getvalue().count("\r\033[K") == 3
    assert plain.getvalue().splitlines() == ["steps: 1 RUNNING (00:05 of 01:00)", "steps: 1 COMPLETED after 00:15"]


def test_wait_until_gives_up_at_the_limit_without_sleeping_past_it() -> None:
    now = [0.0]
    clock = runbook.Clock(sleep=lambda s: now.__setitem__(0, now[0] + s), now=lambda: now[0])
    with pytest.raises(runbook.WaitTimeoutError, match="still busy after 25s"):
        runbook.wait_until(lambda: (False, "busy"), what="thing", timeout=25, interval=10, clock=clock,
                           progress=runbook.Progress(quiet=True))
    assert now[0] == 25


def test_table_aligns_and_right_aligns_numbers() -> None:
    text = runbook.table(["name", "rows"], [("item", "204,000"), ("store_sales", None)])
    assert text.splitlines() == ["name" + " " * 12 + "rows", "-----------  -------", "item         204,000",
                                 "store_sales        -"]


def test_durations() -> None:
    assert [runbook.duration_seconds(v) for v in ("500ms", "30s", "2m", "1h", "1d")] == [0.5, 30, 120, 3600, 86400]
    with pytest.raises(runbook.BadInputError):
        runbook.duration_seconds("soon")


def test_json_results_are_written(tmp_path: Path) -> None:
    path = runbook.write_json(tmp_path / "a" / "r.json", {"ok": True})
    assert json.loads(path.read_text()) == {"ok": True}


def test_ctrl_c_ends_with_130_and_a_message_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def body() -> int:
        raise KeyboardInterrupt

    assert runbook.run(body) == runbook.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert "error: interrupted; EMR steps already submitted keep running" in err
    assert "Traceback" not in err
