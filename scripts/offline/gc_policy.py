"""The one place that sets Python's cyclic garbage collector: for the program itself (``__main__.py``, so under
``pulumi preview``/``up`` too), the offline plan, the benchmarks and the tests.

Why: a recording builds hundreds of thousands of small, long-lived objects (Outputs, futures, protobuf messages,
resource objects) on top of the ~1 M objects that importing pulumi_aws leaves behind. With CPython's default
thresholds (700, 10, 10) the collector keeps re-scanning all of them, and the full collections grow with the heap,
which made recording cost super-linear. docs/performance.md ("The collector") has the measurement that chose the
policy below; ``bench/bench_plan.py --floor --gc default freeze threshold freeze+threshold`` repeats it.

Policy ``threshold`` (the default, the fastest of the four in docs/performance.md):

- ``gc.set_threshold(50_000, 20, 100)``: a young collection every 50,000 net allocations instead of 700, and a
  full one every 20 x 100 young-generation promotions. Garbage cycles are still collected, in fewer, larger passes;
  peak memory stayed within 3 MiB of the default (measured in docs/performance.md).

The alternatives measured: ``freeze`` (``gc.freeze()`` once the SDKs are imported: import-time objects are never
scanned again) and ``freeze+threshold``; the freeze's own full collection cost about what it saved.

``HB_GC_POLICY`` (``default``, ``freeze``, ``threshold``, ``freeze+threshold``) overrides the choice, so that a
benchmark can compare policies with everything else equal. Entry points call :func:`apply` before their heavy
imports and :func:`freeze_imports` after them (``apply_after_imports`` does both for code that has already
imported everything).
"""

from __future__ import annotations

import gc
import os

POLICIES = ("default", "freeze", "threshold", "freeze+threshold")
DEFAULT_POLICY = "threshold"
THRESHOLDS = (50_000, 20, 100)
"""gen0 allocations, gen0 collections per gen1, gen1 collections per gen2 (``gc.set_threshold``)."""
ENV = "HB_GC_POLICY"

_STATE: dict[str, str | bool] = {"applied": "", "frozen": False}


def policy() -> str:
    """The policy in force for this process: ``$HB_GC_POLICY`` if set, else :data:`DEFAULT_POLICY`."""
    chosen = os.environ.get(ENV, DEFAULT_POLICY)
    if chosen not in POLICIES:
        raise SystemExit(f"error: {ENV}={chosen!r} is not a GC policy; use one of {', '.join(POLICIES)}")
    return chosen


def apply() -> str:
    """Set the collector's thresholds for this process (idempotent); returns the policy name."""
    chosen = policy()
    if _STATE["applied"] != chosen and "threshold" in chosen:
        gc.set_threshold(*THRESHOLDS)
    _STATE["applied"] = chosen
    return chosen


def preload() -> None:
    """Import what every recording imports (the SDKs, the config models), so that a freeze covers it."""
    import pulumi
    import pulumi.runtime  # noqa: F401
    import pulumi_aws  # noqa: F401
    import pydantic  # noqa: F401
    import yaml  # noqa: F401


def freeze_imports() -> None:
    """Under a ``freeze`` policy: import the SDKs, collect once, and freeze every object alive (once per process)."""
    if _STATE["frozen"] or "freeze" not in policy():
        return
    preload()
    freeze_survivors()
    _STATE["frozen"] = True


def freeze_survivors() -> None:
    """Collect once, then move every object still alive into the permanent generation (``gc.freeze``), so that no
    later collection scans them again; a no-op under the ``default`` policy (the stock collector, for comparisons).

    For the test session (``tests/conftest.py``): once the test modules are imported, and again when the session
    ends, before pytest's own end-of-session collections (its unraisable-exception check runs ``gc.collect()`` five
    times; the one collection here still runs every pending finalizer while pytest's hook is installed, so what
    they raise is still reported). A pytest-xdist worker ends with 1.1-1.7 M objects alive and one full collection
    of them costs 1.0-1.7 CPU s (docs/performance.md, "The test suite"). Objects frozen are never freed: only call
    this where what is alive stays alive (imported modules) or the process is about to exit.
    """
    if policy() == "default":
        return
    gc.collect()
    gc.freeze()


def apply_after_imports() -> str:
    """:func:`apply` then :func:`freeze_imports`: the whole policy, for entry points."""
    chosen = apply()
    freeze_imports()
    return chosen
