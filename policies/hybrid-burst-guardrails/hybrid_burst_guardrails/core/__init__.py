"""Framework shared by every rule: the rule model, the registry, unknown handling, and per-domain helpers."""

from .registry import DuplicateRuleIdError, InvalidRuleError, RuleRegistry
from .rule import (
    Config,
    ConfigSchema,
    Evaluation,
    Family,
    ResourceRule,
    Rule,
    StackResource,
    StackRule,
    Unknown,
    Violation,
)
from .unknowns import UNKNOWN, PreviewUnknownError, is_unknown, to_plain

__all__ = [
    "UNKNOWN",
    "Config",
    "ConfigSchema",
    "DuplicateRuleIdError",
    "Evaluation",
    "Family",
    "InvalidRuleError",
    "PreviewUnknownError",
    "ResourceRule",
    "Rule",
    "RuleRegistry",
    "StackResource",
    "StackRule",
    "Unknown",
    "Violation",
    "is_unknown",
    "to_plain",
]
