"""The pack's registry: the three families, registered into one ``RuleRegistry`` (duplicate ids are refused)."""

from __future__ import annotations

from .core.registry import RuleRegistry


def build_registry() -> RuleRegistry:
    from . import encryption, least_privilege, spot

    registry = RuleRegistry()
    for family in (encryption, least_privilege, spot):
        registry.extend(family.RULES)
    return registry
