"""submit_job against moto's EMR on EKS (``emr-containers``): the StartJobRun request as the service stores it, the
wait, and the failure paths. moto keeps every job run RUNNING; ``_JobDriver`` is the runbook's clock and ends the
run the way EMR on EKS does (state, finishedAt, failureReason) in moto's in-process backend."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto.emrcontainers.models import emrcontainers_backends

from scripts.ops import submit_job
from scripts.ops.aws import ClientFactory
from scripts.ops.runbook import Clock
from tests.scripts.ops.runbook_fixture import write_outputs
from tests.scripts.ops.stack_fixture import ACCOUNT, REGIONS

REGION = REGIONS["compute"]


def _stack(aws: ClientFactory) -> dict[str, Any]:
    suffix = uuid.uuid4().hex[:8]
    vc = aws("emr-containers", REGION).create_virtual_cluster(
        name=f"hybrid-burst-test-{suffix}",
        containerProvider={"id": f"hybrid-burst-test-{suffix}", "type": "EKS",
                           "info": {"eksInfo": {"namespace": f"emr-spark-{suffix}"}}},
    )["id"]
    return {
        "environment": "staging",
        "regions": dict(REGIONS),
        "emr_virtual_cluster_id": vc,
        "emr_on_eks_job_role_arn": f"arn:aws:iam::{ACCOUNT}:role/hybrid-burst-staging-emr-on-eks-job",
        "emr_on_eks_release_label": "emr-7.5.0-latest",
        "emr_on_eks_job_log_group_name": "/hybrid-burst/staging/emr-on-eks/emr-spark",
        "emr_on_eks_s3_log_uri": f"s3://hb-compute-logs-{suffix}/emr-on-eks/",
        "emr_on_eks_pod_templates": {
            "driver": f"s3://hb-compute-artifacts-{suffix}/emr-on-eks/pod-templates/lake-pipeline/driver.yaml",
            "executor": f"s3://hb-compute-artifacts-{suffix}/emr-on-eks/pod-templates/lake-pipeline/executor.yaml",
        },
        "lake_pipeline_entry_point": f"s3://hb-compute-artifacts-{suffix}/jobs/0123456789ab/tpcds_to_iceberg.py",
        "lake_warehouse_uri": f"s3://hb-compute-raw-{suffix}/iceberg/",
        "burst_master_private_dns": "ip-10-20-1-10.ec2.internal",
    }


@dataclass
class _JobDriver:
    """Ends every job run of a virtual cluster after ``polls`` sleeps with ``state``."""

    virtual_cluster_id: str
    state: str = "COMPLETED"
    reason: str | None = None
    polls: int = 2
    now: float = 0.0
    sleeps: int = 0

    def clock(self) -> Clock:
        return Clock(sleep=self.sleep, now=lambda: self.now)

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 1.0)
        self.sleeps += 1
        if self.sleeps < self.polls or self.state == "RUNNING":
            return
        for run in self.runs():
            if run.state == "RUNNING":
                run.state = self.state
                run.failure_reason = self.reason
                run.state_details = self.reason

    def runs(self) -> list[Any]:
        return [
            r for backend in emrcontainers_backends[ACCOUNT].values() for r in backend.job_runs.values()
            if r.virtual_cluster_id == self.virtual_cluster_id
        ]


def _argv(path: str, moto_url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [path, "--endpoint-url", moto_url, "--output-dir", str(tmp_path / "out"), "--interval", "10", *extra]


def test_starts_the_run_with_role_release_logs_and_monitoring_and_waits_for_it(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _stack(aws)
    driver = _JobDriver(out["emr_virtual_cluster_id"])
    code = submit_job.main(_argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--tables", "store_sales"),
                           clock=driver.clock())
    printed = capsys.readouterr()
    assert code == 0, printed.err + printed.out
    assert "PASS  submit-job" in printed.out
    (run,) = driver.runs()
    stored = aws("emr-containers", REGION).describe_job_run(id=run.id, virtualClusterId=out["emr_virtual_cluster_id"])
    job = stored["jobRun"]
    assert job["state"] == "COMPLETED"
    assert job["executionRoleArn"] == out["emr_on_eks_job_role_arn"]
    assert job["releaseLabel"] == "emr-7.5.0-latest"
    driver_conf = job["jobDriver"]["sparkSubmitJobDriver"]
    assert driver_conf["entryPoint"] == out["lake_pipeline_entry_point"]
    args = driver_conf["entryPointArguments"]
    assert args[args.index("--tables") + 1] == "store_sales"
    monitoring = job["configurationOverrides"]["monitoringConfiguration"]
    assert monitoring["persistentAppUI"] == "ENABLED"
    assert monitoring["cloudWatchMonitoringConfiguration"]["logGroupName"] == out["emr_on_eks_job_log_group_name"]
    assert monitoring["s3MonitoringConfiguration"]["logUri"] == out["emr_on_eks_s3_log_uri"]
    (spark,) = job["configurationOverrides"]["applicationConfiguration"]
    props = spark["properties"]
    assert props["spark.kubernetes.executor.podTemplateFile"] == out["emr_on_eks_pod_templates"]["executor"]
    assert props["spark.sql.catalog.iceberg.warehouse"] == out["lake_warehouse_uri"]
    (result,) = (tmp_path / "out").glob("submit_job-*.json")
    assert json.loads(result.read_text())["state"] == "COMPLETED"


def test_a_failed_run_exits_1_with_its_reason(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _stack(aws)
    driver = _JobDriver(out["emr_virtual_cluster_id"], state="FAILED", reason="USER_ERROR: Path does not exist")
    code = submit_job.main(_argv(write_outputs(tmp_path, out), moto_url, tmp_path), clock=driver.clock())
    printed = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in printed
    assert "Path does not exist" in printed


def test_a_run_that_does_not_end_is_cancelled_and_fails(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _stack(aws)
    driver = _JobDriver(out["emr_virtual_cluster_id"], state="RUNNING")
    code = submit_job.main(_argv(write_outputs(tmp_path, out), moto_url, tmp_path, "--timeout", "60"),
                           clock=driver.clock())
    err = capsys.readouterr().err
    assert code == 1
    assert "was cancelled" in err
    assert [r.state for r in driver.runs()] == ["CANCELLED"]


def test_an_unknown_virtual_cluster_is_an_aws_error_exit_3(
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = {**_stack(aws), "emr_virtual_cluster_id": "0" * 25}
    code = submit_job.main(_argv(write_outputs(tmp_path, out), moto_url, tmp_path))
    err = capsys.readouterr().err
    assert code == 3
    assert "ResourceNotFoundException" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--jars", "http://x/a.jar"], "--jars"), (["--catalog", "Ice-Berg"], "--catalog")],
)
def test_bad_input_exits_2(  # noqa: PLR0917 - pytest fixtures and parameters
    aws: ClientFactory, moto_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
    message: str,
) -> None:
    code = submit_job.main(_argv(write_outputs(tmp_path, _stack(aws)), moto_url, tmp_path, *extra))
    assert code == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")


def test_the_request_validates_against_botocores_model_of_start_job_run() -> None:
    """Client-side validation with the real API model (no call is made)."""
    import botocore.session
    from botocore.validate import ParamValidator

    outputs = {
        **dict.fromkeys(submit_job.REQUIRED_OUTPUTS, "x"),
        "emr_virtual_cluster_id": "a" * 25,
        "emr_on_eks_job_role_arn": f"arn:aws:iam::{ACCOUNT}:role/hybrid-burst-staging-emr-on-eks-job",
        "emr_on_eks_release_label": "emr-7.5.0-latest",
        "emr_on_eks_job_log_group_name": "/hybrid-burst/staging/emr-on-eks/emr-spark",
        "emr_on_eks_s3_log_uri": "s3://logs/emr-on-eks/",
        "lake_pipeline_entry_point": "s3://b/jobs/tpcds_to_iceberg.py",
        "emr_on_eks_pod_templates": {"driver": "s3://b/d.yaml", "executor": "s3://b/e.yaml"},
        "lake_warehouse_uri": "s3://w/iceberg/",
    }
    request = submit_job.start_job_run_request(outputs, arguments=["--source-root", "s3://b/t"], catalog="iceberg",
                                               name="n", jars=["s3://b/alluxio-client.jar"])
    model = botocore.session.get_session().get_service_model("emr-containers")
    report = ParamValidator().validate(request, model.operation_model("StartJobRun").input_shape)
    assert not report.has_errors(), report.generate_report()
    assert request["configurationOverrides"]["applicationConfiguration"][0]["properties"]["spark.jars"].endswith(
        ",s3://b/alluxio-client.jar"
    )
