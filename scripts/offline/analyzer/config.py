"""The policy-pack config (``--policy-pack-config``): parsed, reconciled and validated as the CLI does it.

Sources: ``pkg/resource/analyzer/config.go`` (``ReconcilePolicyPackConfig``, ``ParsePolicyPackConfig``) in
pulumi 3.272; the schemas are each policy's ``configSchema`` from the pack's ``GetAnalyzerInfo``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from .results import PolicyInfo

ENFORCEMENT_LEVELS: dict[str, analyzer_pb2.EnforcementLevel.ValueType] = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
LEVEL_NAMES = {v: k for k, v in ENFORCEMENT_LEVELS.items()}


class PolicyConfigError(ValueError):
    """The policy-pack config file is malformed or does not match a policy's schema (the CLI refuses it too)."""


def parse_policy_config(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"all": "mandatory", "id": {"enforcementLevel": ..., ...}}`` -> ``{name: {enforcementLevel, properties}}``."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in document.items():
        level: str | None = None
        properties: dict[str, Any] = {}
        if isinstance(value, str):
            level = value
        elif isinstance(value, Mapping):
            properties = {k: v for k, v in value.items() if k != "enforcementLevel"}
            raw_level = value.get("enforcementLevel")
            if raw_level is not None and not isinstance(raw_level, str):
                raise PolicyConfigError(f"{key}: enforcementLevel must be a string, got {raw_level!r}")
            level = raw_level
        else:
            raise PolicyConfigError(f"parsing {key!r}: {value!r} is not a valid value; must be a string or object")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            raise PolicyConfigError(
                f"parsing enforcement level for {key!r}: {level!r} is not a valid enforcement level"
            )
        if level is None and not properties:
            continue
        out[key] = {"enforcementLevel": level, "properties": properties}
    return out


def load_policy_config(path: Path) -> dict[str, dict[str, Any]]:
    text = path.read_text()
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PolicyConfigError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise PolicyConfigError(f"{path}: the policy-pack config must be a JSON object")
    return parse_policy_config(document)


def reconcile_config(
    policies: Sequence[PolicyInfo],
    initial: Mapping[str, Mapping[str, Any]],
    given: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Defaults, then the pack's initial config, then the given config; returns (config, unknown keys)."""
    result: dict[str, dict[str, Any]] = {}
    for policy in policies:
        defaults = {k: v["default"] for k, v in policy.config_schema.get("properties", {}).items() if "default" in v}
        result[policy.name] = {"enforcementLevel": policy.enforcement_level, "properties": defaults}
    for layer in (initial, given):
        all_level = (layer.get("all") or {}).get("enforcementLevel")
        if all_level:
            for existing in result.values():
                existing["enforcementLevel"] = all_level
        for name, given_entry in layer.items():
            target = result.setdefault(name, {"enforcementLevel": None, "properties": {}})
            if given_entry.get("enforcementLevel"):
                target["enforcementLevel"] = given_entry["enforcementLevel"]
            target["properties"] = {**target["properties"], **dict(given_entry.get("properties") or {})}
    known = {p.name for p in policies} | {"all"}
    unknown = sorted(k for k in result if k not in known)
    _validate_config(policies, result)
    return result, unknown


def _validate_config(policies: Sequence[PolicyInfo], config: Mapping[str, Mapping[str, Any]]) -> None:
    import jsonschema  # the CLI validates with gojsonschema; jsonschema is its Python equivalent

    errors: list[str] = []
    for policy in policies:
        if not policy.config_schema:
            continue
        schema: dict[str, Any] = {"type": "object", **policy.config_schema}
        validator = jsonschema.Draft7Validator(schema)
        props = config.get(policy.name, {}).get("properties") or {}
        errors.extend(f"{policy.name}: {e.message}" for e in validator.iter_errors(props))
    if errors:
        raise PolicyConfigError("policy pack configuration is invalid:\n  " + "\n  ".join(errors))


# --- checking a config file against the packs, before anything runs ---------------------------------------------
def _suggest(word: str, choices: Sequence[str]) -> str:
    import difflib

    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f'did you mean "{lowered[word.lower()]}" (names are case-sensitive)?'
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else ""


def _plain_numbers(value: Any) -> Any:
    """Schema numbers arrive as floats over protobuf (365.0): show whole ones as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    return value


def _show(value: Any) -> str:
    text = json.dumps(_plain_numbers(value))
    return text if len(text) <= 80 else text[:77] + "..."


def _check_level(path: Path, key: str, level: Any) -> list[str]:
    if isinstance(level, str) and level in ENFORCEMENT_LEVELS:
        return []
    levels = ", ".join(ENFORCEMENT_LEVELS)
    hint = _suggest(level, list(ENFORCEMENT_LEVELS)) if isinstance(level, str) else ""
    return [
        f"{path}: {key} = {_show(level)} is not an enforcement level; fix: use one of {levels}"
        + (f" ({hint})" if hint else "")
    ]


_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _no_duplicates(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            duplicates.append(key)
        seen[key] = value
    return seen


def _line_of_repeat(text: str, key: str) -> int:
    """The line of the second ``"key":`` in ``text`` (the repeat), or of the first when only one is found."""
    import re

    found = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    at = found[1] if len(found) > 1 else (found[0] if found else 0)
    return text[:at].count("\n") + 1


def check_policy_config(path: Path, policies: Sequence[PolicyInfo]) -> list[str]:
    """Every mistake in the policy-config file ``path`` for the packs whose policies are ``policies``.

    Checked: readable UTF-8 JSON without a key written twice in one object, a top-level object, each key ``all`` or
    a policy of the packs (else a "did you mean"), each value an enforcement level or an object, its
    ``enforcementLevel``, each property a property of that policy's config schema (else a "did you mean") and valid
    against its schema. Each message names the file, the key, the value and the fix. An empty list means the file
    is fine.
    """
    import jsonschema

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [f"{path}: cannot be read as UTF-8 text ({err}); fix: save it as a UTF-8 JSON object"]
    if not text.strip():
        return []
    duplicates: list[str] = []
    try:
        document = json.loads(text, object_pairs_hook=lambda pairs: _no_duplicates(pairs, duplicates))
    except ValueError as err:
        return [f"{path}: not valid JSON ({err}); fix: correct the JSON at that line and column"]
    if duplicates:
        # Go's encoding/json (the CLI's reader) keeps the last of two equal keys without a word, so the first
        # override silently does nothing; refused here like duplicate keys in a stack file.
        return [
            f'{path}: line {_line_of_repeat(text, key)}: key "{key}" is written twice in one object (the Pulumi CLI '
            "keeps only the last, silently); fix: merge the two into one"
            for key in duplicates
        ]
    if not isinstance(document, dict):
        kind = _JSON_KINDS.get(type(document), type(document).__name__)
        example = '{"all": "mandatory", "<policy name>": {"<property>": <value>}}'
        return [f"{path}: the top level is a JSON {kind}, not an object; fix: write an object such as {example}"]
    by_name = {p.name: p for p in policies}
    errors: list[str] = []
    for key, value in document.items():
        if key == "all":
            level = value.get("enforcementLevel") if isinstance(value, dict) else value
            errors += _check_level(path, "all", level)
            continue
        policy = by_name.get(key)
        if policy is None:
            hint = _suggest(key, [*by_name, "all"])
            errors.append(
                f'{path}: key "{key}" is not a policy of the pack; fix: '
                + (hint or "remove it or use a policy name from docs/policies.md")
            )
            continue
        if isinstance(value, str):
            errors += _check_level(path, key, value)
            continue
        if not isinstance(value, dict):
            errors.append(
                f"{path}: {key} = {_show(value)} must be an enforcement level (string) or an object of "
                f'properties; fix: e.g. "{key}": "advisory" or "{key}": {{"enforcementLevel": "advisory"}}'
            )
            continue
        if "enforcementLevel" in value:
            errors += _check_level(path, f"{key}.enforcementLevel", value["enforcementLevel"])
        schema_props: dict[str, Any] = policy.config_schema.get("properties", {})
        for prop, prop_value in value.items():
            if prop == "enforcementLevel":
                continue
            where = f"{key}.{prop}"
            if prop not in schema_props:
                hint = _suggest(prop, [*schema_props, "enforcementLevel"])
                known = ", ".join(sorted(schema_props)) or "none (only enforcementLevel)"
                errors.append(
                    f'{path}: {where}: "{prop}" is not a property of {key}; fix: '
                    + (hint or f"its properties are {known}")
                )
                continue
            for problem in jsonschema.Draft7Validator(schema_props[prop]).iter_errors(prop_value):
                default = schema_props[prop].get("default")
                fix = f"the default is {_show(default)}" if default is not None else "see docs/policies.md"
                errors.append(f"{path}: {where} = {_show(prop_value)}: {problem.message}; fix: {fix}")
    return errors
