"""Configuration errors that name the key, the bad value and the fix."""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

PROJECT = "hybrid-burst"


class ConfigError(ValueError):
    """A stack configuration problem found before any resource is registered.

    ``key`` is the full config path as written in ``stacks/Pulumi.<stack>.yaml``
    (``hybrid-burst:network.compute.cidr``); ``problems`` lists every problem found, so one run shows them all.
    """

    def __init__(
        self, problems: list[tuple[str, Any, str]], line_of: Callable[[str], int | None] | None = None
    ) -> None:
        """``line_of`` maps a key to its line in the stack file (``StackFile.line_of``: the key's own line or its
        nearest enclosing key's); with it, each problem starts with ``line N,`` where the file has one."""
        self.problems = problems
        lines = [f"invalid stack configuration ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
        for key, value, message in problems:
            shown = _show(value)
            line = line_of(key) if line_of is not None else None
            where = f"line {line}, {key}" if line is not None else key
            lines.append(f"  - {where}: {message}" + (f" (got {shown})" if shown is not None else ""))
        super().__init__("\n".join(lines))

    @property
    def keys(self) -> list[str]:
        return [key for key, _, _ in self.problems]


def _show(value: Any) -> str | None:
    if value is _MISSING:
        return None
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


_MISSING = object()


def _model_at(model: Any, parts: list[str]) -> Any:
    """The pydantic model reached by following ``parts`` (YAML spellings, list indexes) from ``model``, or None."""
    for part in parts:
        if model is None or not hasattr(model, "model_fields"):
            return None
        field = next(
            (f for name, f in model.model_fields.items() if part in (name, f.alias)),
            None,
        )
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model


def _unwrap(annotation: Any) -> Any:
    """The model inside ``X | None``, ``list[X]``, ``dict[str, X]`` (the first model found), else the type."""
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap(arg)
        if found is not None and hasattr(found, "model_fields"):
            return found
    return None


def _known_here(model: Any, parts: list[str]) -> list[str]:
    """The YAML keys allowed beside the unknown key at ``parts`` (its last part)."""
    # List indexes and dict keys pass through: skip parts that are not fields.
    current = model
    for part in parts[:-1]:
        if part.isdigit() or current is None:
            continue
        nxt = _model_at(current, [part])
        if nxt is not None:
            current = nxt
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def from_validation_error(section: str, err: ValidationError, model: Any = None) -> ConfigError:
    """Turn a pydantic error into a ConfigError whose keys use the YAML spelling (camelCase aliases).

    With ``model`` (the section's model), an unknown key gets a "did you mean" from the keys allowed there.
    """
    problems: list[tuple[str, Any, str]] = []
    for item in err.errors(include_url=False):
        parts = [str(part) for part in item["loc"]]
        message = item["msg"].removeprefix("Value error, ")
        # Model-level validators point at a sub-key by starting their message with "@<sub.key>: ".
        if message.startswith("@") and ": " in message:
            sub, message = message[1:].split(": ", 1)
            parts.extend(sub.split("."))
        loc = ".".join(parts)
        key = f"{PROJECT}:{section}" + (f".{loc}" if loc else "")
        if item["type"] == "extra_forbidden":
            known = _known_here(model, parts) if model is not None else []
            close = difflib.get_close_matches(parts[-1], known, n=1, cutoff=0.6) if parts else []
            hint = (
                f"did you mean {close[0]}? Otherwise " if close else
                (f"the keys here are {', '.join(sorted(known))}; " if known else "")
            )
            message = (
                f"unknown key (a typo?); {hint}remove it or use one of the documented keys listed in "
                "docs/configuration.md"
            )
        elif item["type"] == "missing":
            message = "required key is missing; add it to the stack file"
        elif item["type"] in {"greater_than", "greater_than_equal"}:
            message = f"{message}; change the value in the stack file (sizes and counts must be positive)"
        elif item["type"] in {"less_than", "less_than_equal"}:
            message = f"{message}; change the value in the stack file (the bound is the documented limit)"
        elif item["type"] in {"dict_type", "model_type", "model_attributes_type"}:
            message = "must be an object (a YAML mapping of keys); see docs/configuration.md for its keys"
        value = _MISSING if item["type"] == "missing" else item.get("input", _MISSING)
        for extra in parts[len(item["loc"]) :]:
            # A model-level check named a sub-key: show that value, not the whole object.
            value = value.get(extra, _MISSING) if isinstance(value, dict) else _MISSING
        problems.append((key, value, message))
    return ConfigError(problems)
