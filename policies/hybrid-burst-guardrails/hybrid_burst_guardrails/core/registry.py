"""The rule registry: the single place the pack's policy list comes from. It refuses duplicate ids.

pulumi-policy itself does not check that policy names are unique within a pack, and the CLI keys
``--policy-pack-config`` entries by name, so two rules sharing an id would silently share one enforcement level and
one config. Families register into one registry, so a clash across families fails at import (and in tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pulumi_policy import Policy

from .rule import Family, Rule

#: Kebab-case; ``all`` is reserved by the CLI for "every policy" (pulumi_policy.Policy refuses it too).
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RESERVED = frozenset({"all"})


class DuplicateRuleIdError(ValueError):
    """Two rules claim the same id."""


class InvalidRuleError(ValueError):
    """A rule's metadata is incomplete or malformed."""


class RuleRegistry:
    """Ordered set of rules keyed by id."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        self.extend(rules)

    def register(self, rule: Rule) -> Rule:
        if rule.id in self._rules:
            other = self._rules[rule.id]
            raise DuplicateRuleIdError(
                f"rule id {rule.id!r} is already registered (family {other.family.value}); "
                f"the second registration comes from family {rule.family.value}. Rule ids must be unique "
                "across the whole pack because --policy-pack-config is keyed by id."
            )
        _check_metadata(rule)
        self._rules[rule.id] = rule
        return rule

    def extend(self, rules: Iterable[Rule]) -> None:
        for rule in rules:
            self.register(rule)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def get(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    @property
    def ids(self) -> list[str]:
        return list(self._rules)

    def by_family(self) -> dict[Family, list[Rule]]:
        out: dict[Family, list[Rule]] = {family: [] for family in Family}
        for rule in self:
            out[rule.family].append(rule)
        return out

    def policies(self) -> list[Policy]:
        """The pulumi-policy objects, in registration order (the order the servicer evaluates them)."""
        return [rule.to_policy() for rule in self]


def _check_metadata(rule: Rule) -> None:
    if not _ID_RE.match(rule.id) or rule.id in _RESERVED:
        raise InvalidRuleError(f"rule id {rule.id!r} must be kebab-case and not one of {sorted(_RESERVED)}")
    for attr in ("description", "remediation"):
        if not getattr(rule, attr).strip():
            raise InvalidRuleError(f"rule {rule.id!r} has an empty {attr}")
    if not rule.resource_types:
        raise InvalidRuleError(f"rule {rule.id!r} names no resource types")
    for key, schema in rule.config_schema.items():
        if key == "enforcementLevel":
            raise InvalidRuleError(f"rule {rule.id!r}: 'enforcementLevel' is reserved, not a config property")
        if "default" not in schema or "type" not in schema or "description" not in schema:
            raise InvalidRuleError(
                f"rule {rule.id!r}: config property {key!r} needs a type, a description and a default"
            )
