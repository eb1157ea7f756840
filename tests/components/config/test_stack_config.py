"""The typed stack-config model: every bad input fails fast, naming the key, the value and the fix.

Three levels, one table of bad cases:
- ``load_stack_config`` raises ``ConfigError`` with the exact key, the bad value and a fix hint;
- the real program (``__main__.py`` under the recorder) fails with that message and registers nothing;
- ``scripts/plan.py`` exits 2 and prints the key on stderr.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from components.config import ENVIRONMENTS, ConfigError, deep_merge, load_stack_config
from components.config import network as network_config
from scripts.offline.recorder import Plan, available_stacks, read_stack_config

ROOT = Path(__file__).resolve().parents[3]
PLAN_SCRIPT = ROOT / "scripts" / "plan.py"
P = "hybrid-burst"

DELETE = object()
"""Edit value meaning "remove this key"."""


def edited(base: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a stack's ``config:`` mapping with edits applied.

    Edit paths use the spelling of ``ConfigError`` keys: ``hybrid-burst:network.compute.cidr`` sets
    ``config["hybrid-burst:network"]["compute"]["cidr"]`` (missing objects are created).
    """
    out = copy.deepcopy(dict(base))
    for path, value in edits.items():
        namespace, _, rest = path.partition(":")
        top, *parts = rest.split(".")
        key = f"{namespace}:{top}"
        if not parts:
            if value is DELETE:
                out.pop(key, None)
            else:
                out[key] = value
            continue
        node = out.setdefault(key, {})
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if value is DELETE:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return out


@pytest.fixture(scope="module")
def dev_config() -> dict[str, Any]:
    return read_stack_config("dev")


# (edits, expected key, the bad value as reported, a fragment of the fix hint)
BAD_CASES = [
    pytest.param(
        {f"{P}:network.compute.cidr": "10.20.0.0/33"},
        f"{P}:network.compute.cidr", "10.20.0.0/33", "e.g. 10.20.0.0/16",
        id="malformed-cidr",
    ),
    pytest.param(
        {f"{P}:network.compute.cidr": "10.20.0.1/16"},
        f"{P}:network.compute.cidr", "10.20.0.1/16", "network address with a prefix",
        id="cidr-with-host-bits",
    ),
    pytest.param(
        {f"{P}:network.compute.cidr": "10.10.0.0/16"},  # the dev on-prem CIDR
        f"{P}:network.compute.cidr", "10.10.0.0/16", "pick disjoint ranges",
        id="overlapping-cidrs",
    ),
    pytest.param(
        {f"{P}:network.compute.cidr": "10.10.128.0/17"},  # inside the dev on-prem /16
        f"{P}:network.compute.cidr", "10.10.128.0/17", "non-overlapping",
        id="cidr-nested-in-peer",
    ),
    pytest.param(
        {f"{P}:network.onprem.cidr": "8.8.0.0/16"},
        f"{P}:network.onprem.cidr", "8.8.0.0/16", "RFC 1918",
        id="public-cidr",
    ),
    pytest.param(
        {f"{P}:network.onprem.cidr": "127.0.0.0/16"},
        f"{P}:network.onprem.cidr", "127.0.0.0/16", "RFC 1918",
        id="loopback-cidr",
    ),
    pytest.param(
        {f"{P}:network.onprem.cidr": "169.254.0.0/16"},
        f"{P}:network.onprem.cidr", "169.254.0.0/16", "RFC 1918",
        id="link-local-cidr",
    ),
    pytest.param(
        {f"{P}:network.compute.cidr": "10.20.0.0/26"},
        f"{P}:network.compute.cidr", "10.20.0.0/26", "use /24 or larger",
        id="prefix-too-small-for-subnets",
    ),
    pytest.param(
        {f"{P}:network.compute.cidr": "10.0.0.0/8"},
        f"{P}:network.compute.cidr", "10.0.0.0/8", "between /16 and /28",
        id="prefix-too-large-for-a-vpc",
    ),
    pytest.param(
        {f"{P}:regions.compute": "us-west-1"},
        f"{P}:regions.compute", "us-west-1", "pick two regions",
        id="same-region",
    ),
    pytest.param(
        {f"{P}:regions.onprem": "us-west"},
        f"{P}:regions.onprem", "us-west", "such as us-east-1",
        id="malformed-region",
    ),
    pytest.param(
        {f"{P}:network.compute.azCount": 1},
        f"{P}:network.compute.azCount", 1, "set azCount: 2 or 3",
        id="too-few-azs",
    ),
    pytest.param(
        {f"{P}:network.compute.azCount": 7},
        f"{P}:network.compute.azCount", 7, "set azCount: 2 or 3",
        id="too-many-azs",
    ),
    pytest.param(
        {f"{P}:network.compute.azNames": ["us-east-1a", "us-east-1b"]},  # dev preset: azCount 3
        f"{P}:network.compute.azNames", ["us-east-1a", "us-east-1b"], "make them agree",
        id="az-names-count-mismatch",
    ),
    pytest.param(
        {f"{P}:network.compute.azNames": ["us-east-1a", "us-west-2b", "us-east-1c"]},
        f"{P}:network.compute.azNames.1", "us-west-2b", "use names like us-east-1a",
        id="az-name-not-in-region",
    ),
    pytest.param(
        {f"{P}:network.compute.azNames": ["us-east-1a", "us-east-1a", "us-east-1c"]},
        f"{P}:network.compute.azNames", ["us-east-1a", "us-east-1a", "us-east-1c"], "list each AZ once",
        id="az-name-repeated",
    ),
    pytest.param(
        {f"{P}:netwrk": {"compute": {"cidr": "10.20.0.0/16"}}},
        f"{P}:netwrk", {"compute": {"cidr": "10.20.0.0/16"}}, "the known keys are",
        id="unknown-top-level-key",
    ),
    pytest.param(
        {f"{P}:network.compute.natGatway": True},
        f"{P}:network.compute.natGatway", True, "remove it or use one of the documented keys",
        id="unknown-nested-key",
    ),
    pytest.param(
        {f"{P}:network.compute.flowLogRetentionDays": 10},
        f"{P}:network.compute.flowLogRetentionDays", 10, "retention periods",
        id="log-retention-not-accepted-by-cloudwatch",
    ),
    pytest.param(
        {f"{P}:emr.burst.primary.instanceTypes": ["m6i-xlarge"]},
        f"{P}:emr.burst.primary.instanceTypes.0", "m6i-xlarge", "e.g. m6i.xlarge",
        id="malformed-instance-type",
    ),
    pytest.param(
        {f"{P}:emr.burst.task.families": ["M5"]},
        f"{P}:emr.burst.task.families.0", "M5", "e.g. m6i or r6gd",
        id="malformed-instance-family",
    ),
    pytest.param(
        {f"{P}:emr.burst.task.targetUnits": 0},
        f"{P}:emr.burst.task.targetUnits", 0, "greater than 0",
        id="zero-target-units",
    ),
    pytest.param(
        {f"{P}:emr.onprem.core.targetUnits": -8},
        f"{P}:emr.onprem.core.targetUnits", -8, "greater than 0",
        id="negative-target-units",
    ),
    pytest.param(
        {f"{P}:emr.burst.primary.market": "SPOT"},
        f"{P}:emr.burst.primary.market", "SPOT", "set market: ON_DEMAND",
        id="spot-primary-node",
    ),
    pytest.param(
        {f"{P}:network.onprem.interfaceEndpoints": ["elasticmapreduce", "logs", "monitoring", "kms", "ssm"]},
        f"{P}:network.onprem.interfaceEndpoints",
        ["elasticmapreduce", "logs", "monitoring", "kms", "ssm"],
        "no ssmmessages, ec2messages endpoint(s)",
        id="session-manager-without-its-endpoints-or-a-nat",
    ),
    pytest.param(
        {f"{P}:network.compute.natGateway": False},
        f"{P}:emr.settings.alluxio.tarballUri",
        "https://downloads.alluxio.io/downloads/files/2.9.4/alluxio-2.9.4-bin.tar.gz",
        "copy the tarball to S3",
        id="https-tarball-without-a-nat",
    ),
    pytest.param(
        {f"{P}:environment": "production"},
        f"{P}:environment", "production", "use one of dev, staging, prod",
        id="unknown-environment",
    ),
    pytest.param(
        {f"{P}:environment": DELETE},
        f"{P}:environment", None, "set it to one of dev, staging, prod",
        id="missing-environment",
    ),
    pytest.param(
        {f"{P}:protect": "yes"},
        f"{P}:protect", "yes", "must be true or false",
        id="protect-not-a-boolean",
    ),
    pytest.param(
        {f"{P}:network": "10.20.0.0/16"},
        f"{P}:network", "10.20.0.0/16", "must be an object",
        id="section-given-as-a-scalar",
    ),
    pytest.param(
        {f"{P}:network.compute": "10.20.0.0/16"},
        f"{P}:network.compute", "10.20.0.0/16", "YAML mapping",
        id="nested-object-given-as-a-scalar",
    ),
]


@pytest.mark.parametrize(("edits", "key", "value", "hint"), BAD_CASES)
def test_bad_config_names_the_key_the_value_and_the_fix(
    dev_config: dict[str, Any], edits: dict[str, Any], key: str, value: Any, hint: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(edited(dev_config, edits), stack="dev")
    err = caught.value
    assert err.keys == [key], str(err)
    (_, reported, message) = err.problems[0]
    assert reported == value
    text = str(err)
    assert f"{key}: " in text
    if value is not None:
        assert json.dumps(value) in text, "the message shows the bad value"
    assert hint in message, f"fix hint {hint!r} missing from {message!r}"


def test_bad_config_values_arrive_as_pulumi_strings_too(dev_config: dict[str, Any]) -> None:
    """Pulumi hands structured config to the program as JSON text; validation is the same."""
    cfg = edited(dev_config, {f"{P}:network.compute.cidr": "10.10.0.0/16"})
    as_text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in cfg.items()}
    with pytest.raises(ConfigError) as caught:
        load_stack_config(as_text, stack="dev")
    assert caught.value.keys == [f"{P}:network.compute.cidr"]


def test_several_problems_are_reported_at_once(dev_config: dict[str, Any]) -> None:
    bad = edited(
        dev_config,
        {
            f"{P}:netwrk": {},
            f"{P}:regions.compute": "us-west-1",
            f"{P}:network.compute.azCount": 1,
            f"{P}:emr.burst.primary.market": "SPOT",
            f"{P}:protect": "maybe",
        },
    )
    with pytest.raises(ConfigError) as caught:
        load_stack_config(bad, stack="dev")
    assert set(caught.value.keys) == {
        f"{P}:netwrk",
        f"{P}:regions.compute",
        f"{P}:network.compute.azCount",
        f"{P}:emr.burst.primary.market",
        f"{P}:protect",
    }
    assert str(caught.value).startswith("invalid stack configuration (5 problems):")


def test_other_namespaces_are_left_to_pulumi(dev_config: dict[str, Any]) -> None:
    cfg = load_stack_config({**dev_config, "aws:region": "us-east-1", "pulumi:tags": "{}"}, stack="dev")
    assert cfg.environment == "dev"


def test_protect_accepts_pulumi_boolean_strings(dev_config: dict[str, Any]) -> None:
    # dev's preset force-destroys its buckets, which protect refuses: turn that off with it.
    protected = {**dev_config, f"{P}:protect": "true", f"{P}:lake": {"forceDestroy": False}}
    assert load_stack_config(protected, stack="dev").protect is True
    assert load_stack_config({**dev_config, f"{P}:protect": False}, stack="dev").protect is False


# --- presets ------------------------------------------------------------------------------------------------


def test_stack_values_override_the_preset(dev_config: dict[str, Any]) -> None:
    preset = network_config.PRESETS["dev"]["compute"]
    assert preset["azCount"] != 2, "the test needs a preset value to override"
    cfg = load_stack_config(edited(dev_config, {f"{P}:network.compute.azCount": 2}), stack="dev")
    assert cfg.network.compute.az_count == 2
    assert len(cfg.network.compute.subnet_cidrs()) == 2


def test_objects_merge_with_the_preset_key_by_key(dev_config: dict[str, Any]) -> None:
    """The dev stack file gives only ``cidr`` per side; everything else comes from the preset."""
    cfg = load_stack_config(dev_config, stack="dev")
    for side in ("onprem", "compute"):
        preset = network_config.PRESETS["dev"][side]
        got = getattr(cfg.network, side)
        assert got.cidr == dev_config[f"{P}:network"][side]["cidr"]
        assert got.az_count == preset["azCount"]
        assert got.flow_log_retention_days == preset["flowLogRetentionDays"]
        assert got.nat_gateway == preset.get("natGateway", False)


def test_lists_replace_the_preset_list() -> None:
    staging = read_stack_config("staging")
    preset = network_config.PRESETS["staging"]["compute"]["interfaceEndpoints"]
    assert preset != ["sts"]
    cfg = load_stack_config(edited(staging, {f"{P}:network.compute.interfaceEndpoints": ["sts"]}), stack="staging")
    assert cfg.network.compute.interface_endpoints == ["sts"]


def test_protect_comes_from_the_preset_unless_set() -> None:
    prod = read_stack_config("prod")
    assert f"{P}:protect" not in prod
    assert load_stack_config(prod, stack="prod").protect is True
    assert load_stack_config({**prod, f"{P}:protect": False}, stack="prod").protect is False
    dev = read_stack_config("dev")
    assert load_stack_config(dev, stack="dev").protect is False


def test_deep_merge_leaves_its_inputs_alone() -> None:
    base = {"a": {"x": 1, "l": [1, 2]}, "b": 1}
    override = {"a": {"l": [3]}, "c": 2}
    merged = deep_merge(base, override)
    assert merged == {"a": {"x": 1, "l": [3]}, "b": 1, "c": 2}
    assert base == {"a": {"x": 1, "l": [1, 2]}, "b": 1}
    assert override == {"a": {"l": [3]}, "c": 2}


@pytest.mark.parametrize("stack", available_stacks())
def test_every_stack_file_validates(stack: str) -> None:
    raw = read_stack_config(stack)
    cfg = load_stack_config(raw, stack=stack)
    assert cfg.stack == stack
    assert cfg.environment == raw[f"{P}:environment"]
    assert cfg.environment in ENVIRONMENTS
    assert cfg.regions.onprem != cfg.regions.compute


def test_the_three_environments_have_stack_files() -> None:
    assert set(ENVIRONMENTS) <= set(available_stacks())


# --- fail fast in the real program --------------------------------------------------------------------------


E2E_CASES = [pytest.param(p.values[0], p.values[1], p.values[3], id=p.id) for p in BAD_CASES]


@pytest.mark.parametrize(("edits", "key", "hint"), E2E_CASES)
def test_program_fails_before_registering_anything(
    run_stack: Callable[..., Plan], dev_config: dict[str, Any], edits: dict[str, Any], key: str, hint: str
) -> None:
    """``__main__.py`` turns the ConfigError into a RunError (printed by the CLI without a traceback)."""
    with pytest.raises(pulumi.RunError) as caught:
        run_stack("dev", config=edited(dev_config, edits))
    assert key in str(caught.value)
    assert hint in str(caught.value)
    partial: Plan = caught.value.plan  # type: ignore[attr-defined]
    assert partial.resources == [], f"registered before failing: {[r.urn for r in partial.resources]}"


# --- fail fast on the command line --------------------------------------------------------------------------

CLI_CASES = [
    pytest.param({f"{P}:network.compute.cidr": "10.10.0.0/16"}, f"{P}:network.compute.cidr", id="overlap"),
    pytest.param({f"{P}:netwrk": {}}, f"{P}:netwrk", id="typo"),
    pytest.param({f"{P}:emr.burst.primary.market": "SPOT"}, f"{P}:emr.burst.primary.market", id="spot-primary"),
]


@pytest.mark.slow
@pytest.mark.skipif(not PLAN_SCRIPT.exists(), reason="scripts/plan.py (the lead's offline plan) is not written yet")
@pytest.mark.parametrize(("edits", "key"), CLI_CASES)
def test_plan_script_exits_2_naming_the_key(
    tmp_path: Path, dev_config: dict[str, Any], edits: dict[str, Any], key: str
) -> None:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.bad.yaml").write_text(yaml.safe_dump({"config": edited(dev_config, edits)}))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(PLAN_SCRIPT), "--stacks-dir", str(stacks), "--stack", "bad",
         "--report", str(out / "plan.md")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert key in done.stderr
    assert "Traceback" not in done.stderr
