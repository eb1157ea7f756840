"""hybrid-burst guardrails: one policy pack, four rule families (encryption, least-privilege, spot, observability)."""

from .registry import build_registry

#: The pack's version: pyproject.toml reads it from here, PulumiPolicy.yaml repeats it (a test keeps them equal).
__version__ = "0.2.0"

__all__ = ["__version__", "build_registry"]
