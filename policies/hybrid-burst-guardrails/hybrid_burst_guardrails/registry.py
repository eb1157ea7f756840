"""The pack's registry: the four families, registered into one ``RuleRegistry`` (duplicate ids are refused)."""

from __future__ import annotations

from .core.registry import RuleRegistry


def build_registry() -> RuleRegistry:
    from . import encryption, least_privilege, observability, spot

    registry = RuleRegistry()
    for family in (encryption, least_privilege, spot, observability):
        registry.extend(family.RULES)
    return registry
