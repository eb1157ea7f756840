"""The pack's servicer in this process: the engine's call order without a pack process or gRPC transport.

``InProcessPack`` is a :class:`PackSession` whose stub calls a servicer object directly, so ``evaluate`` runs the
same marshalling, configuration and Analyze/AnalyzeStack requests as over the wire, and only the transport
(serialization over a local socket, the second process) is left out. The benchmark uses it to time rules one at a
time (``bench/bench_policy.py --per-rule``); tests use it to compare two servicers on the same requests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .session import PackSession


class _DirectStub:
    """``stub.Analyze(request)`` -> ``servicer.Analyze(request, None)``, as the generated stub's calls look."""

    def __init__(self, servicer: Any) -> None:
        self._servicer = servicer

    def __getattr__(self, name: str) -> Callable[[Any], Any]:
        method = getattr(self._servicer, name)
        return lambda request: method(request, None)


class InProcessPack(PackSession):
    """A :class:`PackSession` over ``servicer`` (an Analyzer servicer object) instead of a started pack."""

    def __init__(self, pack_dir: Path, servicer: Any, *, stack: str, dry_run: bool = True) -> None:
        super().__init__(pack_dir, stack=stack, dry_run=dry_run)
        self.servicer = servicer
        self._stub = _DirectStub(servicer)  # type: ignore[assignment]

    def start(self) -> None:
        """Nothing to start: the servicer is already here."""

    def close(self) -> None:
        """Nothing to stop."""
