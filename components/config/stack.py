"""The one typed stack-config model, loaded once in ``__main__.py``.

A stack file names an environment preset (``hybrid-burst:environment: dev``); every section starts from that
preset and the stack file overrides it key by key (objects merge, lists and scalars replace). Every problem
is reported at once, with the full key as written in the stack file, before any resource is registered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, model_validator

from . import eks, emr, lake_presets, network, observability
from .eks import EksConfig
from .emr import EmrConfig
from .errors import PROJECT, ConfigError, from_validation_error
from .lake import LakeConfig
from .network import NetworkConfig
from .observability import ObservabilityConfig
from .types import Region, StrictModel

Environment = Literal["dev", "staging", "prod"]
ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "prod")


class RegionsConfig(StrictModel):
    """The two regions: the on-prem proxy and the burst compute side; they must differ."""

    onprem: Region = "us-west-1"
    """Region of the on-prem proxy cluster. Default: us-west-1 (the reference deployment's; see ADR 0001)."""
    compute: Region = "us-east-1"
    """Region of the burst compute cluster. Default: us-east-1 (six AZs, the deepest Spot pools)."""

    @model_validator(mode="after")
    def _distinct(self) -> RegionsConfig:
        if self.onprem == self.compute:
            raise ValueError(
                f"@compute: onprem and compute are both {self.compute}; the burst must cross regions (the on-prem "
                "proxy stands in for a remote data centre and the peering is cross-region) - pick two regions, "
                "e.g. onprem: us-west-1, compute: us-east-1"
            )
        return self


class ProtectionConfig(StrictModel):
    """Whether stateful resources (KMS keys, data buckets, the Glue catalog) are protected and retained."""

    enabled: bool


_SECTIONS: dict[str, tuple[type[BaseModel], dict[str, dict[str, Any]]]] = {
    "regions": (RegionsConfig, {"dev": {}, "staging": {}, "prod": {}}),
    "network": (NetworkConfig, network.PRESETS),
    "emr": (EmrConfig, emr.PRESETS),
    "lake": (LakeConfig, lake_presets.PRESETS),
    "observability": (ObservabilityConfig, observability.PRESETS),
    "eks": (EksConfig, eks.PRESETS),
}

_PROTECT_PRESET: dict[str, bool] = {"dev": False, "staging": False, "prod": True}

KNOWN_KEYS = frozenset({"environment", "protect", *_SECTIONS})


class StackConfig(BaseModel):
    """The whole stack configuration, validated. Built only through ``load_stack_config``."""

    model_config = {"frozen": True}

    stack: str
    environment: Environment
    protect: bool
    """Protect and retain stateful resources (``protect`` and ``retain_on_delete``). Default: on in prod."""
    regions: RegionsConfig
    network: NetworkConfig
    emr: EmrConfig
    lake: LakeConfig
    observability: ObservabilityConfig
    eks: EksConfig


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Objects merge key by key; lists and scalars in ``override`` replace those in ``base``."""
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _decode(value: Any) -> Any:
    """Pulumi hands structured config to programs as JSON text; the offline tools may pass objects."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_stack_config(raw: Mapping[str, Any], *, stack: str) -> StackConfig:
    """Validate a stack's config (keys ``hybrid-burst:<section>``) against the preset it names.

    ``raw`` holds the stack file's ``config:`` mapping (values as objects or as the JSON strings Pulumi passes
    to programs). Keys of other namespaces (``aws:``, ``pulumi:``) are ignored. Raises ``ConfigError`` naming
    every bad key.
    """
    problems: list[tuple[str, Any, str]] = []
    ours: dict[str, Any] = {}
    for key, value in raw.items():
        namespace, _, name = key.partition(":")
        if namespace != PROJECT:
            continue
        if name not in KNOWN_KEYS:
            problems.append((key, value, f"unknown key (a typo?); the known keys are {', '.join(sorted(KNOWN_KEYS))}"))
            continue
        ours[name] = _decode(value)

    env = ours.get("environment")
    if env is None:
        problems.append(
            (f"{PROJECT}:environment", None, "required; set it to one of dev, staging, prod (a named preset)")
        )
        raise ConfigError(problems)
    if env not in ENVIRONMENTS:
        problems.append((f"{PROJECT}:environment", env, "unknown environment preset; use one of dev, staging, prod"))
        raise ConfigError(problems)

    sections: dict[str, BaseModel] = {}
    for name, (model, presets) in _SECTIONS.items():
        given = ours.get(name, {})
        if not isinstance(given, Mapping):
            problems.append((f"{PROJECT}:{name}", given, "must be an object (a YAML mapping)"))
            continue
        merged = deep_merge(presets[env], given)
        try:
            sections[name] = model.model_validate(merged)
        except ValidationError as exc:
            problems.extend(from_validation_error(name, exc).problems)

    protect = _decode(ours.get("protect", _PROTECT_PRESET[env]))
    if isinstance(protect, str):
        protect = {"true": True, "false": False}.get(protect.lower(), protect)
    if not isinstance(protect, bool):
        problems.append((f"{PROJECT}:protect", protect, "must be true or false"))

    if not problems:
        problems.extend(_cross_checks(sections))
    if problems:
        raise ConfigError(problems)

    return StackConfig.model_validate({"stack": stack, "environment": env, "protect": protect, **sections})


def _cross_checks(sections: Mapping[str, BaseModel]) -> list[tuple[str, Any, str]]:
    """Checks that need more than one section."""
    problems: list[tuple[str, Any, str]] = []
    regions = sections["regions"]
    net = sections["network"]
    assert isinstance(regions, RegionsConfig)
    assert isinstance(net, NetworkConfig)
    for side in ("onprem", "compute"):
        region = getattr(regions, side)
        names = getattr(net, side).az_names or []
        for i, az in enumerate(names):
            if not az.startswith(region):
                problems.append(
                    (
                        f"{PROJECT}:network.{side}.azNames.{i}",
                        az,
                        f"is not an AZ of {region} (the {side} region); use names like {region}a",
                    )
                )
    return problems


def raw_pulumi_config() -> dict[str, Any]:
    """Every config key the Pulumi runtime holds for this program (explicitly set or from PULUMI_CONFIG)."""
    from pulumi.runtime import config as rt_config

    raw: dict[str, Any] = dict(rt_config.get_config_env())
    raw.update(rt_config.CONFIG.get())
    return raw


def from_pulumi() -> StackConfig:
    """Load and validate the current stack's config; the single entry point used by ``__main__.py``."""
    import pulumi

    return load_stack_config(raw_pulumi_config(), stack=pulumi.get_stack())
