"""Shared plan of every observability component, built once per module from explicit arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from scripts.offline.recorder import Plan, record
from tests import plan_cache

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b9d6c1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e"
BUCKET = "hybrid-burst-test-artifacts"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
BURST_ID = "j-2AXXXXXXGAPLF"
ONPREM_ID = "j-1BYYYYYYHBQMG"
ACCOUNT = "123456789012"


def record_once(program: Callable[[], Any]) -> Plan:
    """Record a test program outside the per-test runtime reset (for module-scoped fixtures)."""
    from pulumi.runtime.config import set_all_config

    pulumi.runtime.settings.ROOT.set(None)
    set_all_config({}, [])
    try:
        return record(program, stack="test", config={})
    finally:
        pulumi.runtime.settings.ROOT.set(None)
        set_all_config({}, [])


def record_stack_once(stack: str) -> Plan:
    """The real program's plan for a stack, recorded once per test session (``tests/plan_cache.py``)."""
    return plan_cache.recorded(stack)
