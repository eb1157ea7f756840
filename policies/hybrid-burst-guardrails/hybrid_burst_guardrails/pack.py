"""Builds the pack's Analyzer servicer and serves it; serving blocks, so only ``__main__.py`` calls ``serve()``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, Policy

from . import __version__
from .core import servicer as _servicer
from .core.registry import RuleRegistry
from .core.rule import Family
from .registry import build_registry

PACK_NAME = "hybrid-burst-guardrails"
PACK_DESCRIPTION = (
    "hybrid-burst guardrails: encryption, least privilege, Spot diversification and observability for the EMR "
    "burst platform."
)
#: Secure default; stacks/policy-config.<env>.json sets the real level per stack (dev advisory, staging/prod mandatory).
DEFAULT_ENFORCEMENT = EnforcementLevel.MANDATORY


def build_servicer(
    registry: RuleRegistry | None = None, *, policies: Sequence[Policy] | None = None, stock: bool = False
) -> Any:
    """The Analyzer servicer ``serve()`` serves (``core/servicer.py``), for ``registry`` (default: every rule).

    It reports ``__version__`` as the pack's version (pulumi-policy's ``PolicyPack`` reports "0.0.1" and leaves the
    version to PulumiPolicy.yaml, which says the same: a test checks it). ``policies`` replaces the registry's own
    policy objects (the benchmark passes timed ones); ``stock=True`` gives pulumi-policy's unmodified servicer over
    the same policies (the benchmark's and the equivalence test's reference).
    """
    registry = registry if registry is not None else build_registry()
    chosen = list(policies) if policies is not None else registry.policies()
    common: dict[str, Any] = {
        "description": PACK_DESCRIPTION,
        "provider": "aws",
        "tags": [family.value for family in Family],
    }
    if stock:
        return _servicer.StockServicer(PACK_NAME, __version__, chosen, DEFAULT_ENFORCEMENT, **common)
    types = {rule.id: rule.resource_types for rule in registry}
    return _servicer.GuardrailsServicer(
        PACK_NAME, __version__, chosen, DEFAULT_ENFORCEMENT, resource_types=types, **common
    )


def serve() -> None:
    """Start the analyzer server (what the CLI's ``python -m pulumi.policy`` runs via ``__main__.py``)."""
    _servicer.serve(build_servicer())
