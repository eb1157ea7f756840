"""Recorded plans of the real program, shared by the EMR test modules (recording a stack takes seconds).

Prod brings its own TLS certificates: ``stacks/Pulumi.prod.yaml`` names them (``emr.settings.tls``).
EMR on EKS (optional, its own section after ours) is turned off in these recordings so that the EMR tests test
EMR; ``tests/components/test_architecture.py`` records every stack unchanged.
"""

from __future__ import annotations

import functools
from typing import Any

from components.config.stack import deep_merge
from scripts.offline.recorder import Plan, read_stack_config, record


def stack_config(stack: str) -> dict[str, Any]:
    config = dict(read_stack_config(stack))
    config["hybrid-burst:eks"] = deep_merge(_as_dict(config.get("hybrid-burst:eks")), {"enabled": False})
    return config


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


@functools.cache
def recorded(stack: str) -> Plan:
    """Record ``stack`` once per test session (the caller resets the Pulumi runtime around it)."""
    from pulumi.runtime import settings
    from pulumi.runtime.config import set_all_config

    settings.ROOT.set(None)
    set_all_config({}, [])
    try:
        return record(stack=stack, config=stack_config(stack))
    finally:
        settings.ROOT.set(None)
        set_all_config({}, [])
