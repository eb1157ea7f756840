"""``hybrid-burst:eks``: presets are valid and every bad value names its full key and the fix."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from components.config import ENVIRONMENTS, ConfigError, deep_merge
from components.config.eks import MIN_SPOT_INSTANCE_TYPES, PRESETS, SUPPORTED_KUBERNETES_VERSIONS, EksConfig
from components.config.errors import from_validation_error

P = "hybrid-burst"


def _load(env: str = "staging", eks: dict[str, Any] | None = None) -> EksConfig:
    """The eks section as ``load_stack_config`` builds it: the preset, overridden by the stack's keys, with
    errors keyed as in the stack file (the other sections are not involved)."""
    try:
        return EksConfig.model_validate(deep_merge(PRESETS[env], eks or {}))
    except ValidationError as exc:
        raise from_validation_error("eks", exc) from None


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_presets_are_valid_and_secure_by_default(env: str) -> None:
    cfg = _load(env)
    assert cfg.endpoint_public_access is False
    assert cfg.kubernetes_version in SUPPORTED_KUBERNETES_VERSIONS
    assert len(set(cfg.spot.instance_types)) >= MIN_SPOT_INSTANCE_TYPES
    for group in (cfg.spot, cfg.system):
        assert 0 < group.min_size <= group.desired_size <= group.max_size


def test_dev_preset_leaves_emr_on_eks_off_and_staging_and_prod_turn_it_on() -> None:
    assert [_load(env).enabled for env in ("dev", "staging", "prod")] == [False, True, True]


def test_a_stack_can_turn_it_on_in_dev() -> None:
    assert _load("dev", {"enabled": True}).enabled is True


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("version format", {"kubernetesVersion": "v1.34"}, "kubernetesVersion", "<major>.<minor>"),
    ("unsupported version", {"kubernetesVersion": "1.24"}, "kubernetesVersion", "standard support"),
    (
        "too few spot types",
        {"spot": {"instanceTypes": ["r5.xlarge", "r5a.xlarge", "r6i.xlarge"]}},
        "spot.instanceTypes",
        "at least 5",
    ),
    (
        "repeated spot types",
        {"spot": {"instanceTypes": ["r5.xlarge"] * 6}},
        "spot.instanceTypes",
        "repeats",
    ),
    ("not an instance type", {"system": {"instanceTypes": ["m6i"]}}, "system.instanceTypes.0", "instance type"),
    ("zero nodes", {"spot": {"minSize": 0}}, "spot.minSize", "positive"),
    ("desired above max", {"spot": {"desiredSize": 50, "maxSize": 10}}, "spot.desiredSize", "maxSize"),
    ("min above desired", {"system": {"minSize": 3, "desiredSize": 2}}, "system.desiredSize", "minSize"),
    ("over the quota", {"spot": {"maxSize": 451}}, "spot.maxSize", "450"),
    ("uppercase namespace", {"namespace": "EMR_Spark"}, "namespace", "RFC 1123"),
    ("trailing dash", {"namespace": "emr-"}, "namespace", "RFC 1123"),
    ("too long", {"namespace": "a" * 64}, "namespace", "63"),
    ("reserved", {"namespace": "kube-system"}, "namespace", "reserves"),
    ("public without cidrs", {"endpointPublicAccess": True}, "publicAccessCidrs", "no CIDRs"),
    (
        "public to the world",
        {"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]},
        "publicAccessCidrs",
        "internet",
    ),
    ("typo", {"namspace": "x"}, "namspace", "unknown key"),
]


@pytest.mark.parametrize(("case", "eks", "key", "hint"), BAD, ids=[b[0] for b in BAD])
def test_bad_values_name_the_full_key_and_the_fix(case: str, eks: dict[str, Any], key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load("staging", eks)
    assert f"{P}:eks.{key}" in err.value.keys, f"{case}: {err.value}"
    message = next(m for k, _, m in err.value.problems if k == f"{P}:eks.{key}")
    assert hint in message
