"""Shared fixtures: every test gets a fresh Pulumi runtime (settings, root stack, config) and builds its resources
inside the test, never at import time.

Session-wide: the project's GC policy (``scripts/offline/gc_policy.py``: thresholds at start, a collection and a
freeze once the tests are collected and again when the session ends), plans of the real program recorded once per
(stack, config) (``tests/plan_cache.py``), and at the end the number of recordings the session made (summed over
pytest-xdist workers).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from scripts.offline import gc_policy

gc_policy.apply()

import pulumi  # noqa: E402
import pulumi_aws as aws  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from scripts.offline import recorder  # noqa: E402
from scripts.offline.recorder import Plan, record  # noqa: E402
from tests import plan_cache  # noqa: E402

# Hypothesis profiles (tests/components/config/test_mutated_stack_files.py). ``ci``, the default: derandomized (the
# same examples on every run and machine, no example database), few enough examples to stay within seconds.
# ``long``, for local bug hunts: ``pytest --hypothesis-profile=long <test file>`` (random, many examples).
settings.register_profile("ci", derandomize=True, database=None, max_examples=80, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile("ci")  # the plugin loads --hypothesis-profile after this file, so the option still wins


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every test module is imported now: freeze what is alive (gc_policy: those objects live for the session)."""
    gc_policy.freeze_survivors()


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session is over: one collection, then freeze, so that pytest's five end-of-session collections (its
    unraisable-exception check) no longer re-scan the worker's million live objects (gc_policy.freeze_survivors)."""
    gc_policy.freeze_survivors()


@pytest.fixture(scope="session", autouse=True)
def _share_recordings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under pytest-xdist, workers share recorded plans through the run's common temporary directory."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        plan_cache.share_through(Path(tmp_path_factory.getbasetemp().parent) / "recorded-plans")


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["recordings"] = dict(recorder.RECORDINGS)


_WORKER_RECORDINGS: Counter[str] = Counter()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    _WORKER_RECORDINGS.update(getattr(node, "workeroutput", {}).get("recordings", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = recorder.RECORDINGS + _WORKER_RECORDINGS

    def by_stack(prefix: str) -> str:
        found = {k.removeprefix(prefix): v for k, v in sorted(counts.items()) if k.startswith(prefix)}
        return f"{sum(found.values())} ({', '.join(f'{k} {v}' for k, v in found.items()) or 'none'})"

    terminalreporter.write_line(
        f"recordings this session: the shipped stack files {by_stack('stack:')}, the program with a changed config "
        f"{by_stack('changed:')}, {counts['program']} ad-hoc test programs"
    )


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
    """The real program's plan (``__main__.py``) for a stack; ``config`` replaces the stack file's config.

    Recorded once per session and (stack, config) (``tests/plan_cache.py``); each call returns a private copy."""

    def run(stack: str = "dev", config: Mapping[str, Any] | None = None) -> Plan:
        return plan_cache.recorded(stack, config)

    return run


@pytest.fixture
def recorder_from_cache() -> Iterator[None]:
    """For tests of scripts that record a stack themselves (``scripts/plan.py``, ``scripts/ops/deploy.py``): their
    recordings of the project's program come from the session cache (``tests/plan_cache.py``)."""
    with plan_cache.serving_recorder():
        yield


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
