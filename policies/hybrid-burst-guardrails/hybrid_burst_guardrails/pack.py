"""Builds the ``PolicyPack``. Constructing it starts the gRPC server and blocks, so only ``__main__.py`` calls it."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyPack

from .core.rule import Family
from .registry import build_registry

PACK_NAME = "hybrid-burst-guardrails"
PACK_DESCRIPTION = (
    "hybrid-burst guardrails: encryption, least privilege, Spot diversification and observability for the EMR "
    "burst platform."
)
#: Secure default; stacks/policy-config.<env>.json sets the real level per stack (dev advisory, staging/prod mandatory).
DEFAULT_ENFORCEMENT = EnforcementLevel.MANDATORY


def serve() -> None:
    """Start the analyzer server (what the CLI's ``python -m pulumi.policy`` runs via ``__main__.py``)."""
    registry = build_registry()
    PolicyPack(
        name=PACK_NAME,
        description=PACK_DESCRIPTION,
        policies=registry.policies(),
        enforcement_level=DEFAULT_ENFORCEMENT,
        provider="aws",
        tags=[family.value for family in Family],
    )
