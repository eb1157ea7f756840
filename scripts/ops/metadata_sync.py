"""metadata-sync: change a table on-prem and measure how long until the burst cluster sees it through Alluxio.

    python -m scripts.ops.metadata_sync outputs.json                 # sync settings from stacks/Pulumi.<env>.yaml
    python -m scripts.ops.metadata_sync outputs.json --stack staging --timeout 300

The tutorial's check, as EMR steps:
1. on-prem (``onprem_cluster_id``), Hive: create ``<database>.<table>`` with the tutorial's two students,
   ``('fred flintstone', 32), ('barney rubble', 35)``;
2. burst (``burst_cluster_id``), the engine CLI on catalog ``onprem``: read the table (must show those rows);
3. on-prem, Hive: ``INSERT OVERWRITE`` swapping the two ages, then print the time of the change (ms since epoch);
4. burst: query the table every ``--poll`` seconds until the swapped ages show (at most ``--timeout`` seconds),
   printing the start time of each query;
5. on-prem: drop the table (unless ``--keep-table``).

The lag is the start of the first query that saw the new rows minus the time of the change (both clocks are EC2's,
synchronised by the Amazon Time Sync Service). The expected bound is the stack's ``emr.settings.alluxio
.metadataSyncInterval`` (both sync modes, ``interval`` and ``active``, sync at that period) plus ``--slack``.

Exit 0 when the first read showed the original rows and the new rows showed within the bound; 1 otherwise (including
"never within --timeout"); 2 on bad input (outputs file, stack file, sync disabled with -1); 3 on an AWS error.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from scripts.ops import emr_steps
from scripts.ops.aws import client_factory
from scripts.ops.runbook import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    BadInputError,
    Clock,
    Progress,
    duration_seconds,
    load_outputs,
    load_stack_config,
    parser,
    positive,
    run,
    run_id,
    table,
    write_json,
)

REQUIRED_OUTPUTS = ("onprem_cluster_id", "burst_cluster_id")
BEFORE = (("barney rubble", 35), ("fred flintstone", 32))
AFTER = (("barney rubble", 32), ("fred flintstone", 35))
"""The tutorial's students before and after the update (sorted by name, as the queries return them)."""
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")

READ_SCRIPT = """
cli="$1"; catalog="$2"; schema="$3"; tbl="$4"
"${cli}" --catalog "${catalog}" --schema "${schema}" --output-format TSV \\
  --execute "SELECT name, age FROM ${tbl} ORDER BY name"
"""

CHANGE_SCRIPT = """
db="$1"; tbl="$2"
hive -e "INSERT OVERWRITE TABLE ${db}.${tbl} VALUES ('fred flintstone', 35), ('barney rubble', 32)" >&2
echo "changed_at $(date +%s%3N)"
"""

POLL_SCRIPT = """
cli="$1"; catalog="$2"; schema="$3"; tbl="$4"; expected="$5"; timeout="$6"; poll="$7"
deadline=$(( $(date +%s) + timeout ))
while true; do
  started="$(date +%s%3N)"
  rows="$("${cli}" --catalog "${catalog}" --schema "${schema}" --output-format TSV \\
    --execute "SELECT name, age FROM ${tbl} ORDER BY name" | tr '\\t\\n' ':;')" || rows="query-failed"
  echo "poll ${started} ${rows}"
  if [[ "${rows}" == "${expected}" ]]; then
    echo "matched_at ${started}"
    break
  fi
  if [[ "$(date +%s)" -ge "${deadline}" ]]; then
    echo "timeout"
    break
  fi
  sleep "${poll}"
done
"""


def rows_text(rows: tuple[tuple[str, int], ...]) -> str:
    """Rows as the poll script flattens the CLI's TSV output (``name:age;`` per row)."""
    return "".join(f"{name}:{age};" for name, age in rows)


def parse_tsv(text: str) -> tuple[tuple[str, int], ...]:
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1].strip().isdigit():
            out.append((parts[0].strip(), int(parts[1])))
    return tuple(out)


def parse_poll(text: str) -> dict[str, Any]:
    polls: list[tuple[int, str]] = []
    result: dict[str, Any] = {"polls": polls}
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if parts[0] == "poll" and len(parts) >= 2 and parts[1].isdigit():
            polls.append((int(parts[1]), parts[2] if len(parts) > 2 else ""))
        elif parts[0] == "matched_at" and len(parts) == 2 and parts[1].isdigit():
            result["matched_at"] = int(parts[1])
        elif parts[0] == "changed_at" and len(parts) == 2 and parts[1].isdigit():
            result["changed_at"] = int(parts[1])
        elif parts[0] == "timeout":
            result["timeout"] = True
    return result


def _build_parser() -> argparse.ArgumentParser:
    p = parser(__doc__)
    p.add_argument("--stack", help="stack whose config holds the sync settings (default: the outputs' environment)")
    p.add_argument("--database", default="default", help="on-prem Hive database for the table (default default)")
    p.add_argument("--table", help="table name (default hb_sync_<run id>, a new table per run)")
    p.add_argument("--catalog", default=None, help="burst engine catalog (default: the stack's onprem catalog name)")
    p.add_argument("--timeout", type=positive, default=300.0,
                   help="seconds the burst side waits for the new rows (default 300)")
    p.add_argument("--poll", type=int, default=2, help="seconds between the burst side's queries (default 2)")
    p.add_argument("--slack", type=positive, default=15.0,
                   help="seconds allowed on top of the sync interval for query time and polling (default 15)")
    p.add_argument("--step-timeout", type=positive, default=900.0,
                   help="seconds to wait for each EMR step beyond --timeout (default 900)")
    p.add_argument("--interval", type=positive, default=5.0, help="seconds between step polls (default 5)")
    p.add_argument("--keep-table", action="store_true", help="do not drop the table at the end")
    return p


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return run(lambda: _main(args, clock or Clock()))


def _main(args: argparse.Namespace, clock: Clock) -> int:  # noqa: PLR0915 - one linear procedure, kept readable
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS)
    stack = args.stack or str(outputs.get("environment") or "")
    if not stack:
        raise BadInputError(f"{outputs.path}: no 'environment' output to find the stack config; pass --stack")
    settings = load_stack_config(stack).emr.settings
    alluxio = settings.alluxio
    if alluxio.metadata_sync_interval == "-1":
        raise BadInputError(
            f"stacks/Pulumi.{stack}.yaml: hybrid-burst:emr.settings.alluxio.metadataSyncInterval is -1 (sync "
            "disabled), so on-prem changes never reach Alluxio; set an interval such as 30s and redeploy"
        )
    interval = duration_seconds(alluxio.metadata_sync_interval)
    bound = interval + args.slack
    catalog = args.catalog or settings.trino.onprem_catalog_name
    cli = emr_steps.ENGINE_CLI[settings.engine]
    run_ = run_id()
    tbl = args.table or f"hb_sync_{run_}"
    for flag, value in (("--database", args.database), ("--table", tbl), ("--catalog", catalog)):
        if not _NAME.match(value):
            raise BadInputError(f"{flag} {value!r}: use lowercase letters, digits and _")
    if not 1 <= args.poll <= 60:
        raise BadInputError(f"--poll {args.poll}: use 1 to 60 seconds")

    clients = client_factory(args.endpoint_url, args.profile)
    on_region, burst_region = outputs.region("onprem"), outputs.region("compute")
    on_emr, on_s3 = clients("emr", on_region), clients("s3", on_region)
    burst_emr, burst_s3 = clients("emr", burst_region), clients("s3", burst_region)
    progress = Progress(quiet=args.quiet)
    onprem = emr_steps.cluster(on_emr, outputs, "onprem_cluster_id", on_region)
    burst = emr_steps.cluster(burst_emr, outputs, "burst_cluster_id", burst_region)
    progress.note(
        f"metadata sync: mode {alluxio.metadata_sync_mode}, interval {alluxio.metadata_sync_interval} "
        f"(stack {stack}); table {args.database}.{tbl}"
    )
    steps: list[emr_steps.StepResult] = []
    problems: list[str] = []
    wait_kw = {"interval": args.interval, "clock": clock, "progress": progress}

    def one(emr: Any, cluster: emr_steps.Cluster, step: dict[str, Any], what: str, timeout: float) -> bool:
        (step_id,) = emr_steps.submit(emr, cluster, [step])
        (result,) = emr_steps.wait(emr, cluster, [step_id], what=what, timeout=timeout, **wait_kw)
        steps.append(result)
        if not result.ok:
            problems.append(f"{what}: step {result.state}{f': {result.failure}' if result.failure else ''}")
        return result.ok

    values = ", ".join(f"('{n}', {a})" for n, a in reversed(BEFORE))
    create = emr_steps.command_step(
        "metadata-sync: create table on-prem",
        # Names are checked against _NAME above; the values are the tutorial's constants.
        ["hive", "-e", (f"CREATE TABLE {args.database}.{tbl} (name STRING, age INT); "  # noqa: S608
                        f"INSERT INTO {args.database}.{tbl} VALUES {values}")],
    )
    before: tuple[tuple[str, int], ...] = ()
    lag: float | None = None
    if one(on_emr, onprem, create, "create the table on-prem", args.step_timeout):
        read_uri = burst.output_uri(run_, "metadata-sync-read")
        read = emr_steps.script_step("metadata-sync: read from burst", READ_SCRIPT,
                                     [cli, catalog, args.database, tbl], read_uri)
        if one(burst_emr, burst, read, "read it from the burst cluster", args.step_timeout):
            before = parse_tsv(emr_steps.read_output(burst_s3, read_uri))
            if before != BEFORE:
                problems.append(f"the burst cluster read {before or 'no rows'}, expected {BEFORE}")
        change_uri = onprem.output_uri(run_, "metadata-sync-change")
        change = emr_steps.script_step("metadata-sync: change on-prem", CHANGE_SCRIPT, [args.database, tbl],
                                       change_uri)
        if not problems and one(on_emr, onprem, change, "change the rows on-prem", args.step_timeout):
            changed = parse_poll(emr_steps.read_output(on_s3, change_uri))
            poll_uri = burst.output_uri(run_, "metadata-sync-poll")
            poll = emr_steps.script_step(
                "metadata-sync: wait for the change on burst", POLL_SCRIPT,
                [cli, catalog, args.database, tbl, rows_text(AFTER), str(int(args.timeout)), str(args.poll)], poll_uri,
            )
            if one(burst_emr, burst, poll, "see the change from the burst cluster", args.timeout + args.step_timeout):
                seen = parse_poll(emr_steps.read_output(burst_s3, poll_uri))
                if "matched_at" in seen and "changed_at" in changed:
                    lag = max(seen["matched_at"] - changed["changed_at"], 0) / 1000
                    if lag > bound:
                        problems.append(
                            f"the new rows showed after {lag:.1f}s, more than the sync interval "
                            f"{alluxio.metadata_sync_interval} + {args.slack:.0f}s slack"
                        )
                else:
                    problems.append(f"the new rows did not show within {args.timeout:.0f}s (--timeout)")
    if not args.keep_table:
        drop = emr_steps.command_step("metadata-sync: drop table on-prem",
                                      ["hive", "-e", f"DROP TABLE IF EXISTS {args.database}.{tbl}"])
        one(on_emr, onprem, drop, "drop the table on-prem", args.step_timeout)

    print(table(["step", "state", "seconds"], [(s.name, s.state, s.seconds) for s in steps]))
    ok = not problems and lag is not None
    result = {
        "runbook": "metadata_sync", "run": run_, "stack": stack, "table": f"{args.database}.{tbl}",
        "sync_mode": alluxio.metadata_sync_mode, "sync_interval": alluxio.metadata_sync_interval,
        "bound_seconds": bound, "lag_seconds": lag, "read_before": [list(r) for r in before],
        "steps": [s.as_dict() for s in steps], "ok": ok, "problems": problems,
    }
    path = write_json(args.output_dir / f"metadata_sync-{run_}.json", result)
    shown = "-" if lag is None else f"{lag:.1f}s"
    print(f"\n{'PASS' if ok else 'FAIL'}  metadata sync ({alluxio.metadata_sync_mode}, interval "
          f"{alluxio.metadata_sync_interval}): on-prem change seen on the burst cluster after {shown} "
          f"(bound {bound:.0f}s); result: {path}")
    for problem in problems:
        print(f"      {problem}")
    return EXIT_OK if ok else EXIT_CHECKS_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
