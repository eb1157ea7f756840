"""The session cache of recorded plans hands out private copies: what one test mutates, no other test sees."""

from __future__ import annotations

import pytest

from scripts.offline import recorder
from tests import plan_cache


def test_a_mutated_plan_does_not_reach_the_next_caller() -> None:
    first = plan_cache.recorded("dev")
    count = len(first.resources)
    bucket = next(r for r in first.resources if r.inputs)
    key = next(iter(bucket.inputs))
    bucket.inputs[key] = "mutated"
    first.resources.clear()
    first.outputs.clear()

    second = plan_cache.recorded("dev")
    assert len(second.resources) == count > 0
    assert second.get(bucket.urn).inputs[key] != "mutated"  # type: ignore[union-attr]
    assert second.outputs


def test_the_same_stack_and_config_is_recorded_once() -> None:
    plan_cache.recorded("dev")
    before = recorder.RECORDINGS["stack:dev"]
    plan_cache.recorded("dev")
    plan_cache.recorded("dev", recorder.read_stack_config("dev"))
    assert recorder.RECORDINGS["stack:dev"] == before


def test_serving_recorder_answers_the_programs_recordings_from_the_cache() -> None:
    """Scripts that record a stack themselves (plan.py, deploy.py) get the cached plan inside the block; ad-hoc
    programs are still recorded, and the real recorder is back afterwards."""
    real = recorder.record
    expected = plan_cache.recorded("dev")
    before = recorder.RECORDINGS.copy()
    with plan_cache.serving_recorder():
        assert recorder.record is not real
        got = recorder.record(stack="dev")
        adhoc = recorder.record(lambda: None, stack="test", config={})
    assert recorder.record is real
    assert [r.urn for r in got.resources] == [r.urn for r in expected.resources]
    assert adhoc.resources == []
    assert recorder.RECORDINGS - before == {"program": 1}


def test_recordings_are_counted_as_shipped_or_changed_config() -> None:
    import pulumi

    before = recorder.RECORDINGS.copy()
    bad = {**recorder.read_stack_config("dev"), "hybrid-burst:netwrk": {}}
    with pytest.raises(pulumi.RunError):  # refused before any resource: a cheap recording
        recorder.record(stack="dev", config=bad)
    assert recorder.RECORDINGS - before == {"changed:dev": 1}
