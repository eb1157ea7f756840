"""``hybrid-burst:observability``: presets validate, thresholds and retention come from config, and bad input
names the key and the fix."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from components.config import observability as obs_config
from components.config.observability import ObservabilityConfig, validate_selection_mode
from scripts.offline.recorder import read_stack_config

P = "hybrid-burst"


@pytest.mark.parametrize("env", sorted(obs_config.PRESETS))
def test_every_preset_validates(env: str) -> None:
    cfg = ObservabilityConfig.model_validate(obs_config.PRESETS[env])
    preset = obs_config.PRESETS[env]
    assert cfg.log_retention_days == preset["logRetentionDays"]
    assert cfg.thresholds.pending_containers == preset["thresholds"]["pendingContainers"]
    assert cfg.fis.selection_mode == preset["fis"]["selectionMode"]


def _load(observability: dict[str, Any], stack: str = "dev") -> Any:
    raw = dict(read_stack_config(stack))
    raw[f"{P}:observability"] = observability
    return load_stack_config(raw, stack=stack)


def test_stack_file_overrides_the_preset_key_by_key() -> None:
    cfg = _load({"thresholds": {"pendingContainers": 7}, "fis": {"selectionMode": "COUNT(3)"}})
    assert cfg.observability.thresholds.pending_containers == 7
    assert cfg.observability.thresholds.hdfs_utilization_percent == (
        obs_config.PRESETS["dev"]["thresholds"]["hdfsUtilizationPercent"]
    )
    assert cfg.observability.fis.selection_mode == "COUNT(3)"


@pytest.mark.parametrize(
    ("given", "key", "hint"),
    [
        ({"fis": {"selectionMode": "HALF"}}, f"{P}:observability.fis.selectionMode", "COUNT(n)"),
        ({"fis": {"selectionMode": "COUNT(0)"}}, f"{P}:observability.fis.selectionMode", "n >= 1"),
        ({"fis": {"selectionMode": "PERCENT(150)"}}, f"{P}:observability.fis.selectionMode", "1 <= p <= 100"),
        ({"logRetentionDays": 10}, f"{P}:observability.logRetentionDays", "retention periods"),
        (
            {"subscriptions": [{"protocol": "email", "endpoint": "not-an-address"}]},
            f"{P}:observability.subscriptions.0.endpoint",
            "email address",
        ),
        (
            {"subscriptions": [{"protocol": "https", "endpoint": "http://hooks.example.com/x"}]},
            f"{P}:observability.subscriptions.0.endpoint",
            "https URL",
        ),
        (
            {"subscriptions": [{"protocol": "sms", "endpoint": "+15550100"}]},
            f"{P}:observability.subscriptions.0.protocol",
            "",
        ),
        ({"metricsNamespace": "AWS/Spark"}, f"{P}:observability.metricsNamespace", "reserved"),
        ({"thresholds": {"hdfsUtilizationPercent": 120}}, f"{P}:observability.thresholds.hdfsUtilizationPercent", ""),
    ],
)
def test_bad_input_names_the_key_and_the_fix(given: dict[str, Any], key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(given)
    assert key in err.value.keys, str(err.value)
    assert hint in str(err.value)


@pytest.mark.parametrize("mode", ["ALL", "COUNT(1)", "COUNT(25)", "PERCENT(1)", "PERCENT(100)"])
def test_valid_selection_modes(mode: str) -> None:
    assert validate_selection_mode(mode) == mode


def test_valid_subscriptions_are_kept() -> None:
    subs = [
        {"protocol": "email", "endpoint": "oncall@example.com"},
        {"protocol": "https", "endpoint": "https://hooks.example.com/alarms"},
    ]
    cfg = _load({"subscriptions": subs})
    assert [(s.protocol, s.endpoint) for s in cfg.observability.subscriptions] == [
        (s["protocol"], s["endpoint"]) for s in subs
    ]
