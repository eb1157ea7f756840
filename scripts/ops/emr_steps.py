"""EMR steps for the runbooks: check the cluster, submit ``command-runner.jar`` steps, wait for them, read their output.

How a step reports results: a runbook step runs a bash script through ``command-runner.jar`` (EMR's documented way to
run a command on the primary node: https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-commandrunner.html). The
script writes what it measured to a local file and copies it with ``aws s3 cp`` to
``<cluster LogUri>runbooks/<run id>/<step>.out``: the cluster's own log prefix, which its instance role may already
write (``EmrCluster`` grants it), and the last argument of every step. The runbook then reads that object
(``GetObject``). Step logs that EMR pushes to ``<LogUri><cluster>/steps/<step>/`` arrive minutes late, so they are
not used for results; a failed step's ``FailureDetails.LogFile`` is reported as the place to look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from scripts.ops.runbook import (
    BadInputError,
    CheckFailedError,
    Clock,
    Outputs,
    Progress,
    not_found_in_region,
    wait_until,
)

USABLE_CLUSTER_STATES = frozenset({"WAITING", "RUNNING"})
ENDED_CLUSTER_STATES = frozenset({"TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"})
STEP_ENDED = frozenset({"COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"})
MAX_ARG_CHARS = 10_280
"""EMR's limit on each step argument (``XmlString`` max 10280 in botocore's EMR model)."""

# `bash -c SCRIPT NAME ARG...`: the script sees its arguments as "$1".."$N"; the output URI is always the last one.
_PRELUDE = 'set -euo pipefail\nout_uri="${@: -1}"\nout="$(mktemp)"\n'
_UPLOAD = '\naws s3 cp --only-show-errors "$out" "$out_uri"\n'


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    region: str
    state: str
    log_uri: str

    def output_uri(self, run: str, step: str) -> str:
        return f"{self.log_uri}runbooks/{run}/{step}.out"


@dataclass(frozen=True)
class StepResult:
    id: str
    name: str
    state: str
    started: datetime | None
    ended: datetime | None
    failure: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "COMPLETED"

    @property
    def seconds(self) -> float | None:
        if self.started and self.ended:
            return (self.ended - self.started).total_seconds()
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "state": self.state, "seconds": self.seconds,
                "failure": self.failure or None}


def cluster(emr: Any, outputs: Outputs, key: str, region: str) -> Cluster:
    """The cluster named by stack output ``key``; fails (exit 1) when it is not usable, (exit 2) when not found."""
    cluster_id = str(outputs[key])
    try:
        info = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        message = err.response.get("Error", {}).get("Message", "")
        if code in ("InvalidRequestException", "ResourceNotFoundException") and (
            "not valid" in message or "not found" in message.lower() or "does not exist" in message
        ):
            raise not_found_in_region("EMR cluster", cluster_id, region, outputs, key) from None
        raise
    status = info["Status"]
    state = status["State"]
    if state not in USABLE_CLUSTER_STATES:
        reason = status.get("StateChangeReason", {})
        detail = ": ".join(x for x in (reason.get("Code"), reason.get("Message")) if x)
        raise CheckFailedError(
            f"EMR cluster {cluster_id} ({info.get('Name', key)}) is {state}{f' ({detail})' if detail else ''}; the "
            "runbook needs it WAITING or RUNNING. Redeploy the stack (pulumi up) or fix the cluster first"
        )
    log_uri = str(info.get("LogUri") or "")
    if not log_uri:
        raise CheckFailedError(f"EMR cluster {cluster_id} has no LogUri; the runbooks collect step output under it")
    # EMR reports the log URI with the s3n:// scheme it was created with; boto3 and the AWS CLI want s3://.
    log_uri = "s3://" + log_uri.split("://", 1)[-1]
    if not log_uri.endswith("/"):
        log_uri += "/"
    return Cluster(id=cluster_id, name=str(info.get("Name", key)), region=region, state=state, log_uri=log_uri)


def command_step(name: str, args: Sequence[str]) -> dict[str, Any]:
    """A ``command-runner.jar`` step that runs ``args`` as is (no shell)."""
    _check_args(name, args)
    return {
        "Name": name,
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": list(args)},
    }


def script_step(name: str, body: str, args: Sequence[str], output_uri: str) -> dict[str, Any]:
    """A step running the bash ``body`` with ``args`` as ``$1..$N``; what the body prints goes to ``output_uri``.

    The body's stdout is captured (``{ body; } > "$out"``) and uploaded; its stderr lands in the step's EMR log.
    ``ActionOnFailure`` is CONTINUE: a failed runbook step never terminates the cluster.
    """
    script = _PRELUDE + "{\n" + body.strip() + '\n} > "$out"' + _UPLOAD
    return command_step(name, ["bash", "-c", script, name, *args, output_uri])


def _check_args(name: str, args: Sequence[str]) -> None:
    for arg in args:
        if len(arg) > MAX_ARG_CHARS:
            raise CheckFailedError(
                f"step {name}: an argument of {len(arg)} characters exceeds EMR's {MAX_ARG_CHARS}-character limit "
                "per step argument; use a shorter SQL file"
            )


def submit(emr: Any, cluster_: Cluster, steps: Sequence[Mapping[str, Any]]) -> list[str]:
    return list(emr.add_job_flow_steps(JobFlowId=cluster_.id, Steps=list(steps))["StepIds"])


def describe(emr: Any, cluster_: Cluster, step_id: str) -> StepResult:
    step = emr.describe_step(ClusterId=cluster_.id, StepId=step_id)["Step"]
    status = step["Status"]
    timeline = status.get("Timeline", {})
    failure = status.get("FailureDetails") or {}
    reason = status.get("StateChangeReason", {}).get("Message") or ""
    text = "; ".join(x for x in (failure.get("Reason"), failure.get("Message"), reason) if x)
    if failure.get("LogFile"):
        text += f" (log: {failure['LogFile']})"
    return StepResult(
        id=step_id,
        name=str(step.get("Name", "")),
        state=str(status["State"]),
        started=timeline.get("StartDateTime"),
        ended=timeline.get("EndDateTime"),
        failure=text,
    )


def cluster_state(emr: Any, cluster_: Cluster) -> tuple[str, str]:
    status = emr.describe_cluster(ClusterId=cluster_.id)["Cluster"]["Status"]
    reason = status.get("StateChangeReason", {})
    return str(status["State"]), ": ".join(x for x in (reason.get("Code"), reason.get("Message")) if x)


def wait(
    emr: Any,
    cluster_: Cluster,
    step_ids: Sequence[str],
    *,
    what: str,
    timeout: float,
    interval: float,
    clock: Clock,
    progress: Progress,
    until: frozenset[str] = STEP_ENDED,
) -> list[StepResult]:
    """Wait until every step reached a state in ``until`` (default: ended); fail at once if the cluster ends."""
    results: dict[str, StepResult] = {}

    def poll() -> tuple[bool, str]:
        for step_id in step_ids:
            if step_id not in results or results[step_id].state not in until:
                results[step_id] = describe(emr, cluster_, step_id)
        state, reason = cluster_state(emr, cluster_)
        if state in ENDED_CLUSTER_STATES:
            raise CheckFailedError(
                f"EMR cluster {cluster_.id} ({cluster_.name}) went {state}{f' ({reason})' if reason else ''} while "
                f"waiting for {what}"
            )
        pending = [r for r in results.values() if r.state not in until]
        counts: dict[str, int] = {}
        for r in results.values():
            counts[r.state] = counts.get(r.state, 0) + 1
        status = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return not pending, status

    wait_until(poll, what=what, timeout=timeout, interval=interval, clock=clock, progress=progress)
    return [results[i] for i in step_ids]


def read_output(s3: Any, uri: str) -> str:
    """The text a step uploaded to ``uri``; a missing object fails the check with the URI."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise CheckFailedError(f"the step completed but wrote no output to {uri}; see the step's log") from None
        raise
    return bytes(body).decode("utf-8", errors="replace")


def require_ok(results: Sequence[StepResult]) -> None:
    failed = [r for r in results if not r.ok]
    if failed:
        raise CheckFailedError(
            "; ".join(f"step {r.name} ({r.id}) {r.state}{f': {r.failure}' if r.failure else ''}" for r in failed)
        )


# --- SQL through the engine's CLI on the primary node --------------------------------------------------------------

ENGINE_CLI = {"trino": "trino-cli", "presto": "presto-cli"}
"""EMR installs the engine's CLI on the primary node, configured for the coordinator: ``trino-cli`` for Trino,
``presto-cli`` for PrestoDB (https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-trino.html)."""


def sql_text(path: Path) -> str:
    """A SQL file's one statement, without comment lines and the trailing semicolon (the CLI's --execute form)."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such SQL file")
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    text = text.strip().rstrip(";").strip()
    if not text:
        raise BadInputError(f"{path}: no SQL statement in the file")
    return text
