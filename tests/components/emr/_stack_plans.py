"""Recorded plans of the real program, shared by the EMR test modules (recording a stack takes seconds).

Prod brings its own TLS certificates: ``stacks/Pulumi.prod.yaml`` names them (``emr.settings.tls``).
EMR on EKS (optional, its own section after ours) is turned off in these recordings so that the EMR tests test
EMR; ``tests/components/test_architecture.py`` records every stack unchanged.
"""

from __future__ import annotations

from typing import Any

from components.config.stack import deep_merge
from scripts.offline.recorder import Plan, read_stack_config
from tests import plan_cache


def stack_config(stack: str) -> dict[str, Any]:
    config = dict(read_stack_config(stack))
    config["hybrid-burst:eks"] = deep_merge(_as_dict(config.get("hybrid-burst:eks")), {"enabled": False})
    return config


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def recorded(stack: str) -> Plan:
    """``stack`` without EMR on EKS, recorded once per test session (``tests/plan_cache.py``; a private copy)."""
    return plan_cache.recorded(stack, stack_config(stack))
