"""Recorded plans shared by the network test modules (one recording per stack per test process)."""

from __future__ import annotations

import pytest

from scripts.offline.recorder import Plan


@pytest.fixture(scope="session")
def recorded() -> dict[str, Plan]:
    """Plans by case id (a stack name or a component case), recorded lazily by the first test that needs one."""
    return {}
