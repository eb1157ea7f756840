"""The EMR capacity config: catalog-backed validators, EMR limits, capacity that cannot be met, presets."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import emr as emr_config
from components.config.emr import ClusterCapacityConfig
from components.config.errors import ConfigError
from components.config.stack import deep_merge, load_stack_config
from scripts.offline.recorder import read_stack_config

P = "hybrid-burst"


def load_dev(emr: dict[str, Any]) -> None:
    raw = dict(read_stack_config("dev"))
    raw[f"{P}:emr"] = deep_merge(raw.get(f"{P}:emr", {}), emr)
    load_stack_config(raw, stack="dev")


BAD = [
    pytest.param(
        {"burst": {"task": {"families": ["m6i", "r6i", "x9z"]}}},
        f"{P}:emr.burst.task.families.2",
        "not in the instance catalog",
        id="unknown-family",
    ),
    pytest.param(
        {"burst": {"primary": {"instanceTypes": ["m6i.24xlarge"]}}},
        f"{P}:emr.burst.primary.instanceTypes.0",
        "not in the instance catalog",
        id="primary-type-not-in-catalog",
    ),
    pytest.param(
        {"burst": {"primary": {"market": "SPOT"}}},
        f"{P}:emr.burst.primary.market",
        "must be On-Demand",
        id="spot-primary",
    ),
    pytest.param(
        {"burst": {"task": {"maxTypes": 31}}},
        f"{P}:emr.burst.task.maxTypes",
        "at most 30 instance types",
        id="more-types-than-emr-allows",
    ),
    pytest.param(
        {
            "burst": {
                "primary": {
                    "instanceTypes": ["m6i.xlarge", "m5.xlarge", "m6a.xlarge", "m7i.xlarge", "r6i.xlarge", "r5.xlarge"]
                }
            }
        },
        f"{P}:emr.burst.primary.instanceTypes",
        "at most 5",
        id="primary-more-than-five-types",
    ),
    pytest.param(
        {"burst": {"task": {"targetUnits": 2, "sizes": ["xlarge"]}}},
        f"{P}:emr.burst.task.targetUnits",
        "the capacity cannot be met",
        id="target-below-smallest-weight",
    ),
    pytest.param(
        {"burst": {"task": {"families": ["m6i", "r6i", "c6i"], "localNvme": "required"}}},
        f"{P}:emr.burst.task.families",
        "no catalog instance type matches",
        id="no-type-matches",
    ),
    pytest.param(
        {"burst": {"task": {"families": ["m6g", "r6i", "c6i"]}}},
        f"{P}:emr.burst.task.families",
        "m6g is not x86_64",
        id="architecture-mismatch",
    ),
    pytest.param(
        {"burst": {"task": {"families": ["m6i", "r6i"]}}},
        f"{P}:emr.burst.task.families",
        "at least 3 instance families",
        id="spot-fleet-too-few-families",
    ),
    pytest.param(
        {"burst": {"task": {"spotTimeoutMinutes": 2}}},
        f"{P}:emr.burst.task.spotTimeoutMinutes",
        "5-1440 minutes",
        id="timeout-out-of-range",
    ),
    pytest.param(
        {"burst": {"task": {"spotTimeoutAction": "TERMINATE"}}},
        f"{P}:emr.burst.task.spotTimeoutAction",
        "SWITCH_TO_ON_DEMAND",
        id="bad-timeout-action",
    ),
    pytest.param(
        {"burst": {"task": {"localNvme": "yes"}}},
        f"{P}:emr.burst.task.localNvme",
        "required",
        id="bad-local-nvme",
    ),
    pytest.param(
        {"spotDiscount": 1.0},
        f"{P}:emr.spotDiscount",
        "less than 1",
        id="spot-discount-100-percent",
    ),
]


@pytest.mark.parametrize(("emr", "key", "fragment"), BAD)
def test_bad_capacity_config_names_the_key(emr: dict[str, Any], key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_dev(emr)
    assert caught.value.keys == [key]
    assert fragment in str(caught.value)


def test_graviton_fleet_validates_when_architecture_matches() -> None:
    load_dev({"burst": {"task": {"families": ["m6g", "m7g", "r6g", "c7g"], "architecture": "arm64"}}})


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_presets_validate_and_keep_core_on_demand(env: str) -> None:
    for cluster in ("onprem", "burst"):
        cap = ClusterCapacityConfig.model_validate(emr_config._CAPACITY_PRESETS[env][cluster])
        assert cap.primary.market == "ON_DEMAND"
        assert cap.core.spot_units == 0
        assert cap.core.spot_timeout_action == "SWITCH_TO_ON_DEMAND"
    burst = ClusterCapacityConfig.model_validate(emr_config._CAPACITY_PRESETS[env]["burst"])
    assert burst.task is not None
    assert burst.task.spot_units > 0
    assert 0 < emr_config._CAPACITY_PRESETS[env]["spotDiscount"] < 1


def test_spot_and_on_demand_parts_add_up() -> None:
    task = ClusterCapacityConfig.model_validate(emr_config._CAPACITY_PRESETS["prod"]["burst"]).task
    assert task is not None
    assert task.spot_units + task.on_demand_units == task.target_units
    assert task.spot_units == round(task.target_units * task.spot_share)
