"""Recorded plans of the real program, shared by the EMR test modules (recording a stack takes seconds).

Prod brings its own TLS certificates: ``stacks/Pulumi.prod.yaml`` names them (``emr.settings.tls``).
The EMR tests read the shipped stacks as they are, EMR on EKS included where a stack turns it on (prod, staging):
they select the EMR side by type and name, so the EKS side does not disturb them, and they share the session's one
recording of each shipped stack file instead of three more of variants without EMR on EKS (issue 16 item 6).
"""

from __future__ import annotations

from scripts.offline.recorder import Plan
from tests import plan_cache


def recorded(stack: str) -> Plan:
    """The shipped ``stack``, recorded once per test session (``tests/plan_cache.py``; a private copy)."""
    return plan_cache.recorded(stack)
