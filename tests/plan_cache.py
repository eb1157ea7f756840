"""Recorded plans of the real program, shared by the whole test session: each (stack, config) is recorded once.

A recording of a stack costs seconds of CPU; the suite reads the same few plans in dozens of modules. ``recorded``
records a (stack, config) pair the first time any test asks for it and keeps the result as a pickle; every call
returns a NEW ``Plan`` unpickled from it, so a test that mutates what it got (a list, an inputs dict) cannot change
what another test sees (``tests/test_plan_cache.py`` proves it). Tests that need a changed config pass it and get
their own entry; a recording that raises (a config error) is not cached, it raises again on the next call.

Tests of the scripts that record a stack themselves (``scripts/plan.py``, ``scripts/ops/deploy.py``) run them inside
``serving_recorder()``, which answers their recordings of the project's program from this cache.

Under pytest-xdist the workers share the cache through files in the session's common temporary directory, one file
per key, written under a per-key ``flock``: the first worker to ask records, the other waits and loads the file.
``scripts.offline.recorder.RECORDINGS`` counts the recordings; the session prints the total at the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scripts.offline import recorder
from scripts.offline.recorder import Plan, read_stack_config, record

_MEMORY: dict[str, bytes] = {}
_SHARED: list[Path] = []


def share_through(directory: Path | None) -> None:
    """Let worker processes share recordings through ``directory`` (None: this process only)."""
    _SHARED.clear()
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        _SHARED.append(directory)


def _key(stack: str, config: Mapping[str, Any]) -> str:
    text = json.dumps({"stack": stack, "config": config}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _record_fresh(stack: str, config: Mapping[str, Any]) -> bytes:
    """Record outside any test's runtime (the Pulumi runtime is reset before and after)."""
    from pulumi.runtime import settings
    from pulumi.runtime.config import set_all_config

    settings.ROOT.set(None)
    set_all_config({}, [])
    try:
        plan = record(stack=stack, config=config)
    finally:
        settings.ROOT.set(None)
        set_all_config({}, [])
    return pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)


def _blob(stack: str, config: Mapping[str, Any]) -> bytes:
    key = f"{stack}-{_key(stack, config)}"
    blob = _MEMORY.get(key)
    if blob is not None:
        return blob
    if not _SHARED:
        blob = _record_fresh(stack, config)
    else:
        path = _SHARED[0] / f"{key}.pickle"
        with (_SHARED[0] / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():
                blob = path.read_bytes()
            else:
                blob = _record_fresh(stack, config)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(blob)
                tmp.replace(path)
    _MEMORY[key] = blob
    return blob


def recorded(stack: str, config: Mapping[str, Any] | None = None) -> Plan:
    """The plan of ``stack`` (``config`` replaces the stack file's config), recorded once per session.

    Returns a private copy: mutate it freely, the cache and other tests do not see it.
    """
    cfg = dict(read_stack_config(stack) if config is None else config)
    plan: Plan = pickle.loads(_blob(stack, cfg))  # noqa: S301 - our own pickle, written by this session
    return plan


@contextmanager
def serving_recorder() -> Iterator[None]:
    """Within the block, ``scripts.offline.recorder.record`` of the project's program (no ``program``, not a
    preview) answers from this cache: for tests of scripts that record a stack (``scripts/plan.py``,
    ``scripts/ops/deploy.py``), which test the script, not the recording. Ad-hoc programs and previews are recorded
    as usual; the recording itself is tested in ``tests/scripts/offline/test_recorder.py``."""
    real: Callable[..., Plan] = recorder.record

    def cached(
        program: Callable[[], Any] | None = None,
        *,
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        preview: bool = False,
    ) -> Plan:
        if program is not None or preview:
            return real(program, stack=stack, config=config, preview=preview)
        return recorded(stack, config)

    recorder.record = cached  # type: ignore[assignment]
    try:
        yield
    finally:
        recorder.record = real  # type: ignore[assignment]
