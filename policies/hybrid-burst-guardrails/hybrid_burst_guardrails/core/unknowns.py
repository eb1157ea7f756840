"""Values that are not known yet (computed during ``pulumi preview``), and how rules treat them.

How pulumi-policy 1.21 exposes them (read from the installed SDK, ``pulumi_policy/policy.py`` and ``proxy.py``):

- The engine marshals a computed value as a sentinel string (``KeepUnknowns: true`` in
  ``sdk/go/common/resource/plugin/analyzer_plugin.go``); for any type it is ``UNKNOWN_STRING_VALUE``
  (``04da6b54-...``). The SDK also knows typed variants (``UNKNOWN_BOOLEAN_VALUE``, ...).
- ``Analyze``/``AnalyzeStack`` wrap the properties in ``unknown_checking_proxy``: *reading* an unknown value
  (``props["x"]``, and also ``props.get("x")``, because ``Mapping.get`` calls ``__getitem__``) raises
  ``UnknownValueError``. The servicer catches it and emits an **advisory** diagnostic "can't run policy ... during
  preview", skipping the rest of that policy for that resource.

We do not let a property read abort a whole rule. ``to_plain`` unwraps the proxies with the SDK's own
``serialize_properties`` (which "unwraps to get the raw elements. This ensures unknowns flow through."), so rules
see plain dicts in which an unknown is the sentinel string. Each check decides per value:

- a *presence* check (is a KMS key set?) treats an unknown as present: it will hold a value (a key ARN);
- a *value* check (is the algorithm ``aws:kms``? is the CIDR ``0.0.0.0/0``?) skips and records an ``Unknown``;
  the wrapper then raises ``PreviewUnknownError`` (a subclass of the SDK's ``UnknownValueError``) after reporting
  every violation it could decide, so the SDK adds one advisory note per rule and resource. During ``pulumi up``
  the engine analyzes inputs once they are resolved (and ``AnalyzeStack`` sees final outputs), so the same check
  then runs on the known value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy.deserialize import serialize_properties
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

#: The sentinel the engine (and ``scripts/offline/recorder.py``) uses for every computed value.
UNKNOWN = UNKNOWN_STRING_VALUE

UNKNOWN_SENTINELS: frozenset[str] = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


def is_unknown(value: object) -> bool:
    """True when ``value`` is one of the SDK's unknown sentinels."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def contains_unknown(value: object) -> bool:
    """True when ``value`` or anything nested in it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def to_plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """Plain ``dict``/``list`` copy of ``props``; unknown values stay as sentinel strings.

    Works for the SDK's unknown-checking and secret-preserving proxies and for plain dicts (unit tests).
    """
    plain = serialize_properties(props)
    return {str(k): v for k, v in plain.items()}


class PreviewUnknownError(UnknownValueError):
    """Raised by a rule wrapper after its decidable checks ran, when some values were not known yet.

    pulumi-policy turns any ``UnknownValueError`` into an advisory diagnostic, whatever the rule's enforcement
    level, so an unknown never blocks a preview and never passes silently.
    """

    def __init__(self, rule_id: str, paths: Iterable[str]) -> None:
        listed = sorted(set(paths))
        super().__init__(UNKNOWN_STRING_VALUE, listed[:1])
        shown = ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")
        self.rule_id = rule_id
        self.paths = listed
        self.message = (
            f"{len(listed)} value(s) not known yet ({shown}); rule '{rule_id}' skipped those checks and will "
            "check the known values when they resolve (Analyze during `pulumi up`, AnalyzeStack on outputs)"
        )

    def __str__(self) -> str:
        return self.message
