"""Recorded plans of the real program for the stack-layer tests (one recording per stack per session)."""

from __future__ import annotations

from scripts.offline.recorder import Plan
from tests import plan_cache


def recorded(stack: str) -> Plan:
    """``stack`` as shipped, recorded once per test session (``tests/plan_cache.py``; a private copy)."""
    return plan_cache.recorded(stack)
