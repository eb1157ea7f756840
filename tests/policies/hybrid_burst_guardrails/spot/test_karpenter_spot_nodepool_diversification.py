"""karpenter-spot-nodepool-diversification: Spot NodePools allow at least minFamilies instance families."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.spot.karpenter_spot_nodepool_diversification import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

NP = "kubernetes:karpenter.sh/v1:NodePool"
SPOT = {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}
ON_DEMAND = {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}


def families(*names: str, **extra: Any) -> dict[str, Any]:
    return {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": list(names), **extra}


def types(*names: str) -> dict[str, Any]:
    return {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": list(names)}


def pool(*requirements: Any) -> dict[str, Any]:
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": "spark-executors"},
        "spec": {"template": {"spec": {"requirements": list(requirements), "nodeClassRef": {"name": "default"}}}},
    }


CASES = [
    pytest.param(pool(SPOT, families("m5", "m6i", "r5")), None, Expect.PASS, "", id="compliant"),
    pytest.param(
        pool(SPOT, {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["m", "r"]}),
        None,
        Expect.PASS,
        "",
        id="compliant-not-narrowed-by-family",
    ),
    pytest.param(pool(ON_DEMAND, families("m5")), None, Expect.PASS, "", id="compliant-on-demand-only"),
    pytest.param(pool(families("m5")), None, Expect.PASS, "", id="compliant-default-capacity-on-demand"),
    pytest.param(
        pool(SPOT, families("m5", "m6i", minValues=3), types("m5.xlarge")),
        None,
        Expect.PASS,
        "",
        id="compliant-min-values-enforced-by-karpenter",
    ),
    pytest.param(pool(SPOT, families("m5", "m6i")), None, Expect.FAIL, "only 2 instance family", id="non-compliant"),
    pytest.param(
        pool({"key": "karpenter.sh/capacity-type", "operator": "Exists"}, types("m5.xlarge", "m5.2xlarge")),
        None,
        Expect.FAIL,
        "(m5)",
        id="non-compliant-types-of-one-family",
    ),
    pytest.param(
        pool(SPOT, families("m5", "m6i", "r5"), types("m5.xlarge", "c5.xlarge")),
        None,
        Expect.FAIL,
        "only 1",
        id="non-compliant-intersection",
    ),
    pytest.param({"spec": {}}, None, Expect.PASS, "", id="missing-property"),
    pytest.param(pool(SPOT, families(UNKNOWN)), None, Expect.UNKNOWN, "values", id="unknown-families"),
    pytest.param({"spec": UNKNOWN}, None, Expect.UNKNOWN, "requirements", id="unknown-spec"),
    pytest.param(
        pool(SPOT, families("m5", "m6i")), {"minFamilies": 2}, Expect.PASS, "", id="config-override-min-families"
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(NP, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, NP, pool(SPOT, families("m5"))).reports) == 1
