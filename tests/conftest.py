"""Shared fixtures: every test gets a fresh Pulumi runtime (settings, root stack, config) and builds its resources
inside the test, never at import time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from scripts.offline.recorder import Plan, record


@pytest.fixture(autouse=True)
def _fresh_pulumi_runtime() -> Iterator[None]:
    """Reset Pulumi's global runtime state around each test (the SDK's own tests do the same)."""
    from pulumi.runtime import settings
    from pulumi.runtime.config import set_all_config

    settings.ROOT.set(None)
    set_all_config({}, [])
    yield
    settings.ROOT.set(None)
    set_all_config({}, [])


@pytest.fixture
def run_stack() -> Callable[..., Plan]:
    """Record the real program (``__main__.py``) for a stack; ``config`` replaces the stack file's config."""

    def run(stack: str = "dev", config: Mapping[str, Any] | None = None) -> Plan:
        return record(stack=stack, config=config)

    return run


@pytest.fixture
def run_program() -> Callable[..., Plan]:
    """Record an ad-hoc program (a test builds components inside it)."""

    def run(program: Callable[[], Any], stack: str = "test") -> Plan:
        return record(program, stack=stack, config={})

    return run


def provider(name: str = "compute", region: str = "us-east-1") -> aws.Provider:
    """An explicit regional provider for component tests (call inside a recorded program)."""
    return aws.Provider(name, region=region)


def in_region(name: str = "compute", region: str = "us-east-1") -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(provider=provider(name, region))
