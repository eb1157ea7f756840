"""spot-drill: interrupt the burst cluster's Spot task nodes while a fault-tolerant Trino query runs; PASS only if
the query finished successfully AND the task fleet's Spot capacity came back.

    pulumi stack output --json -s staging > outputs.json
    python -m scripts.ops.spot_drill outputs.json
    python -m scripts.ops.spot_drill outputs.json --query scripts/ops/sql/drill_q39.sql --capacity-timeout 1800

As in AWS's post on fault-tolerant Trino with Spot (retry-policy TASK, the FIS action
``aws:ec2:send-spot-instance-interruptions``):
1. the burst cluster (``burst_cluster_id``) is usable and its task fleet (``burst_task_fleet_id``) is at its Spot
   target (``ListInstanceFleets``); the live Spot task instances are noted (``ListInstances``);
2. a long query (default scripts/ops/sql/drill_q39.sql, TPC-DS q39 on the on-prem data) starts as an EMR step and
   the runbook waits until it is RUNNING;
3. the FIS experiment template ``burst_spot_drill_template_id`` starts (``StartExperiment``) and is followed to its
   end (``GetExperiment``; stopped with ``StopExperiment`` if it outlives ``--experiment-timeout``);
4. the task fleet is followed: which noted instances were interrupted, which replacements EMR launched, and the time
   until ``ProvisionedSpotCapacity`` is back at ``TargetSpotCapacity`` (at most ``--capacity-timeout``);
5. the query step is waited for (at most ``--query-timeout``).

PASS needs all of: the experiment completed, at least one task instance was interrupted, the capacity was restored,
and the query step COMPLETED. Exit 0 on PASS, 1 on FAIL (with every reason), 2 on bad input, 3 on an AWS error.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.ops import emr_steps
from scripts.ops.aws import ClientFactory, client_factory
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    SQL_DIR,
    CheckFailedError,
    Clock,
    Outputs,
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

REQUIRED_OUTPUTS = ("burst_cluster_id", "burst_task_fleet_id", "burst_spot_drill_template_id")
EXPERIMENT_ENDED = frozenset({"completed", "stopped", "failed", "cancelled"})
LIVE_STATES = ("AWAITING_FULFILLMENT", "PROVISIONING", "BOOTSTRAPPING", "RUNNING")
ALL_STATES = (*LIVE_STATES, "TERMINATED")

QUERY_SCRIPT = """
cli="$1"; catalog="$2"; schema="$3"; sql="$4"
start="$(date +%s%3N)"
"${cli}" --catalog "${catalog}" --schema "${schema}" --output-format TSV --execute "${sql}" > /tmp/hb-drill.tsv
echo "query_ms $(( $(date +%s%3N) - start ))"
echo "rows $(wc -l < /tmp/hb-drill.tsv)"
"""


@dataclass(frozen=True)
class Fleet:
    id: str
    state: str
    target_spot: int
    provisioned_spot: int
    target_on_demand: int
    provisioned_on_demand: int

    @property
    def spot_at_target(self) -> bool:
        return self.provisioned_spot >= self.target_spot


@dataclass
class DrillResult:
    experiment_id: str = ""
    experiment_status: str = "not started"
    experiment_reason: str = ""
    query_step_id: str = ""
    query_state: str = "not started"
    query_failure: str = ""
    query_seconds: float | None = None
    target_spot_units: int = 0
    spot_units_before: int = 0
    spot_units_after: int | None = None
    spot_instances_before: int = 0
    spot_instances_after: int | None = None
    interrupted: list[str] = field(default_factory=list)
    replacements: list[str] = field(default_factory=list)
    capacity_restored: bool = False
    restore_seconds: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.experiment_status == "completed"
            and bool(self.interrupted)
            and self.capacity_restored
            and self.query_state == "COMPLETED"
        )

    def report(self) -> str:
        rows = [
            ("FIS experiment", self.experiment_id or "-", self.experiment_status, self.experiment_reason or ""),
            ("query step", self.query_step_id or "-", self.query_state,
             f"{self.query_seconds:.0f}s" if self.query_seconds is not None else self.query_failure),
            ("Spot task units", "target", str(self.target_spot_units),
             f"{self.spot_units_before} before, {_or_dash(self.spot_units_after)} after"),
            ("Spot task instances", "count", "",
             f"{self.spot_instances_before} before, {_or_dash(self.spot_instances_after)} after"),
            ("interrupted", str(len(self.interrupted)), "", " ".join(self.interrupted)),
            ("replacements", str(len(self.replacements)), "", " ".join(self.replacements)),
            ("capacity restored", "yes" if self.capacity_restored else "no", "",
             f"after {self.restore_seconds:.0f}s" if self.restore_seconds is not None else ""),
        ]
        lines = [table(["what", "id", "state", "detail"], rows), ""]
        lines.append(f"{'PASS' if self.ok else 'FAIL'}  Spot drill: query {self.query_state}, capacity "
                     f"{'restored' if self.capacity_restored else 'NOT restored'}")
        lines.extend(f"      {p}" for p in self.problems)
        return "\n".join(lines)


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)


def task_fleet(emr: Any, cluster_id: str, fleet_id: str) -> Fleet:
    for page in emr.get_paginator("list_instance_fleets").paginate(ClusterId=cluster_id):
        for f in page["InstanceFleets"]:
            if f["Id"] == fleet_id:
                return Fleet(
                    id=fleet_id, state=str(f.get("Status", {}).get("State", "")),
                    target_spot=int(f.get("TargetSpotCapacity", 0)),
                    provisioned_spot=int(f.get("ProvisionedSpotCapacity", 0)),
                    target_on_demand=int(f.get("TargetOnDemandCapacity", 0)),
                    provisioned_on_demand=int(f.get("ProvisionedOnDemandCapacity", 0)),
                )
    raise CheckFailedError(
        f"task fleet {fleet_id} (stack output burst_task_fleet_id) is not a fleet of cluster {cluster_id}; is the "
        "outputs file from the current deployment?"
    )


def spot_instances(emr: Any, cluster_id: str, fleet_id: str, states: Sequence[str]) -> dict[str, str]:
    """Spot instances of the fleet in ``states``: EMR instance id -> state."""
    out: dict[str, str] = {}
    for page in emr.get_paginator("list_instances").paginate(
        ClusterId=cluster_id, InstanceFleetId=fleet_id, InstanceStates=list(states)
    ):
        for i in page["Instances"]:
            if i.get("Market") == "SPOT":
                out[str(i["Id"])] = str(i.get("Status", {}).get("State", ""))
    return out


@dataclass(frozen=True)
class DrillOptions:
    query_sql: str
    catalog: str
    schema: str
    cli: str
    start_timeout: float
    experiment_timeout: float
    capacity_timeout: float
    query_timeout: float
    interval: float


def run_drill(
    fis: Any, emr: Any, outputs: Outputs, opts: DrillOptions, *, clock: Clock, progress: Progress, run: str
) -> DrillResult:
    """The drill; every failure lands in ``DrillResult.problems`` (AWS errors propagate)."""
    region = outputs.region("compute")
    cluster = emr_steps.cluster(emr, outputs, "burst_cluster_id", region)
    fleet_id = str(outputs["burst_task_fleet_id"])
    r = DrillResult()

    before_fleet = task_fleet(emr, cluster.id, fleet_id)
    r.target_spot_units, r.spot_units_before = before_fleet.target_spot, before_fleet.provisioned_spot
    if before_fleet.target_spot == 0:
        raise CheckFailedError(f"task fleet {fleet_id} has no Spot target capacity: there is nothing to interrupt")
    if not before_fleet.spot_at_target:
        raise CheckFailedError(
            f"task fleet {fleet_id} has {before_fleet.provisioned_spot} of {before_fleet.target_spot} Spot units "
            "before the drill; wait until it is at target (a drill measures the return to it)"
        )
    live_before = spot_instances(emr, cluster.id, fleet_id, LIVE_STATES)
    r.spot_instances_before = len(live_before)

    # The query, running before the interruptions.
    uri = cluster.output_uri(run, "spot-drill-query")
    step = emr_steps.script_step("spot-drill: long query", QUERY_SCRIPT,
                                 [opts.cli, opts.catalog, opts.schema, opts.query_sql], uri)
    (r.query_step_id,) = emr_steps.submit(emr, cluster, [step])
    (started,) = emr_steps.wait(
        emr, cluster, [r.query_step_id], what="query step to start", timeout=opts.start_timeout,
        interval=opts.interval, clock=clock, progress=progress, until=frozenset({"RUNNING"}) | emr_steps.STEP_ENDED,
    )
    if started.state != "RUNNING":
        r.query_state, r.query_failure = started.state, started.failure
        r.problems.append(
            f"the query step ended ({started.state}) before the interruptions; use a query that outlasts the drill"
        )
        return r

    # The experiment.
    experiment = fis.start_experiment(
        experimentTemplateId=str(outputs["burst_spot_drill_template_id"]), clientToken=str(uuid.uuid4()),
        tags={"hybrid-burst": "spot-drill"},
    )["experiment"]
    r.experiment_id = str(experiment["id"])
    state: dict[str, Any] = dict(experiment.get("state", {}))

    def experiment_ended() -> tuple[bool, str]:
        nonlocal state
        state = fis.get_experiment(id=r.experiment_id)["experiment"].get("state", {})
        return state.get("status") in EXPERIMENT_ENDED, str(state.get("status"))

    try:
        wait_until(experiment_ended, what=f"FIS experiment {r.experiment_id}", timeout=opts.experiment_timeout,
                   interval=opts.interval, clock=clock, progress=progress)
    except KeyboardInterrupt:
        fis.stop_experiment(id=r.experiment_id)  # an operator who stops the drill stops the interruptions too
        raise
    except WaitTimeoutError:
        fis.stop_experiment(id=r.experiment_id)
        state = {"status": "timed-out", "reason": f"still {state.get('status')} after "
                                                  f"{opts.experiment_timeout:.0f}s; stopped"}
    r.experiment_status, r.experiment_reason = str(state.get("status")), str(state.get("reason", ""))
    if r.experiment_status != "completed":
        r.problems.append(f"FIS experiment {r.experiment_id} {r.experiment_status}: {r.experiment_reason}")

    # The task fleet: interruptions first (FIS gives a 2-minute notice), then the return to the Spot target.
    if r.experiment_status == "completed":
        _follow_capacity(emr, cluster.id, fleet_id, live_before, r, opts=opts, clock=clock, progress=progress)

    # The query's end.
    try:
        (done,) = emr_steps.wait(
            emr, cluster, [r.query_step_id], what="query step", timeout=opts.query_timeout, interval=opts.interval,
            clock=clock, progress=progress,
        )
        r.query_state, r.query_failure, r.query_seconds = done.state, done.failure, done.seconds
        if not done.ok:
            r.problems.append(f"the query step {done.state}{f': {done.failure}' if done.failure else ''}")
    except WaitTimeoutError as err:
        r.query_state = "RUNNING"
        r.problems.append(f"the query did not finish: {err}")
    return r


def _follow_capacity(
    emr: Any, cluster_id: str, fleet_id: str, live_before: dict[str, str], r: DrillResult,
    *, opts: DrillOptions, clock: Clock, progress: Progress,
) -> None:
    deadline = clock.now() + opts.capacity_timeout
    fleet: Fleet | None = None

    def interrupted() -> tuple[bool, str]:
        now_states = spot_instances(emr, cluster_id, fleet_id, ALL_STATES)
        r.interrupted = sorted(i for i in live_before if now_states.get(i, "TERMINATED") == "TERMINATED")
        return bool(r.interrupted), f"{len(r.interrupted)} of {len(live_before)} Spot task instances interrupted"

    def restored() -> tuple[bool, str]:
        nonlocal fleet
        fleet = task_fleet(emr, cluster_id, fleet_id)
        live = spot_instances(emr, cluster_id, fleet_id, LIVE_STATES)
        r.replacements = sorted(i for i in live if i not in live_before)
        r.spot_instances_after, r.spot_units_after = len(live), fleet.provisioned_spot
        return fleet.spot_at_target, (f"{fleet.provisioned_spot} of {fleet.target_spot} Spot units, "
                                      f"{len(r.replacements)} replacement(s)")

    try:
        wait_until(interrupted, what="Spot interruptions", timeout=max(deadline - clock.now(), 0),
                   interval=opts.interval, clock=clock, progress=progress)
        waited = wait_until(restored, what="Spot capacity back at target", timeout=max(deadline - clock.now(), 0),
                            interval=opts.interval, clock=clock, progress=progress)
        r.capacity_restored, r.restore_seconds = True, waited
    except WaitTimeoutError as err:
        if not r.interrupted:
            r.problems.append(f"no Spot task instance was interrupted within {opts.capacity_timeout:.0f}s: {err}")
        else:
            shown = f"{fleet.provisioned_spot} of {fleet.target_spot}" if fleet else "unknown"
            r.problems.append(
                f"Spot capacity not restored within {opts.capacity_timeout:.0f}s (--capacity-timeout): {shown} "
                "Spot units provisioned"
            )


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    p.add_argument("--query", type=Path, default=SQL_DIR / "drill_q39.sql",
                   help="the long query (default scripts/ops/sql/drill_q39.sql)")
    p.add_argument("--catalog", default="onprem", help="catalog (default onprem)")
    p.add_argument("--schema", default="tpcds", help="schema (default tpcds, as prepare_data creates)")
    p.add_argument("--engine", default="trino", choices=sorted(emr_steps.ENGINE_CLI), help="SQL engine (default trino)")
    p.add_argument("--start-timeout", type=positive, default=600.0,
                   help="seconds for the query step to start running (default 600)")
    p.add_argument("--experiment-timeout", type=positive, default=900.0,
                   help="seconds for the FIS experiment to end; then it is stopped (default 900)")
    p.add_argument("--capacity-timeout", type=positive, default=1800.0,
                   help="seconds for interruptions and the return to the Spot target (default 1800)")
    p.add_argument("--query-timeout", type=positive, default=3600.0,
                   help="seconds for the query to finish after the capacity check (default 3600)")
    p.add_argument("--interval", type=positive, default=15.0, help="seconds between polls (default 15)")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None, clients: ClientFactory | None = None) -> int:
    """``clock`` and ``clients`` let tests drive time and route calls (defaults: real time, boto3 clients)."""
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock(), clients))


def _main(args: argparse.Namespace, clock: Clock, factory: ClientFactory | None) -> int:
    sql = emr_steps.sql_text(args.query)
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS)
    region = outputs.region("compute")
    clients = factory or client_factory(args.endpoint_url, args.profile)
    opts = DrillOptions(
        query_sql=sql, catalog=args.catalog, schema=args.schema, cli=emr_steps.ENGINE_CLI[args.engine],
        start_timeout=args.start_timeout, experiment_timeout=args.experiment_timeout,
        capacity_timeout=args.capacity_timeout, query_timeout=args.query_timeout, interval=args.interval,
    )
    run_ = run_id()
    result = run_drill(
        clients("fis", region), clients("emr", region), outputs, opts,
        clock=clock, progress=Progress(quiet=args.quiet), run=run_,
    )
    print(result.report())
    data = {"runbook": "spot_drill", "run": run_, "region": region, **vars(result), "ok": result.ok}
    path = write_json(args.output_dir / f"spot_drill-{run_}.json", data)
    print(f"result: {path}")
    return EXIT_OK if result.ok else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
