"""Recorded plans of the real program for the stack-layer tests (one recording per stack per session)."""

from __future__ import annotations

import functools

from scripts.offline.recorder import Plan, record


@functools.cache
def recorded(stack: str) -> Plan:
    from pulumi.runtime import settings
    from pulumi.runtime.config import set_all_config

    settings.ROOT.set(None)
    set_all_config({}, [])
    try:
        return record(stack=stack)
    finally:
        settings.ROOT.set(None)
        set_all_config({}, [])
