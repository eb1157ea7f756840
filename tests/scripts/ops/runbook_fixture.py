"""What the runbooks need of a deployed stack, in moto's server, and a driver that plays EMR's part moto leaves out.

moto accepts ``AddJobFlowSteps`` and answers ``DescribeStep``, but its steps stay PENDING/RUNNING forever and write
nothing. ``EmrDriver`` is the runbooks' clock: each time a runbook sleeps, it moves the steps of the clusters it
watches the way EMR does (one at a time: PENDING -> RUNNING -> COMPLETED/FAILED, with start and end times) by writing
their state into moto's in-process EMR backend, and uploads what the step's script would have written to the step's
output URI (its last argument) through moto's S3 API - the same ``GetObject`` path the runbook reads on AWS. The
output texts are test inputs in the format the step scripts print, not measurements.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from moto.emr.models import emr_backends

from scripts.ops.aws import ClientFactory
from scripts.ops.runbook import Clock
from tests.scripts.ops.stack_fixture import ACCOUNT, REGIONS

EPOCH = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def _bucket(aws: ClientFactory, region: str, name: str) -> str:
    s3 = aws("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


def _cluster(aws: ClientFactory, region: str, name: str, log_uri: str, spot_tasks: int) -> str:
    groups: list[dict[str, Any]] = [
        {"InstanceRole": "MASTER", "InstanceType": "m6i.xlarge", "InstanceCount": 1},
        {"InstanceRole": "CORE", "InstanceType": "m6i.xlarge", "InstanceCount": 2},
    ]
    if spot_tasks:
        groups.append({"InstanceRole": "TASK", "InstanceType": "m6i.2xlarge", "InstanceCount": spot_tasks,
                       "Market": "SPOT"})
    return str(aws("emr", region).run_job_flow(
        Name=name,
        ReleaseLabel="emr-7.5.0",
        LogUri=log_uri,
        Instances={"InstanceGroups": groups, "KeepJobFlowAliveWhenNoSteps": True},
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )["JobFlowId"])


def runbook_stack(aws: ClientFactory, *, suffix: str | None = None) -> dict[str, Any]:
    """The outputs a deployed stack exports that the runbooks read, with the resources behind them.

    Log buckets and LogUri as ``EmrCluster`` sets them (``s3n://<logs bucket>/emr/<cluster>/``: EMR reports the
    scheme it was given), both clusters WAITING, the FIS Spot-interruption template, and a task fleet id (moto has
    no instance fleets; the drill's fleet view comes from Stubber in its tests).
    """
    suffix = suffix or uuid.uuid4().hex[:8]
    out: dict[str, Any] = {"environment": "dev", "regions": dict(REGIONS)}
    for key, side, tasks in (("onprem", "onprem", 0), ("burst", "compute", 4)):
        region = REGIONS[side]
        logs = _bucket(aws, region, f"hb-{side}-logs-{suffix}")
        out[f"{key}_cluster_id"] = _cluster(aws, region, key, f"s3n://{logs}/emr/{key}/", tasks)
        out[f"{side}_lake_bucket_names"] = {"logs": logs}
    out["burst_task_fleet_id"] = "if-2TASKFLEET0001"
    out["burst_spot_drill_template_id"] = aws("fis", REGIONS["compute"]).create_experiment_template(
        clientToken=f"drill-{suffix}",
        description="Spot interruption drill",
        stopConditions=[{"source": "none"}],
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/fis-drill",
        targets={"SpotTasks": {"resourceType": "aws:ec2:spot-instance",
                               "resourceTags": {"aws:elasticmapreduce:instance-group-role": "TASK"},
                               "selectionMode": "PERCENT(50)"}},
        actions={"interrupt": {"actionId": "aws:ec2:send-spot-instance-interruptions",
                               "parameters": {"durationBeforeInterruption": "PT2M"},
                               "targets": {"SpotInstances": "SpotTasks"}}},
    )["experimentTemplate"]["id"]
    return out


def write_outputs(tmp_path: Path, outputs: dict[str, Any]) -> str:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return str(path)


@dataclass
class Outcome:
    """How EMR ends a step whose name starts with the key it is registered under."""

    state: str = "COMPLETED"
    output: str | Callable[[], str] | None = None
    """What the step's script uploads to its output URI (None: nothing, as for a plain command step)."""
    reason: str = ""
    """The step's StateChangeReason message (EMR's summary of a failure)."""
    polls: int = 1
    """Sleeps of the runbook the step stays RUNNING for."""


@dataclass
class EmrDriver:
    aws: ClientFactory
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    hooks: list[Callable[[EmrDriver], None]] = field(default_factory=list)
    now: float = 0.0
    sleeps: int = 0
    clusters: list[tuple[str, str]] = field(default_factory=list)
    """(region, cluster id) pairs whose steps the driver moves."""

    def watch(self, outputs: dict[str, Any]) -> EmrDriver:
        self.clusters = [(REGIONS["onprem"], outputs["onprem_cluster_id"]),
                         (REGIONS["compute"], outputs["burst_cluster_id"])]
        return self

    def clock(self) -> Clock:
        return Clock(sleep=self.sleep, now=lambda: self.now)

    def at(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now)

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 1.0)
        self.sleeps += 1
        self.advance()
        for hook in self.hooks:
            hook(self)

    def backend_cluster(self, region: str, cluster_id: str) -> Any:
        # moto's EMR takes the region from the host name; behind one endpoint URL every request lands in its default
        # region's backend, so the cluster is looked up in every region's backend.
        del region
        for backend in emr_backends[ACCOUNT].values():
            if cluster_id in backend.clusters:
                return backend.clusters[cluster_id]
        raise KeyError(cluster_id)

    def outcome(self, name: str) -> Outcome:
        matches = [k for k in self.outcomes if name.startswith(k)]
        return self.outcomes[max(matches, key=len)] if matches else Outcome()

    def advance(self) -> None:
        for region, cluster_id in self.clusters:
            cluster = self.backend_cluster(region, cluster_id)
            active = [s for s in cluster.steps if s.state in ("PENDING", "RUNNING")]
            if not active:
                continue
            step = active[0]
            if step.state == "PENDING" or step.start_date_time is None:
                step.state, step.start_date_time, step.ran = "RUNNING", self.at(), 0
                continue
            step.ran = getattr(step, "ran", 0) + 1
            outcome = self.outcome(step.name)
            if step.ran < outcome.polls:
                continue
            step.state, step.end_date_time = outcome.state, self.at()
            if outcome.reason:
                step.last_state_change_reason = outcome.reason
            output = outcome.output() if callable(outcome.output) else outcome.output
            uri = step.args[-1] if step.args and str(step.args[-1]).startswith("s3://") else None
            if output is not None and uri and outcome.state == "COMPLETED":
                bucket, _, key = uri.removeprefix("s3://").partition("/")
                self.aws("s3", region).put_object(Bucket=bucket, Key=key, Body=output.encode())

    def steps(self, region: str, cluster_id: str) -> list[Any]:
        return list(self.backend_cluster(region, cluster_id).steps)


def terminate_with_errors(region: str, cluster_id: str, after_sleeps: int, reason: str) -> Callable[[EmrDriver], None]:
    """A hook that ends the cluster as EMR does on a fatal error (state TERMINATED_WITH_ERRORS and a reason)."""

    def hook(driver: EmrDriver) -> None:
        if driver.sleeps == after_sleeps:
            cluster = driver.backend_cluster(region, cluster_id)
            cluster.state, cluster.last_state_change_reason = "TERMINATED_WITH_ERRORS", reason

    return hook
