"""Deploy critical path: graph rules on synthetic plans, and the parallel clusters of the real program."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.offline.critical_path import (
    CreationTime,
    critical_path,
    dependency_graph,
    load_creation_times,
    waits_for,
)
from scripts.offline.recorder import Plan, RecordedResource
from tests.components.emr._stack_plans import recorded

TIMES = {
    "t:slow": CreationTime(100, "estimate", "test"),
    "t:fast": CreationTime(10, "estimate", "test"),
    "*": CreationTime(1, "estimate", "test"),
}


def _res(
    name: str,
    type_: str = "t:fast",
    *,
    custom: bool = True,
    parent: str | None = None,
    deps: tuple[str, ...] = (),
    props: dict[str, list[str]] | None = None,
) -> RecordedResource:
    return RecordedResource(
        urn=f"urn:{name}",
        type=type_,
        name=name,
        custom=custom,
        id=name,
        parent=parent and f"urn:{parent}",
        provider=None,
        region=None,
        inputs={},
        outputs={},
        dependencies=[f"urn:{d}" for d in deps],
        property_dependencies={k: [f"urn:{u}" for u in v] for k, v in (props or {}).items()},
        options={},
    )


def _plan(*resources: RecordedResource) -> Plan:
    return Plan(stack="t", resources=list(resources), outputs={})


def test_longest_chain_over_dependencies_and_property_dependencies() -> None:
    plan = _plan(
        _res("a", "t:slow"),
        _res("b", deps=("a",)),
        _res("c", props={"x": ["b"]}),
        _res("d", "t:slow"),
    )
    path = critical_path(plan, TIMES)
    assert [s.name for s in path.steps] == ["a", "b", "c"]
    assert path.total_seconds == 120
    assert path.serial_seconds == 220


def test_waiting_on_a_component_waits_for_its_descendants_but_a_component_parent_is_not_waited_on() -> None:
    plan = _plan(
        _res("comp", "hybrid-burst:x:Comp", custom=False),
        _res("inner", "t:slow", parent="comp"),
        _res("sub", "hybrid-burst:x:Sub", custom=False, parent="comp"),
        _res("deep", "t:fast", parent="sub"),
        _res("user", deps=("comp",)),
    )
    graph = dependency_graph(plan)
    assert graph["urn:user"] == {"urn:inner", "urn:deep"}
    assert graph["urn:inner"] == set(), "component parent is not a dependency"
    assert critical_path(plan, TIMES).total_seconds == 110


def test_a_custom_parent_is_waited_on_and_unknown_types_take_the_default() -> None:
    plan = _plan(_res("p", "t:slow"), _res("child", "t:other", parent="p"))
    assert waits_for(plan, "urn:child", "urn:p")
    assert critical_path(plan, TIMES).total_seconds == 101


def test_cycles_are_reported() -> None:
    with pytest.raises(ValueError, match="cycle"):
        critical_path(_plan(_res("a", deps=("b",)), _res("b", deps=("a",))), TIMES)


def test_creation_times_table_has_sources_and_a_default() -> None:
    times = load_creation_times()
    assert "*" in times
    assert all(t.source and t.basis in {"reported", "estimate"} for t in times.values())
    assert 600 <= times["aws:emr/cluster:Cluster"].seconds <= 900


@pytest.fixture(scope="module")
def dev_plan() -> Any:
    return recorded("dev")


def test_no_dependency_chain_between_the_two_clusters(dev_plan: Plan) -> None:
    onprem = dev_plan.one("aws:emr/cluster:Cluster", "onprem-cluster")
    burst = dev_plan.one("aws:emr/cluster:Cluster", "burst-cluster")
    assert not waits_for(dev_plan, burst.urn, onprem.urn), "the burst cluster must not wait for the on-prem one"
    assert not waits_for(dev_plan, onprem.urn, burst.urn)
    burst_fleet = dev_plan.one("aws:emr/instanceFleet:InstanceFleet", "burst-task")
    assert not waits_for(dev_plan, burst_fleet.urn, onprem.urn)
    # Within the EMR section only the DNS records follow the on-prem cluster (alarms and dashboards of other
    # sections may, they are not on the path to a usable burst cluster).
    emr = [r for r in dev_plan.custom_resources if (dev_plan.component_of(r) or r).type.startswith("hybrid-burst:emr:")]
    followers = [r.name for r in emr if waits_for(dev_plan, r.urn, onprem.urn)]
    assert sorted(followers) == ["onprem-endpoints-metastore", "onprem-endpoints-namenode"]


def test_critical_path_is_one_cluster_creation_plus_its_task_fleet(dev_plan: Plan) -> None:
    times = load_creation_times()
    path = critical_path(dev_plan, times)
    cluster_and_fleet = times["aws:emr/cluster:Cluster"].seconds + times["aws:emr/instanceFleet:InstanceFleet"].seconds
    emr_steps = [s.type for s in path.steps if s.type.startswith("aws:emr/")]
    assert emr_steps == ["aws:emr/cluster:Cluster", "aws:emr/instanceFleet:InstanceFleet"]
    assert cluster_and_fleet <= path.total_seconds <= cluster_and_fleet + 180
    assert path.total_seconds < 2 * times["aws:emr/cluster:Cluster"].seconds
    assert "deploy critical path of stack dev" in path.format()
