"""The one typed stack-config model, loaded once in ``__main__.py``.

A stack file names an environment preset (``hybrid-burst:environment: dev``); every section starts from that
preset and the stack file overrides it key by key (objects merge, lists and scalars replace). Every problem
is reported at once, with the full key as written in the stack file, before any resource is registered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, model_validator

from . import account, checks, eks, emr, lake_presets, network, observability, onprem
from .account import AccountBaselineConfig
from .eks import EksConfig
from .emr import EmrConfig
from .errors import PROJECT, ConfigError, from_validation_error
from .lake import LakeConfig
from .network import NetworkConfig
from .observability import ObservabilityConfig
from .onprem import OnpremConfig
from .stack_file import did_you_mean, read_stack_file
from .types import Region, StrictModel

Environment = Literal["dev", "staging", "prod"]
ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "prod")


class RegionsConfig(StrictModel):
    """The two regions: the on-prem proxy and the burst compute side; they must differ."""

    onprem: Region | None = "us-west-1"
    """Region of the on-prem proxy cluster. Default: us-west-1 (the reference deployment's; see ADR 0001). Not read
    with ``onprem.mode: external`` (no on-prem region)."""
    compute: Region = "us-east-1"
    """Region of the burst compute cluster. Default: us-east-1 (six AZs, the deepest Spot pools)."""

    @model_validator(mode="after")
    def _distinct(self) -> RegionsConfig:
        if self.onprem is not None and self.onprem == self.compute:
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
    "onprem": (OnpremConfig, onprem.PRESETS),
    "regions": (RegionsConfig, {"dev": {}, "staging": {}, "prod": {}}),
    "network": (NetworkConfig, network.PRESETS),
    "emr": (EmrConfig, emr.PRESETS),
    "lake": (LakeConfig, lake_presets.PRESETS),
    "observability": (ObservabilityConfig, observability.PRESETS),
    "eks": (EksConfig, eks.PRESETS),
    "accountBaseline": (AccountBaselineConfig, account.PRESETS),
}

_FIELD: dict[str, str] = {"accountBaseline": "account_baseline"}
"""Section key as written in the stack file -> ``StackConfig`` field, where they differ."""

_PROTECT_PRESET: dict[str, bool] = {"dev": False, "staging": False, "prod": True}

KNOWN_KEYS = frozenset({"environment", "protect", *_SECTIONS})


class StackConfig(BaseModel):
    """The whole stack configuration, validated. Built only through ``load_stack_config``."""

    model_config = {"frozen": True}

    stack: str
    environment: Environment
    protect: bool
    """Protect and retain stateful resources (``protect`` and ``retain_on_delete``). Default: on in prod."""
    onprem: OnpremConfig
    regions: RegionsConfig
    network: NetworkConfig
    emr: EmrConfig
    lake: LakeConfig
    observability: ObservabilityConfig
    eks: EksConfig
    account_baseline: AccountBaselineConfig
    """Who owns the account-wide singletons (``hybrid-burst:accountBaseline``)."""


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


# Namespaces of the providers this program uses (pulumi-aws, pulumi-eks, pulumi-kubernetes) and Pulumi's own: their
# keys configure the providers, not the program, and are left to them. Any other namespace is read by nobody.
PROVIDER_NAMESPACES = frozenset({"aws", "eks", "kubernetes", "pulumi"})


def _namespace_problems(raw: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """Keys of the stack file that nothing reads: a misspelled namespace, a key without one, an unknown key."""
    problems: list[tuple[str, Any, str]] = []
    for key, value in raw.items():
        namespace, colon, name = str(key).partition(":")
        if not colon:
            hint = f"; did you mean {PROJECT}:{key}?" if key in KNOWN_KEYS else did_you_mean(
                f"{PROJECT}:{key}", [f"{PROJECT}:{k}" for k in KNOWN_KEYS]
            )
            problems.append(
                (key, value, f"has no namespace, so nothing reads it; keys are <namespace>:<name>{hint}")
            )
        elif namespace == PROJECT:
            if name not in KNOWN_KEYS:
                section, dot, _ = name.partition(".")
                if dot and section in KNOWN_KEYS:
                    hint = f"; write it nested under {PROJECT}:{section} (one YAML mapping per section)"
                else:
                    known = ", ".join(sorted(KNOWN_KEYS))
                    hint = did_you_mean(key, [f"{PROJECT}:{k}" for k in sorted(KNOWN_KEYS)])
                    hint += f"; the known keys are {known}"
                problems.append((key, value, f"unknown key (a typo?){hint}"))
        elif namespace not in PROVIDER_NAMESPACES:
            suggestion = did_you_mean(namespace, [PROJECT, *sorted(PROVIDER_NAMESPACES)])
            if suggestion:
                suggestion = f"; did you mean {suggestion.removeprefix('; did you mean ').rstrip('?')}:{name}?"
            problems.append(
                (
                    key,
                    value,
                    (f"namespace {namespace!r} is read by neither this program ({PROJECT}) nor its providers "
                    f"({', '.join(sorted(PROVIDER_NAMESPACES))}){suggestion}"),
                )
            )
    return problems


_ONPREM_SIDE_SECTIONS = ("network", "emr", "regions")
"""Sections with an ``onprem`` half (the proxy's VPC, cluster and region), not read in external mode."""


def onprem_side_keys_in_external_mode(ours: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The proxy's keys a stack in external mode still sets: nothing would read them."""
    problems: list[tuple[str, Any, str]] = []
    for name in _ONPREM_SIDE_SECTIONS:
        given = _decode(ours.get(name, {}))
        if isinstance(given, Mapping) and "onprem" in given:
            problems.append(
                (
                    f"{PROJECT}:{name}.onprem",
                    given["onprem"],
                    ("is not read with onprem.mode: external (no on-prem region, VPC or cluster is built; the on-prem "
                     "side is described under hybrid-burst:onprem) - remove it"),
                )
            )
    return problems


def load_stack_config(
    raw: Mapping[str, Any], *, stack: str, line_of: Callable[[str], int | None] | None = None
) -> StackConfig:
    """Validate a stack's config (keys ``hybrid-burst:<section>``) against the preset it names.

    ``raw`` holds the stack file's ``config:`` mapping (values as objects or as the JSON strings Pulumi passes
    to programs). Keys of the providers' namespaces (``aws:``, ``pulumi:``, ...) are left to them; any other key
    the program does not read is an error. ``stack`` is checked too: it becomes part of physical names. Raises
    ``ConfigError`` naming every bad key (and its line, given ``line_of``: see ``load_stack_file``).
    """
    problems: list[tuple[str, Any, str]] = checks.check_stack_name(stack)
    problems += _namespace_problems(raw)
    ours: dict[str, Any] = {}
    for key, value in raw.items():
        namespace, _, name = str(key).partition(":")
        if namespace == PROJECT and name in KNOWN_KEYS:
            ours[name] = _decode(value)

    env = ours.get("environment")
    if env is None:
        problems.append(
            (f"{PROJECT}:environment", None, "required; set it to one of dev, staging, prod (a named preset)")
        )
        raise ConfigError(problems, line_of)
    if env not in ENVIRONMENTS:
        problems.append(
            (
                f"{PROJECT}:environment",
                env,
                "unknown environment preset; use one of dev, staging, prod" + did_you_mean(str(env), ENVIRONMENTS),
            )
        )
        raise ConfigError(problems, line_of)

    sections: dict[str, BaseModel] = {}
    mode = onprem.mode_of(ours.get("onprem"))
    if mode == "external":
        problems += onprem_side_keys_in_external_mode(ours)
    for name, (model, presets) in _SECTIONS.items():
        given = ours.get(name, {})
        if not isinstance(given, Mapping):
            problems.append((f"{PROJECT}:{name}", given, "must be an object (a YAML mapping)"))
            continue
        preset = presets[env]
        if mode == "external" and name in _ONPREM_SIDE_SECTIONS:
            # No on-prem region, VPC or cluster is built: the presets' on-prem halves do not apply (a stack file that
            # sets one is reported above).
            preset = {k: v for k, v in preset.items() if k != "onprem"}
            given = {**{k: v for k, v in given.items() if k != "onprem"}, "onprem": None}
        merged = deep_merge(preset, given)
        try:
            sections[name] = model.model_validate(merged)
        except ValidationError as exc:
            problems.extend(from_validation_error(name, exc, model).problems)

    protect = _decode(ours.get("protect", _PROTECT_PRESET[env]))
    if isinstance(protect, str):
        protect = {"true": True, "false": False}.get(protect.lower(), protect)
    if not isinstance(protect, bool):
        problems.append((f"{PROJECT}:protect", protect, "must be true or false"))

    if len(sections) == len(_SECTIONS) and isinstance(protect, bool):
        problems.extend(checks.cross_checks(stack, protect, sections))
    if problems:
        raise ConfigError(problems, line_of)

    fields = {_FIELD.get(name, name): model for name, model in sections.items()}
    return StackConfig.model_validate({"stack": stack, "environment": env, "protect": protect, **fields})


def load_stack_file(path: Path, *, stack: str) -> StackConfig:
    """Read the stack file ``path`` strictly (``stack_file.read_stack_file``) and validate its config: every
    problem, of the file or of a key, is a ``ConfigError`` naming the key and the line it is written on."""
    written = read_stack_file(path)
    return load_stack_config(written.config, stack=stack, line_of=written.line_of)


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
