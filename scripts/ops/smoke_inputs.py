"""What ``smoke`` reads before it checks anything: the outputs file and the stack config. Every problem is bad input
(``InputError``, exit 2) naming the file, the key and the fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.ops.runbook import read_outputs_object

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS_DIR = Path("out") / "outputs"
SIDES = ("onprem", "compute")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class InputError(ValueError):
    """The outputs file or the stack config is unusable (exit 2)."""


@dataclass(frozen=True)
class Expected:
    """What the stack config says the burst task fleet's Spot specification is (None: no Spot task fleet)."""

    config_key: str
    spot_timeout_minutes: int | None
    spot_timeout_action: str | None
    spot_allocation_strategy: str | None
    resize: Mapping[str, Any] | None = None
    """The task fleet's ``ResizeSpecifications`` the config asks for (``resize_fleets.expected_specifications``,
    applied by the resize_fleets runbook because pulumi-aws 7 cannot set them); None: no task fleet."""
    onprem_mode: str = "proxy"
    """``hybrid-burst:onprem.mode``: ``proxy`` (two regions, peering) or ``external`` (compute only, a VPN/DX/TGW link
    and Resolver forwarding; ADR 0009)."""


# Every output the checks read, with its JSON type, per on-prem mode (stack/outputs.py): an outputs file without
# them is incomplete (exit 2). ``onprem_vpn_connection_id`` is optional (only ``connection.type: vpn`` has one).
COMMON_OUTPUTS: dict[str, type] = {
    "regions": dict, "compute_vpc_id": str, "burst_cluster_id": str, "burst_security_configuration_name": str,
    "compute_lake_bucket_names": dict, "compute_data_key_arn": str, "compute_alarm_topic_arn": str,
}
MODE_OUTPUTS: dict[str, dict[str, type]] = {
    "proxy": {
        "onprem_vpc_id": str, "peering_connection_id": str, "onprem_cluster_id": str,
        "onprem_security_configuration_name": str, "onprem_lake_bucket_names": dict, "onprem_data_key_arn": str,
        "onprem_alarm_topic_arn": str,
    },
    "external": {"onprem_cidrs": list, "onprem_gateway_id": str, "onprem_dns_resolver_rule_id": str},
}
REQUIRED_OUTPUTS: dict[str, type] = {**COMMON_OUTPUTS, **MODE_OUTPUTS["proxy"]}


def sides_of(mode: str) -> tuple[str, ...]:
    """The regions a stack of this on-prem mode deploys to: external mode has no on-prem region."""
    return SIDES if mode == "proxy" else ("compute",)



# --- input: outputs file and stack config (every problem is exit 2 with the file, the key and the fix) ---------
def load_outputs(path: str, stack: str, stdin: Any = None) -> dict[str, Any]:
    return read_outputs_object(
        path,
        error=InputError,
        hint=f"write it with pulumi stack output --json -s {stack}",
        no_file=(
            f"no outputs file {path}: deploy the stack with python -m scripts.ops.deploy up --stacks {stack} "
            f"(it writes {OUTPUTS_DIR}/{stack}.json) or write it with pulumi stack output --json -s {stack} > {path}"
        ),
        stdin=stdin,
    )


@functools.cache
def _known_regions() -> frozenset[str]:
    import boto3

    session = boto3.session.Session()
    return frozenset(r for p in session.get_available_partitions() for r in session.get_available_regions("ec2", p))


def validate_outputs(
    outputs: Mapping[str, Any], source: str, regions: Mapping[str, str] | None = None, mode: str = "proxy"
) -> None:
    """Every output the checks of this on-prem mode need, of the right type; regions real AWS regions and the
    stack config's."""
    problems: list[str] = []
    got_mode = outputs.get("onprem_mode", "proxy")
    if got_mode != mode:
        problems.append(f"onprem_mode: {got_mode!r}, but the stack config says {mode!r} (outputs of another stack?)")
    for key, kind in {**COMMON_OUTPUTS, **MODE_OUTPUTS.get(mode, {})}.items():
        if key not in outputs:
            problems.append(f"{key}: missing")
        elif not isinstance(outputs[key], kind):
            problems.append(f"{key}: expected a {kind.__name__}, got {outputs[key]!r}")
    got = outputs.get("regions")
    if isinstance(got, dict):
        known = _known_regions()
        for side in sides_of(mode):
            region = got.get(side)
            if not isinstance(region, str) or not REGION_RE.match(region) or region not in known:
                problems.append(f"regions.{side}: {region!r} is not an AWS region (e.g. us-east-1)")
            elif regions is not None and regions[side] != region:
                problems.append(
                    f"regions.{side}: {region!r}, but the stack config says {regions[side]!r} (outputs of another "
                    "stack?)"
                )
    if problems:
        raise InputError(
            f"{source}: incomplete or wrong stack outputs:\n  - " + "\n  - ".join(problems)
            + "\nwrite them again with python -m scripts.ops.deploy refresh --stacks <stack> "
            "(or pulumi stack output --json -s <stack>)"
        )


def stack_expectations(stack: str, root: Path = ROOT) -> tuple[Expected, dict[str, str]]:
    """The burst task fleet's Spot specification and the regions, from the stack file and the program's own
    config model and fleet builder."""
    from components.config import ConfigError
    from components.config.stack import load_stack_config
    from components.emr.fleets.plan import plan_cluster_fleets
    from scripts.offline.recorder import read_stack_config
    from scripts.ops.resize_fleets import expected_specifications

    try:
        cfg = load_stack_config(read_stack_config(stack, root / "stacks"), stack=stack)
        task = plan_cluster_fleets("burst", cfg.emr.burst).task
        resize = expected_specifications(cfg).get("burst", {}).get("TASK")
    except (ConfigError, ValueError, TypeError, FileNotFoundError) as err:
        raise InputError(f"stack {stack!r}: {err}") from None
    except Exception as err:  # noqa: BLE001 - a stack file the loader cannot parse (YAML) is bad input too
        raise InputError(f"stack {stack!r}: stacks/Pulumi.{stack}.yaml: {type(err).__name__}: {err}") from None
    expected = Expected(
        config_key="hybrid-burst:emr.burst.task",
        spot_timeout_minutes=task.spot_timeout_minutes if task and task.target_spot_capacity else None,
        spot_timeout_action=task.spot_timeout_action if task and task.target_spot_capacity else None,
        spot_allocation_strategy=task.spot_allocation_strategy if task and task.target_spot_capacity else None,
        resize=resize,
        onprem_mode=cfg.onprem.mode,
    )
    regions = {"compute": cfg.regions.compute}
    if cfg.regions.onprem is not None:
        regions["onprem"] = cfg.regions.onprem
    return expected, regions


def stack_of(path: str | None, stack: str | None, root: Path, outputs: Mapping[str, Any] | None = None) -> str:
    """--stack, else the outputs file's name when it is a stack (out/outputs/dev.json), else the outputs'
    ``environment`` (as the runbooks do)."""
    if stack:
        return stack
    stem = Path(path).stem if path and path != "-" else ""
    if stem and (root / "stacks" / f"Pulumi.{stem}.yaml").exists():
        return stem
    env = (outputs or {}).get("environment")
    if isinstance(env, str) and (root / "stacks" / f"Pulumi.{env}.yaml").exists():
        return env
    raise InputError("name the stack whose outputs these are: --stack <stack> (its config says what to expect)")
