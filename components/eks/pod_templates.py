"""Pod templates that place Spark drivers and executors on EMR on EKS (pure; uploaded by ``SparkJobTemplate``).

EMR on EKS reads pod templates from S3 with the job execution role (``spark.kubernetes.driver.podTemplateFile`` /
``spark.kubernetes.executor.podTemplateFile``; https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/
pod-templates.html). Drivers go to On-Demand nodes and are marked ``karpenter.sh/do-not-disrupt`` (losing a driver
loses the job); executors go to Spot nodes (a lost executor's tasks are retried; decommissioning moves its shuffle
blocks). The files are JSON, which every YAML 1.2 parser reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from components.eks.karpenter import DRIVER_POOL, EXECUTOR_POOL, POOL_LABEL, TAINT_KEY

# Labels of the managed node groups (components/eks/emr_on_eks.py) used when Karpenter is off.
MANAGED_SPOT_POOL = "spark-spot"
MANAGED_SYSTEM_POOL = "system"


@dataclass(frozen=True)
class Placement:
    """Where a Spark role's pods go: node labels to select, and the taint to tolerate (if any)."""

    node_selector: dict[str, str]
    toleration: dict[str, str] | None = None
    do_not_disrupt: bool = False


def placements(*, karpenter: bool) -> dict[str, Placement]:
    """Driver and executor placement: Karpenter's pools when it runs, else the managed node groups."""
    if not karpenter:
        return {
            "driver": Placement({POOL_LABEL: MANAGED_SYSTEM_POOL, "eks.amazonaws.com/capacityType": "ON_DEMAND"}),
            "executor": Placement({POOL_LABEL: MANAGED_SPOT_POOL, "eks.amazonaws.com/capacityType": "SPOT"}),
        }

    def tolerate(pool: str) -> dict[str, str]:
        return {"key": TAINT_KEY, "operator": "Equal", "value": pool, "effect": "NoSchedule"}

    return {
        "driver": Placement(
            {POOL_LABEL: DRIVER_POOL, "karpenter.sh/capacity-type": "on-demand"},
            tolerate(DRIVER_POOL),
            do_not_disrupt=True,
        ),
        "executor": Placement(
            {POOL_LABEL: EXECUTOR_POOL, "karpenter.sh/capacity-type": "spot"}, tolerate(EXECUTOR_POOL)
        ),
    }


def pod_template(role: str, placement: Placement) -> dict[str, Any]:
    """A pod template for ``role`` (driver or executor)."""
    if role not in {"driver", "executor"}:
        raise ValueError(f"pod template role must be driver or executor, got {role!r}")
    spec: dict[str, Any] = {"nodeSelector": dict(placement.node_selector)}
    if placement.toleration:
        spec["tolerations"] = [dict(placement.toleration)]
    metadata: dict[str, Any] = {"labels": {"hybrid-burst/spark-role": role}}
    if placement.do_not_disrupt:
        # Karpenter does not voluntarily disrupt a node running such a pod (https://karpenter.sh/docs/concepts/disruption/).
        metadata["annotations"] = {"karpenter.sh/do-not-disrupt": "true"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def render(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2, sort_keys=True) + "\n"
