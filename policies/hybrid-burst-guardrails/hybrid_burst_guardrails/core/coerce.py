"""Booleans and numbers as the provider will read them, whatever type the program gave them.

A Pulumi program may pass ``"false"``, ``"0"`` or ``"False"`` where the schema says boolean or number (Python's
``pulumi.Input[bool]`` is not enforced at run time, and config values arrive as strings). Policies see the value as
sent, so ``if props["encrypted"]:`` reads ``"false"`` as *true* and ``props["x"] is True`` reads ``"true"`` as
*false*. What the provider makes of it:

- the Terraform bridge passes a Pulumi string through unchanged (``pulumi-terraform-bridge``
  ``pkg/tfbridge/schema.go``, ``MakeTerraformInput``: ``case v.IsString(): return v.StringValue()``);
- the Terraform plugin SDK then converts it per the attribute's schema type
  (``terraform-plugin-sdk`` ``helper/schema/field_reader.go``, ``stringToPrimitive``): ``TypeBool`` with Go's
  ``strconv.ParseBool`` (``1 t T TRUE true True`` / ``0 f F FALSE false False``; ``""`` is false; anything else is
  an error), ``TypeInt`` with ``strconv.ParseInt(value, 0, 0)`` (base from the prefix: ``0x`` hex, ``0o`` or a
  leading ``0`` octal, ``0b`` binary; ``_`` separators allowed; so ``"030"`` is 24), ``TypeFloat`` with
  ``strconv.ParseFloat``;
- string-typed tri-state booleans such as ``aws.ec2.LaunchTemplate`` ``blockDeviceMappings[].ebs.encrypted``
  (``pulumi.Input[str]`` in pulumi-aws 7.51.1, ``nullable.TypeNullableBool`` in terraform-provider-aws) are parsed
  with the same ``strconv.ParseBool``.

Every rule that reads a boolean or numeric property reads it through :func:`provider_bool`, :func:`provider_int`
or :func:`provider_float`. A value the provider would reject comes back as :data:`INVALID` (the deployment fails;
rules report it rather than guess). Unknown values are not coerced: check ``is_unknown`` first.
"""

from __future__ import annotations

import math
import re
from typing import Final

from .unknowns import is_unknown


class _Invalid:
    """A value the provider would reject (``"yes"`` for a boolean, ``"12abc"`` for a number)."""

    _instance: _Invalid | None = None

    def __new__(cls) -> _Invalid:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Final = _Invalid()

#: Go ``strconv.ParseBool`` (https://pkg.go.dev/strconv#ParseBool).
_GO_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})

#: Go integer literal syntax accepted by ``strconv.ParseInt(s, 0, 64)``: optional sign, base prefix, ``_`` between
#: digits (only after a prefix or between digits).
_GO_INT: Final = re.compile(
    r"^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$"
)
_GO_FLOAT: Final = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI]nf(?:inity)?|[nN]a[nN])$")


def provider_bool(value: object) -> bool | _Invalid | None:
    """``True``/``False`` as the provider reads ``value``; ``None`` when unset; :data:`INVALID` if it would fail.

    Numbers (which a JSON transport may produce) follow the same reading: ``0`` is false, ``1`` is true.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if is_unknown(value):
        return INVALID
    if isinstance(value, str):
        if value == "":
            return False
        if value in _GO_TRUE:
            return True
        if value in _GO_FALSE:
            return False
        return INVALID
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return INVALID


def parse_go_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)``: ``None`` when Go would refuse it."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").replace("_", "")
    if len(digits) > 1 and digits[0] == "0" and digits[1] in "xXbBoO":
        number = int(digits, 0)
    elif len(digits) > 1 and digits[0] == "0":
        number = int(digits, 8)  # a leading 0 means octal in Go
    else:
        number = int(digits)
    number *= sign
    if not -(2**63) <= number < 2**63:
        return None
    return number


def provider_int(value: object) -> int | _Invalid | None:
    """An integer as the provider reads ``value``; ``None`` when unset; :data:`INVALID` if it would fail.

    JSON numbers arrive as floats over gRPC (``30.0``); the bridge truncates numbers for integer attributes
    (``MakeTerraformInput``: ``int(v.NumberValue())``), so ``30.7`` reads as 30.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else INVALID
    if isinstance(value, str):
        if value == "":
            return 0
        if is_unknown(value):
            return INVALID
        parsed = parse_go_int(value)
        return INVALID if parsed is None else parsed
    return INVALID


def provider_float(value: object) -> float | _Invalid | None:
    """A number as the provider reads ``value`` (``strconv.ParseFloat``); ``None`` when unset."""
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if value == "":
            return 0.0
        if is_unknown(value) or not _GO_FLOAT.match(value):
            return INVALID
        return float(value)
    return INVALID


def describe(value: object) -> str:
    """How a message shows a raw value and its reading: ``'"false"' (read as false)``."""
    shown = repr(value) if not isinstance(value, str) else f'"{value}"'
    if isinstance(value, str) and not is_unknown(value):
        reading = provider_bool(value)
        if reading is not INVALID and reading is not None:
            return f"{shown} (a string the provider reads as {str(reading).lower()})"
    return shown


__all__ = ["INVALID", "describe", "parse_go_int", "provider_bool", "provider_float", "provider_int"]
