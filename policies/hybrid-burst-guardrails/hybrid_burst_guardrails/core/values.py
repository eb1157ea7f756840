"""Small readers over plain property dicts. Every read uses ``.get()`` and tolerates wrong shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .unknowns import is_unknown


def as_mapping(value: object) -> Mapping[str, Any] | None:
    """``value`` if it is a mapping, else ``None`` (unknowns included: check ``is_unknown`` first)."""
    return value if isinstance(value, Mapping) else None


def as_list(value: object) -> list[Any]:
    """A list view: ``None`` -> ``[]``, scalar -> ``[scalar]``, list/tuple -> list. Unknown stays one element."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def first_block(value: object) -> object:
    """Single nested blocks arrive as an object, or (older providers, some recorders) as a one-item list."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def is_set(value: object) -> bool:
    """Presence check: an unknown counts as set (it will hold a value once known)."""
    if is_unknown(value):
        return True
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0
    return True


def json_bool(value: object) -> bool | None:
    """A boolean inside a JSON *document* (an EMR security configuration), not a provider property.

    Documents are parsed by the AWS service, not the provider, so they get JSON's reading: ``true``/``false``, and
    the strings ``"true"``/``"false"`` that EMR's own examples sometimes show. Provider properties go through
    ``core.coerce.provider_bool`` instead.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def join_path(*parts: object) -> str:
    """``join_path("ingress", 0, "cidrBlocks")`` -> ``"ingress[0].cidrBlocks"``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
