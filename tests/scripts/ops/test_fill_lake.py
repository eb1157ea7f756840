"""fill_lake end to end against moto's EMR and Glue (the step moved by ``EmrDriver``; the tables the job would
create are written into moto's Glue when the step completes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.ops import fill_lake
from scripts.ops.aws import ClientFactory, client_factory
from tests.scripts.ops.runbook_fixture import EmrDriver, Outcome, runbook_stack, write_outputs
from tests.scripts.ops.stack_fixture import ACCOUNT, REGIONS

REGION = REGIONS["compute"]
RUNTIME_ROLE = f"arn:aws:iam::{ACCOUNT}:role/hybrid-burst-test-lake-emr-runtime"


def _stack(aws: ClientFactory, *, governed: bool = True) -> dict[str, Any]:
    out = runbook_stack(aws)
    out.update({
        "burst_master_private_dns": "ip-10-20-1-10.ec2.internal",
        "lake_pipeline_entry_point": "s3://hb-compute-artifacts/jobs/0123456789ab/tpcds_to_iceberg.py",
        "emr_runtime_role_arn": RUNTIME_ROLE,
        "burst_lake_formation": governed,
        "burst_spark_iceberg_catalog": "iceberg",
    })
    return out


def _database(aws: ClientFactory, name: str) -> None:
    aws("glue", REGION).create_database(DatabaseInput={"Name": name})


def _job_writes(aws: ClientFactory, database: str, tables: list[str], table_type: str = "ICEBERG") -> Any:
    """What the Spark job leaves in Glue once its step completes (Iceberg's GlueCatalog sets table_type)."""
    done = {"written": False}

    def hook(driver: EmrDriver) -> None:
        cluster_id = driver.clusters[1][1]
        steps = driver.steps(REGION, cluster_id)
        if not done["written"] and steps and steps[-1].state == "COMPLETED":
            for table in tables:
                aws("glue", REGION).create_table(
                    DatabaseName=database,
                    TableInput={"Name": table, "Parameters": {"table_type": table_type}},
                )
            done["written"] = True

    return hook


class _Recorder:
    """Keeps the parameters of every AddJobFlowSteps call the runbook makes (botocore's provide-client-params)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []

        def factory(endpoint_url: str | None = None, profile: str | None = None) -> ClientFactory:
            inner = client_factory(endpoint_url, profile)

            def make(service: str, region: str) -> Any:
                client = inner(service, region)
                client.meta.events.register(
                    "provide-client-params.emr.AddJobFlowSteps", lambda params, **_: self.calls.append(params)
                )
                return client

            return make

        monkeypatch.setattr(fill_lake, "client_factory", factory)


def _argv(path: str, moto_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [path, "--endpoint-url", moto_url, "--output-dir", str(tmp_path / "out"), "--interval", "5", *extra]


def test_fills_the_lake_as_the_runtime_role_and_checks_the_iceberg_tables(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _stack(aws)
    database = f"tpcds_{out['burst_cluster_id'][-6:].lower()}"
    _database(aws, database)
    tables = ["store_sales", "item"]
    driver = EmrDriver(aws, {fill_lake.STEP_NAME: Outcome(polls=2)}).watch(out)
    driver.hooks.append(_job_writes(aws, database, tables))
    recorder = _Recorder(monkeypatch)

    code = fill_lake.main(
        _argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", ",".join(tables), "--database", database),
        clock=driver.clock(),
    )

    printed = capsys.readouterr()
    assert code == 0, printed.err + printed.out
    assert "PASS  fill-lake: 2/2 Iceberg table(s)" in printed.out
    (call,) = recorder.calls
    (step,) = call["Steps"]
    assert call["ExecutionRoleArn"] == RUNTIME_ROLE, "with Lake Formation on, the step runs as the runtime role"
    args = step["HadoopJarStep"]["Args"]
    assert args[:4] == ["spark-submit", "--deploy-mode", "cluster", out["lake_pipeline_entry_point"]]
    assert args[args.index("--source-root") + 1] == "alluxio://ip-10-20-1-10.ec2.internal:19998/onprem/tmp/tpcds"
    assert args[args.index("--tables") + 1] == "store_sales,item"
    (emr_step,) = driver.steps(REGION, out["burst_cluster_id"])
    assert emr_step.action_on_failure == "CONTINUE"
    (result,) = (tmp_path / "out").glob("fill_lake-*.json")
    data = json.loads(result.read_text())
    assert data["ok"]
    assert data["runtime_role"] is True
    assert data["tables"] == {"store_sales": "ICEBERG", "item": "ICEBERG"}


def test_without_lake_formation_no_runtime_role_is_sent(
    aws: ClientFactory, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _stack(aws, governed=False)
    database = f"tpcds_{out['burst_cluster_id'][-6:].lower()}"
    _database(aws, database)
    driver = EmrDriver(aws).watch(out)
    driver.hooks.append(_job_writes(aws, database, ["item"]))
    recorder = _Recorder(monkeypatch)
    code = fill_lake.main(
        _argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", "item", "--database", database),
        clock=driver.clock(),
    )
    assert code == 0
    assert "ExecutionRoleArn" not in recorder.calls[0]


def test_a_failed_step_fails_the_run_with_its_reason(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = _stack(aws)
    database = f"tpcds_{out['burst_cluster_id'][-6:].lower()}"
    _database(aws, database)
    reason = "Lake Formation: insufficient permissions on tpcds"
    driver = EmrDriver(aws, {fill_lake.STEP_NAME: Outcome(state="FAILED", reason=reason)}).watch(out)
    code = fill_lake.main(
        _argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", "item", "--database", database),
        clock=driver.clock(),
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in printed
    assert reason in printed


def test_a_table_that_is_not_iceberg_fails_the_check(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = _stack(aws)
    database = f"tpcds_{out['burst_cluster_id'][-6:].lower()}"
    _database(aws, database)
    driver = EmrDriver(aws).watch(out)
    driver.hooks.append(_job_writes(aws, database, ["item"], table_type="EXTERNAL_TABLE"))
    code = fill_lake.main(
        _argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", "item,date_dim", "--database", database),
        clock=driver.clock(),
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert f"table {database}.item is not an Iceberg table" in printed
    assert f"table {database}.date_dim is missing" in printed


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--database", "TPC-DS"], "--database"),
        (["--source-root", "file:///tmp/x"], "--source-root"),
    ],
)
def test_bad_input_exits_2_before_any_call(  # noqa: PLR0917 - pytest fixtures and parameters
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
    message: str,
) -> None:
    out = _stack(aws)
    code = fill_lake.main(_argv(write_outputs(tmp_path, out), moto_url, tmp_path, *extra))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {message}")
    assert "Traceback" not in err


def test_missing_outputs_exit_2_naming_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"regions": dict(REGIONS), "burst_cluster_id": "j-1"}))
    assert fill_lake.main([str(path)]) == 2
    assert "lake_pipeline_entry_point" in capsys.readouterr().err
