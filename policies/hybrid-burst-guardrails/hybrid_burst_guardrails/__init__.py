"""hybrid-burst guardrails: one policy pack, three rule families (encryption, least-privilege, spot)."""

from .registry import build_registry

__all__ = ["build_registry"]
