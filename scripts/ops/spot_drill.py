"""Spot-interruption drill: start the stack's FIS experiment and watch the burst cluster's Spot task capacity.

    pulumi stack output --json -s staging > outputs.json
    python -m scripts.ops.spot_drill outputs.json --timeout 1800

1. counts the burst cluster's Spot task instances (EMR ``ListInstances`` with ``InstanceFleetType=TASK``);
2. starts the FIS experiment template ``burst_spot_drill_template_id`` (it sends Spot interruption notices to
   a share of the task instances);
3. polls ``GetExperiment`` every ``--interval`` seconds until the experiment ends, at most ``--timeout`` seconds
   (on timeout it stops the experiment and fails);
4. waits ``--settle`` seconds for EMR to replace the capacity and counts again.

Exit 0 when the experiment completed; 1 when it failed, was stopped or timed out.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scripts.ops.aws import client_factory, read_outputs

TERMINAL = frozenset({"completed", "stopped", "failed", "cancelled"})
LIVE_STATES = ["AWAITING_FULFILLMENT", "PROVISIONING", "BOOTSTRAPPING", "RUNNING"]


@dataclass(frozen=True)
class DrillResult:
    experiment_id: str
    status: str
    reason: str
    spot_before: int
    spot_after: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.status == "completed"

    def report(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"
        return (
            f"{verdict}  FIS experiment {self.experiment_id}: {self.status} ({self.reason}) after {self.seconds:.0f}s\n"
            f"      Spot task instances: {self.spot_before} before, {self.spot_after} after"
        )


def spot_task_instances(emr: Any, cluster_id: str) -> int:
    """Live Spot instances of the cluster's task fleet."""
    count = 0
    for page in emr.get_paginator("list_instances").paginate(
        ClusterId=cluster_id, InstanceFleetType="TASK", InstanceStates=LIVE_STATES
    ):
        count += sum(1 for i in page["Instances"] if i.get("Market") == "SPOT")
    return count


def run_drill(
    fis: Any,
    emr: Any,
    *,
    template_id: str,
    cluster_id: str,
    timeout: float,
    interval: float,
    settle: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> DrillResult:
    """Start the experiment and poll it to the end (bounded by ``timeout``); count Spot task capacity around it."""
    before = spot_task_instances(emr, cluster_id)
    started = clock()
    experiment = fis.start_experiment(
        experimentTemplateId=template_id, clientToken=str(uuid.uuid4()), tags={"hybrid-burst": "spot-drill"}
    )["experiment"]
    exp_id = experiment["id"]
    state = experiment.get("state", {})
    while state.get("status") not in TERMINAL:
        if clock() - started >= timeout:
            fis.stop_experiment(id=exp_id)
            state = {"status": "timed-out", "reason": f"still {state.get('status')} after {timeout:.0f}s; stopped"}
            break
        sleep(interval)
        state = fis.get_experiment(id=exp_id)["experiment"].get("state", {})
    if settle:
        sleep(settle)
    after = spot_task_instances(emr, cluster_id)
    return DrillResult(
        experiment_id=exp_id,
        status=str(state.get("status")),
        reason=str(state.get("reason", "")),
        spot_before=before,
        spot_after=after,
        seconds=clock() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outputs", help="stack outputs JSON (pulumi stack output --json), or - for stdin")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for the experiment")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between polls")
    parser.add_argument("--settle", type=float, default=300.0, help="seconds to wait before counting again")
    parser.add_argument("--endpoint-url", help="send every AWS call to this endpoint (an emulator)")
    parser.add_argument("--profile", help="AWS profile")
    args = parser.parse_args(argv)
    outputs = read_outputs(args.outputs)
    region = outputs["regions"]["compute"]
    clients = client_factory(args.endpoint_url, args.profile)
    result = run_drill(
        clients("fis", region),
        clients("emr", region),
        template_id=outputs["burst_spot_drill_template_id"],
        cluster_id=outputs["burst_cluster_id"],
        timeout=args.timeout,
        interval=args.interval,
        settle=args.settle,
    )
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
