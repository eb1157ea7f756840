"""The collector policy (scripts/offline/gc_policy.py), each case in a fresh interpreter: the policy changes
process-wide state (thresholds, the permanent generation) that the test session itself relies on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.offline import gc_policy

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc, json
from scripts.offline import gc_policy
before = gc.get_threshold()
chosen = gc_policy.apply()
garbage = []
garbage.append(garbage)  # a cycle: freeze_survivors collects it before freezing
del garbage
gc_policy.freeze_survivors()
print(json.dumps({"chosen": chosen, "before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def _probe(policy: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != gc_policy.ENV}
    if policy is not None:
        env[gc_policy.ENV] = policy
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60
    )


def test_the_default_policy_sets_the_thresholds_and_freezes_the_survivors() -> None:
    result = json.loads(_probe(None).stdout)
    assert result["chosen"] == gc_policy.DEFAULT_POLICY == "threshold"
    assert tuple(result["before"]) == (700, 10, 10), "CPython's own thresholds before apply()"
    assert tuple(result["after"]) == gc_policy.THRESHOLDS
    assert result["frozen"] > 1000, "every object alive (the interpreter's own included) moved to the permanent gen"


def test_the_stock_collector_is_left_alone_for_comparisons() -> None:
    result = json.loads(_probe("default").stdout)
    assert result["chosen"] == "default"
    assert tuple(result["after"]) == (700, 10, 10)
    assert result["frozen"] == 0


@pytest.mark.parametrize("policy", ["freeze", "freeze+threshold"])
def test_named_policies_are_accepted(policy: str) -> None:
    result = json.loads(_probe(policy).stdout)
    assert result["chosen"] == policy
    assert (tuple(result["after"]) == gc_policy.THRESHOLDS) == ("threshold" in policy)


def test_an_unknown_policy_is_refused_naming_the_variable_and_the_choices() -> None:
    proc = _probe("off")
    assert proc.returncode != 0
    assert "HB_GC_POLICY='off' is not a GC policy" in proc.stderr
    assert "default, freeze, threshold, freeze+threshold" in proc.stderr
