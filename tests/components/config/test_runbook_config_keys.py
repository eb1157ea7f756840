"""The config keys the runbooks read: Alluxio's metadata sync mode and each fleet's resize timeout."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from scripts.offline.recorder import read_stack_config


def _load(stack: str, emr: dict[str, Any]) -> Any:
    raw = dict(read_stack_config(stack))
    raw["hybrid-burst:emr"] = emr
    return load_stack_config(raw, stack=stack)


def test_sync_mode_defaults_to_interval_and_accepts_active() -> None:
    assert _load("dev", {}).emr.settings.alluxio.metadata_sync_mode == "interval"
    cfg = _load("dev", {"settings": {"alluxio": {"metadataSyncMode": "active", "metadataSyncInterval": "10s"}}})
    assert (cfg.emr.settings.alluxio.metadata_sync_mode, cfg.emr.settings.alluxio.metadata_sync_interval) == (
        "active", "10s")


@pytest.mark.parametrize(
    ("alluxio", "key"),
    [
        ({"metadataSyncMode": "inotify"}, "hybrid-burst:emr.settings.alluxio.metadataSyncMode"),
        ({"metadataSyncMode": "active", "metadataSyncInterval": "-1"},
         "hybrid-burst:emr.settings.alluxio.metadataSyncInterval"),
    ],
)
def test_bad_sync_settings_name_the_key(alluxio: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load("dev", {"settings": {"alluxio": alluxio}})
    assert key in err.value.keys, err.value.keys


def test_resize_timeout_defaults_to_the_spot_timeout_and_can_be_set() -> None:
    task = _load("dev", {}).emr.burst.task
    assert (task.resize_timeout_minutes, task.resize_timeout) == (None, task.spot_timeout_minutes)
    task = _load("dev", {"burst": {"task": {"resizeTimeoutMinutes": 120}}}).emr.burst.task
    assert task.resize_timeout == 120


@pytest.mark.parametrize("minutes", [4, 10_081])
def test_resize_timeout_outside_emr_limits_is_refused(minutes: int) -> None:
    with pytest.raises(ConfigError) as err:
        _load("dev", {"burst": {"task": {"resizeTimeoutMinutes": minutes}}})
    assert "hybrid-burst:emr.burst.task.resizeTimeoutMinutes" in err.value.keys
    assert "5-10080 minutes" in str(err.value)
