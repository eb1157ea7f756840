"""bench/bench_policy.py runs and prints what it promises, on small inputs. No timing is asserted: speed lives in the
benchmark's output (docs/performance.md), not in tests."""

from __future__ import annotations

import json
import re

import pytest

from bench import bench_policy


def rule_ids() -> list[str]:
    bench_policy._import_pack()
    from hybrid_burst_guardrails.registry import build_registry

    return build_registry().ids


def test_per_rule_table_has_a_row_per_rule_and_the_totals(capsys: pytest.CaptureFixture[str]) -> None:
    plans = {"prod": bench_policy.generate_stack(130)}
    configs = {"prod": json.loads(bench_policy.CONFIG.read_text())}
    rows, totals = bench_policy.time_rules(plans, configs, 1, isolate_gc=False)
    ids = rule_ids()
    assert sorted(r.rule_id for r in rows) == sorted(ids)
    assert [r.cpu_s for r in rows] == sorted((r.cpu_s for r in rows), reverse=True), "most expensive first"
    assert all(r.cpu_s >= 0 and r.own_s >= 0 for r in rows)
    assert totals["resources"] == 130
    assert sum(r.own_s for r in rows) > 0, "the rules that read the generated types ran"

    bench_policy.print_rule_times(rows, totals, "test")
    out = capsys.readouterr().out
    printed = {
        m.group(1)
        for m in re.finditer(r"^([a-z0-9-]+)\s+(?:encryption|least-privilege|spot|observability)\s", out, re.MULTILINE)
    }
    assert printed == set(ids)
    for line in ("sum of the rules", "all rules together", "baseline: every rule disabled", "pack ms/resource:"):
        assert line in out


def test_the_stock_servicer_can_be_timed_for_a_before_after() -> None:
    plans = {"prod": bench_policy.generate_stack(70)}
    configs = {"prod": json.loads(bench_policy.CONFIG.read_text())}
    rows, _ = bench_policy.time_rules(plans, configs, 1, stock=True, isolate_gc=False)
    assert sorted(r.rule_id for r in rows) == sorted(rule_ids())


@pytest.mark.slow
def test_the_generated_stack_table_still_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """The table from before (the pack started as the CLI starts it, over the Analyzer protocol)."""
    assert bench_policy.main(["--sizes", "80", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert "policy pack benchmark: hybrid-burst-guardrails" in out
    assert re.search(r"^\s+80\s+[\d.]+\s+[\d.]+", out, re.MULTILINE), out
