"""The shipped stacks by connection mode (``hybrid-burst:onprem.mode``), for tests that only make sense in one."""

from __future__ import annotations

from functools import cache

from components.config import load_stack_config
from scripts.offline.recorder import available_stacks, read_stack_config


@cache
def _modes() -> dict[str, str]:
    return {s: load_stack_config(read_stack_config(s), stack=s).onprem.mode for s in available_stacks()}


def proxy_stacks() -> list[str]:
    """Stacks with the two-region proxy (on-prem region, VPC, cluster, peering)."""
    return [s for s, mode in _modes().items() if mode == "proxy"]


def external_stacks() -> list[str]:
    """Stacks connected to an external on-prem Hadoop (compute region only)."""
    return [s for s, mode in _modes().items() if mode == "external"]


def sides(stack: str) -> tuple[str, ...]:
    """The region roles a stack builds: both in proxy mode, the compute side only in external mode."""
    return ("onprem", "compute") if _modes()[stack] == "proxy" else ("compute",)
