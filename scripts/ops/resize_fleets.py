"""resize-fleets: apply each fleet's resize timeout (EMR ``ResizeSpecifications``) from the stack's config.

    python -m scripts.ops.resize_fleets outputs.json                # apply; config from stacks/Pulumi.<env>.yaml
    python -m scripts.ops.resize_fleets outputs.json --check        # only compare; exit 1 on any difference

pulumi-aws 7 has no ``resizeSpecifications`` on EMR instance fleets (``aws.emr.Cluster`` core fleet and
``aws.emr.InstanceFleet`` both lack it), so the deploy cannot set how long EMR keeps provisioning during a resize
(managed scaling, a manual resize, or replacing reclaimed Spot instances; without it EMR uses its default). This runbook
sets it after each ``pulumi up`` with ``ModifyInstanceFleet`` (https://docs.aws.amazon.com/emr/latest/APIReference/
API_ModifyInstanceFleet.html), for every core and task fleet of both clusters:

- ``SpotResizeSpecification`` {TimeoutDurationMinutes, AllocationStrategy} where the fleet has Spot capacity;
- ``OnDemandResizeSpecification`` {TimeoutDurationMinutes, AllocationStrategy} where it has On-Demand capacity;

with the timeout ``hybrid-burst:emr.<cluster>.<core|task>.resizeTimeoutMinutes`` (default: the fleet's
``spotTimeoutMinutes``) and the allocation strategies the fleet builder launches the fleet with
(price-capacity-optimized, lowest-price). It reads the fleets first (``ListInstanceFleets``) and modifies only those
that differ, then reads them again to confirm.

Exit 0 when every fleet carries its specification; 1 when one differs (``--check``), could not be modified (a fleet
that is resizing) or does not show the change afterwards; 2 on bad input (outputs file, stack config); 3 on an AWS
error (access denied: the caller needs elasticmapreduce:ListInstanceFleets and elasticmapreduce:ModifyInstanceFleet).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.emr.fleets.plan import ON_DEMAND_ALLOCATION_STRATEGY, SPOT_ALLOCATION_STRATEGY
from scripts.ops.aws import ClientFactory, client_factory
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    BadInputError,
    Outputs,
    Progress,
    load_outputs,
    load_stack_config,
    parser,
    run,
    run_id,
    table,
    write_json,
)

CLUSTERS = {"onprem": "onprem", "burst": "compute"}
"""Cluster key (stack output ``<key>_cluster_id``) -> side whose region it lives in."""
MODIFIABLE_STATES = frozenset({"RUNNING"})

Spec = dict[str, Any]


def expected_specifications(cfg: Any) -> dict[str, dict[str, Spec]]:
    """``{cluster: {"CORE"|"TASK": ResizeSpecifications}}`` from a validated ``StackConfig``.

    Pure: ``smoke`` and tests use it to know what a deployed fleet must carry.
    """
    out: dict[str, dict[str, Spec]] = {}
    for cluster in CLUSTERS:
        capacity = getattr(cfg.emr, cluster)
        if capacity is None:  # external mode (ADR 0009): no on-prem proxy cluster
            continue
        fleets: dict[str, Spec] = {}
        for role in ("core", "task"):
            request = getattr(capacity, role)
            if request is None:
                continue
            spec: Spec = {}
            if request.spot_units > 0:
                spec["SpotResizeSpecification"] = {
                    "TimeoutDurationMinutes": request.resize_timeout,
                    "AllocationStrategy": SPOT_ALLOCATION_STRATEGY,
                }
            if request.on_demand_units > 0:
                spec["OnDemandResizeSpecification"] = {
                    "TimeoutDurationMinutes": request.resize_timeout,
                    "AllocationStrategy": ON_DEMAND_ALLOCATION_STRATEGY,
                }
            fleets[role.upper()] = spec
        out[cluster] = fleets
    return out


def differs(current: Mapping[str, Any], desired: Mapping[str, Any]) -> bool:
    """Whether the fleet's ``ResizeSpecifications`` lack a value of ``desired`` (extra keys EMR adds are ignored)."""
    for market, want in desired.items():
        have = current.get(market) or {}
        if any(have.get(k) != v for k, v in want.items()):
            return True
    return False


@dataclass
class FleetRow:
    cluster: str
    fleet_id: str
    fleet_type: str
    state: str
    before: Spec
    desired: Spec
    action: str = ""
    ok: bool = False

    def minutes(self, spec: Spec, market: str) -> str:
        value = (spec.get(market) or {}).get("TimeoutDurationMinutes")
        return "-" if value is None else f"{value} min"


def fleets_of(emr: Any, cluster_id: str) -> list[dict[str, Any]]:
    fleets: list[dict[str, Any]] = []
    for page in emr.get_paginator("list_instance_fleets").paginate(ClusterId=cluster_id):
        fleets.extend(page["InstanceFleets"])
    return fleets


def reconcile(
    emr: Any, cluster_key: str, cluster_id: str, desired: Mapping[str, Spec], *, apply: bool, progress: Progress
) -> list[FleetRow]:
    """Compare each core/task fleet with ``desired`` and, when ``apply``, modify the ones that differ."""
    rows: list[FleetRow] = []
    for fleet in fleets_of(emr, cluster_id):
        kind = str(fleet.get("InstanceFleetType"))
        if kind == "MASTER":
            continue
        want = desired.get(kind)
        state = str(fleet.get("Status", {}).get("State", ""))
        row = FleetRow(cluster_key, str(fleet["Id"]), kind, state, dict(fleet.get("ResizeSpecifications") or {}),
                       dict(want or {}))
        rows.append(row)
        if want is None:
            row.action, row.ok = "not in the stack config (left as is)", False
        elif not differs(row.before, want):
            row.action, row.ok = "in place", True
        elif not apply:
            row.action = "differs"
        elif state not in MODIFIABLE_STATES:
            row.action = f"differs; fleet is {state}, run again when it is RUNNING"
        else:
            emr.modify_instance_fleet(
                ClusterId=cluster_id, InstanceFleet={"InstanceFleetId": row.fleet_id, "ResizeSpecifications": want}
            )
            progress.note(f"modified {cluster_key} {kind} fleet {row.fleet_id}")
            row.action = "modified"
    if apply and any(r.action == "modified" for r in rows):
        after = {str(f["Id"]): dict(f.get("ResizeSpecifications") or {}) for f in fleets_of(emr, cluster_id)}
        for row in rows:
            if row.action == "modified":
                row.ok = not differs(after.get(row.fleet_id, {}), row.desired)
                if not row.ok:
                    row.action = "modified, but EMR does not show it yet"
    return rows


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    p.add_argument("--stack", help="stack whose config holds the timeouts (default: the outputs' environment)")
    p.add_argument("--check", action="store_true", help="compare only, change nothing; exit 1 on a difference")
    p.add_argument("--clusters", default="onprem,burst", help="clusters to handle (default onprem,burst)")
    return p


def main(argv: list[str] | None = None, *, clients: ClientFactory | None = None) -> int:
    """``clients`` lets tests route the EMR calls (default: boto3 clients)."""
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clients))


def _main(args: argparse.Namespace, factory: ClientFactory | None) -> int:
    clusters = [c.strip() for c in args.clusters.split(",") if c.strip()]
    unknown = [c for c in clusters if c not in CLUSTERS]
    if unknown or not clusters:
        raise BadInputError(f"--clusters {args.clusters!r}: use onprem, burst or both (comma-separated)")
    outputs: Outputs = load_outputs(args.outputs, [f"{c}_cluster_id" for c in clusters])
    stack = args.stack or str(outputs.get("environment") or "")
    if not stack:
        raise BadInputError(f"{outputs.path}: no 'environment' output to find the stack config; pass --stack")
    expected = expected_specifications(load_stack_config(stack))
    clients = factory or client_factory(args.endpoint_url, args.profile)
    progress = Progress(quiet=args.quiet)
    rows: list[FleetRow] = []
    for cluster in clusters:
        emr = clients("emr", outputs.region(CLUSTERS[cluster]))
        rows += reconcile(emr, cluster, str(outputs[f"{cluster}_cluster_id"]), expected[cluster],
                          apply=not args.check, progress=progress)
    print(table(
        ["cluster", "fleet", "type", "state", "Spot resize", "On-Demand resize", "action"],
        [(r.cluster, r.fleet_id, r.fleet_type, r.state,
          f"{r.minutes(r.before, 'SpotResizeSpecification')} -> {r.minutes(r.desired, 'SpotResizeSpecification')}",
          (f"{r.minutes(r.before, 'OnDemandResizeSpecification')} -> "
           f"{r.minutes(r.desired, 'OnDemandResizeSpecification')}"),
          r.action) for r in rows],
    ))
    ok = bool(rows) and all(r.ok for r in rows)
    run_ = run_id()
    path = write_json(args.output_dir / f"resize_fleets-{run_}.json", {
        "runbook": "resize_fleets", "run": run_, "stack": stack, "check_only": args.check, "ok": ok,
        "fleets": [vars(r) for r in rows],
    })
    print(f"\n{'PASS' if ok else 'FAIL'}  resize specifications: {sum(r.ok for r in rows)} of {len(rows)} fleet(s) "
          f"as configured (stack {stack}); result: {path}")
    return EXIT_OK if ok else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
