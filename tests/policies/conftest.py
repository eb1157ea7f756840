"""Policy tests: import the pack's package without starting a server; share one running pack per session.

The pack directory (``policies/hybrid-burst-guardrails``, not a valid package name) goes on sys.path, as
``python -m pulumi.policy`` does at run time (``runpy.run_path`` puts the pack directory first).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]
for path in (_REPO / "policies" / "hybrid-burst-guardrails", _REPO):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from scripts.offline.analyzer import PackSession  # noqa: E402
from tests.policies.guardrail_harness import PACK_DIR  # noqa: E402


@pytest.fixture(scope="session")
def preview_pack() -> Iterator[PackSession]:
    """The pack started as ``pulumi preview`` starts it (PULUMI_DRY_RUN=true), once per test session."""
    with PackSession(PACK_DIR, stack="staging", dry_run=True) as session:
        yield session


@pytest.fixture(scope="session")
def update_pack() -> Iterator[PackSession]:
    """The pack started as ``pulumi up`` starts it (PULUMI_DRY_RUN=false)."""
    with PackSession(PACK_DIR, stack="staging", dry_run=False) as session:
        yield session
