"""Submit the lake pipeline to EMR on EKS (``StartJobRun``) and wait for it.

    pulumi stack output --json -s staging > outputs.json
    python -m scripts.ops.submit_job outputs.json [--tables store_sales,item] [--source-root ...] [--no-wait]

The request (https://docs.aws.amazon.com/emr-on-eks/latest/APIReference/API_StartJobRun.html) is the one the stack's
job template holds (``components/eks/spark_job_template.py``), built from the stack outputs:

- the virtual cluster (``emr_virtual_cluster_id``), the job execution role (``emr_on_eks_job_role_arn``) and the
  release label (``emr_on_eks_release_label``, e.g. ``emr-7.5.0-latest``);
- ``sparkSubmitJobDriver``: the job (``lake_pipeline_entry_point``) and its arguments;
- ``spark-defaults``: the driver/executor pod templates (drivers On-Demand, executors Spot), the Glue metastore, the
  Iceberg catalog on Glue, dynamic allocation with shuffle tracking;
- ``monitoringConfiguration``: CloudWatch Logs (``emr_on_eks_job_log_group_name``, stream prefix ``tpcds-to-iceberg``),
  S3 logs (``emr_on_eks_s3_log_uri``) and the persistent Spark UI.

Then it polls ``DescribeJobRun`` until the run ends (``--timeout``; on timeout it cancels the run and fails).
The source is read through the burst cluster's Alluxio by default; the EMR on EKS image has no Alluxio client, so
``--jars`` must name the Alluxio client jar in S3 for ``alluxio://`` sources (see docs/eks.md), or pass an ``s3://``
``--source-root``.

Prints the run as a table and writes a JSON result under ``--output-dir``.
Exit codes: 0 the run COMPLETED (or was submitted, with ``--no-wait``); 1 it FAILED, was CANCELLED or timed out;
2 bad input; 3 AWS error.
"""

from __future__ import annotations

import argparse
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from components.eks.spark_job_template import spark_defaults
from scripts.ops.aws import client_factory
from scripts.ops.fill_lake import add_job_input_args, default_source_root, job_arguments
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    BadInputError,
    CheckFailedError,
    Clock,
    Progress,
    WaitTimeoutError,
    load_outputs,
    parser,
    positive,
    run,
    run_id,
    table,
    wait_until,
    write_json,
)

REQUIRED_OUTPUTS = (
    "emr_virtual_cluster_id",
    "emr_on_eks_job_role_arn",
    "emr_on_eks_release_label",
    "emr_on_eks_job_log_group_name",
    "emr_on_eks_s3_log_uri",
    "emr_on_eks_pod_templates",
    "lake_pipeline_entry_point",
    "lake_warehouse_uri",
    "burst_master_private_dns",
)
ENDED = frozenset({"COMPLETED", "FAILED", "CANCELLED"})
LOG_STREAM_PREFIX = "tpcds-to-iceberg"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,254}$")
_JAR = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/\S+\.jar$")


def start_job_run_request(
    outputs: Mapping[str, Any],
    *,
    arguments: Sequence[str],
    catalog: str,
    name: str,
    jars: Sequence[str] = (),
    max_executors: int = 50,
    client_token: str | None = None,
) -> dict[str, Any]:
    """The ``StartJobRun`` parameters (pure: tested against botocore's model of the real API)."""
    templates = outputs["emr_on_eks_pod_templates"]
    defaults = spark_defaults(
        driver_template_uri=str(templates["driver"]),
        executor_template_uri=str(templates["executor"]),
        iceberg_catalog=catalog,
        warehouse=str(outputs["lake_warehouse_uri"]),
        max_executors=max_executors,
    )
    if jars:
        defaults["spark.jars"] = ",".join([defaults["spark.jars"], *jars])
    return {
        "name": name,
        "virtualClusterId": str(outputs["emr_virtual_cluster_id"]),
        "clientToken": client_token or str(uuid.uuid4()),
        "executionRoleArn": str(outputs["emr_on_eks_job_role_arn"]),
        "releaseLabel": str(outputs["emr_on_eks_release_label"]),
        "jobDriver": {
            "sparkSubmitJobDriver": {
                "entryPoint": str(outputs["lake_pipeline_entry_point"]),
                "entryPointArguments": list(arguments),
                "sparkSubmitParameters": "--conf spark.driver.cores=2 --conf spark.executor.cores=4 "
                "--conf spark.executor.memory=24g",
            }
        },
        "configurationOverrides": {
            "applicationConfiguration": [{"classification": "spark-defaults", "properties": defaults}],
            "monitoringConfiguration": {
                "persistentAppUI": "ENABLED",
                "cloudWatchMonitoringConfiguration": {
                    "logGroupName": str(outputs["emr_on_eks_job_log_group_name"]),
                    "logStreamNamePrefix": LOG_STREAM_PREFIX,
                },
                "s3MonitoringConfiguration": {"logUri": str(outputs["emr_on_eks_s3_log_uri"])},
            },
        },
        "tags": {"hybrid-burst/job": "tpcds-to-iceberg"},
    }


def wait_for_run(
    emr: Any, virtual_cluster_id: str, run_id_: str, *, timeout: float, interval: float, clock: Clock,
    progress: Progress,
) -> dict[str, Any]:
    """Poll the run until it ends; on timeout cancel it and fail."""
    last: dict[str, Any] = {}

    def poll() -> tuple[bool, str]:
        nonlocal last
        last = emr.describe_job_run(id=run_id_, virtualClusterId=virtual_cluster_id)["jobRun"]
        return last["state"] in ENDED, str(last["state"])

    try:
        wait_until(poll, what=f"EMR on EKS job run {run_id_}", timeout=timeout, interval=interval, clock=clock,
                   progress=progress)
    except WaitTimeoutError:
        emr.cancel_job_run(id=run_id_, virtualClusterId=virtual_cluster_id)
        raise CheckFailedError(
            f"job run {run_id_} did not end within {timeout:.0f}s and was cancelled; raise --timeout or look at "
            f"the driver log in {last.get('configurationOverrides', {}).get('monitoringConfiguration', {})}"
        ) from None
    return last


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    add_job_input_args(p)
    p.add_argument("--catalog", default="iceberg", help="Spark Iceberg catalog name (default iceberg)")
    p.add_argument("--jars", default="", help="comma-separated s3:// jars to add (e.g. the Alluxio client)")
    p.add_argument("--max-executors", type=int, default=50, help="dynamic allocation ceiling (default 50)")
    p.add_argument("--no-wait", action="store_true", help="submit and exit 0 without waiting")
    p.add_argument("--timeout", type=positive, default=7200.0, help="seconds to wait for the run (default 7200)")
    p.add_argument("--interval", type=positive, default=30.0, help="seconds between polls (default 30)")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock()))


def _main(args: argparse.Namespace, clock: Clock) -> int:
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS, sides=("compute",))
    for option, value in (("--database", args.database), ("--catalog", args.catalog)):
        if not _NAME.match(value):
            raise BadInputError(f"{option} {value!r}: lowercase letters, digits and _ starting with a letter")
    jars = [j.strip() for j in args.jars.split(",") if j.strip()]
    bad = [j for j in jars if not _JAR.match(j)]
    if bad:
        raise BadInputError(f"--jars: {bad} are not s3:// URIs of .jar files")
    templates = outputs["emr_on_eks_pod_templates"]
    if not isinstance(templates, dict) or not {"driver", "executor"} <= set(templates):
        raise BadInputError(f"{args.outputs}: emr_on_eks_pod_templates must map driver and executor to s3:// URIs")
    if not 1 <= args.max_executors <= 10_000:
        raise BadInputError("--max-executors must be 1-10000")
    source_root = args.source_root or default_source_root(outputs.data)
    region = outputs.region("compute")
    emr = client_factory(args.endpoint_url, args.profile)("emr-containers", region)
    progress = Progress(quiet=args.quiet)
    run_ = run_id()
    request = start_job_run_request(
        outputs.data,
        arguments=job_arguments(source_root=source_root, catalog=args.catalog, database=args.database,
                                tables=args.tables),
        catalog=args.catalog,
        name=f"tpcds-to-iceberg-{run_}",
        jars=jars,
        max_executors=args.max_executors,
    )
    started = emr.start_job_run(**request)
    job_id, vc = str(started["id"]), request["virtualClusterId"]
    progress.note(f"started job run {job_id} on virtual cluster {vc} ({region})")
    if args.no_wait:
        final: dict[str, Any] = {"id": job_id, "state": "SUBMITTED"}
    else:
        final = wait_for_run(emr, vc, job_id, timeout=args.timeout, interval=args.interval, clock=clock,
                             progress=progress)
    state = str(final.get("state"))
    reason = " ".join(str(final.get(k) or "") for k in ("failureReason", "stateDetails")).strip()
    ok = state in {"COMPLETED", "SUBMITTED"}
    print(table(["job run", "state", "reason"], [(job_id, state, reason or None)]))
    result = {
        "runbook": "submit_job", "run": run_, "region": region, "virtual_cluster_id": vc, "job_run_id": job_id,
        "state": state, "reason": reason or None, "request": {k: v for k, v in request.items() if k != "clientToken"},
        "ok": ok,
    }
    path = write_json(args.output_dir / f"submit_job-{run_}.json", result)
    print(f"\n{'PASS' if ok else 'FAIL'}  submit-job: run {job_id} {state}; result: {path}")
    return EXIT_OK if ok else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
