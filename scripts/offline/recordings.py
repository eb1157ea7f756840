"""What the recorder keeps per process: the count of recordings by kind, and the one key pair it lends to the
self-signed certificates of the programs it records (``scripts/offline/recorder.py``)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

RECORDINGS: Counter[str] = Counter()
"""Recordings made by this process, by kind: ``stack:<name>`` (the project's program with the stack file's config),
``changed:<name>`` (the program with another config: a test's edit, a stack without a file) or ``program`` (an
ad-hoc program, e.g. a component test). The test session prints the totals (tests/conftest.py)."""


def recording_kind(
    program: Callable[[], Any] | None, stack: str, config: Mapping[str, Any] | None, cfg: Mapping[str, Any]
) -> str:
    """The :data:`RECORDINGS` key of one recording."""
    if program is not None:
        return "program"
    if config is None:
        return f"stack:{stack}"
    from .recorder import read_stack_config

    try:
        shipped = dict(cfg) == read_stack_config(stack)
    except Exception:  # noqa: BLE001 - no (valid) stack file of that name: a config of the test's own
        shipped = False
    return f"stack:{stack}" if shipped else f"changed:{stack}"


@functools.cache
def offline_private_key() -> Any:
    """One key pair per process for every self-signed certificate the recorded programs generate.

    A plan is recorded, never deployed: the certificate object's content is a secret that the plan masks, and the
    real program ignores it on update (ADR 0004). An RSA-2048 key generation costs 0.02-0.11 s of CPU, twice
    per stack (docs/performance.md); a real ``pulumi up`` still generates one per certificate.
    """
    from components.emr.security_configuration import new_private_key

    return new_private_key()
