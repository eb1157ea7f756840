"""The session cache of recorded plans hands out private copies: what one test mutates, no other test sees."""

from __future__ import annotations

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
