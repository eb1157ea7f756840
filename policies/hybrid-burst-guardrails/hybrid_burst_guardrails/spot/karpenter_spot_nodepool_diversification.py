"""Karpenter node pools that may launch Spot allow several instance families.

A Karpenter v1 ``NodePool`` (``karpenter.sh/v1``; registered through ``kubernetes.apiextensions.CustomResource`` as
``kubernetes:karpenter.sh/v1:NodePool``, the token pulumi-kubernetes 4.34 builds as
``f"kubernetes:{api_version}:{kind}"``) constrains the nodes it launches with
``spec.template.spec.requirements[]`` (``key``, ``operator`` ``In``/``NotIn``/``Exists``/``DoesNotExist``/``Gt``/
``Lt``, ``values``, ``minValues``); https://karpenter.sh/docs/concepts/nodepools/ and
https://karpenter.sh/docs/concepts/scheduling/:

- Spot is allowed when the ``karpenter.sh/capacity-type`` requirement admits ``spot`` (``In`` with ``spot``,
  ``NotIn`` without it, ``Exists``). Without such a requirement Karpenter's AWS provider defaults the pool to
  ``on-demand``, so the pool is not concerned.
- Families come from ``karpenter.k8s.aws/instance-family`` (``In`` values) and ``node.kubernetes.io/instance-type``
  (``In`` values, family = the part before the dot); both narrow (their intersection). ``NotIn``/``Exists`` or no
  such requirement leave every family Karpenter supports open, which is diversified.
- ``minValues`` on the family (or instance-type) requirement makes Karpenter itself insist on that many: it counts
  when it reaches ``minFamilies``.

Spot capacity is reclaimed per capacity pool (instance type x AZ); a pool pinned to one or two families cannot fall
back when those are short (AWS, "Best practices for EC2 Spot": be flexible across instance types and families).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_int
from hybrid_burst_guardrails.core.emr import family_of
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import contains_unknown, is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, join_path

RULE_ID = "karpenter-spot-nodepool-diversification"
DESCRIPTION = "Karpenter NodePools that allow Spot must allow enough instance families."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "In the NodePool's spec.template.spec.requirements list several families, e.g. {key: "
    "'karpenter.k8s.aws/instance-family', operator: 'In', values: ['m5', 'm6i', 'm6a', 'm7i', 'r5', 'r6i'], "
    "minValues: 3}, or select by karpenter.k8s.aws/instance-category/instance-cpu instead of naming types."
)
CONFIG_SCHEMA: ConfigSchema = {
    "minFamilies": {
        "type": "integer",
        "minimum": 1,
        "default": 3,
        "description": "Fewest instance families a Spot NodePool must allow.",
    },
}

NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
#: The same shape under v1beta1 (Karpenter 0.33-0.37).
NODE_POOL_V1BETA1 = "kubernetes:karpenter.sh/v1beta1:NodePool"
CAPACITY_TYPE = "karpenter.sh/capacity-type"
FAMILY = "karpenter.k8s.aws/instance-family"
INSTANCE_TYPE = "node.kubernetes.io/instance-type"
BASE = "spec.template.spec.requirements"


def _requirements(props: Mapping[str, Any]) -> object:
    value: object = props.get("spec")
    for key in ("template", "spec", "requirements"):
        if is_unknown(value):
            return value
        block = as_mapping(value)
        if block is None:
            return None
        value = block.get(key)
    return value


def _allows_spot(req: Mapping[str, Any]) -> bool:
    operator, values = req.get("operator"), [str(v) for v in as_list(req.get("values"))]
    if operator == "In":
        return "spot" in values
    if operator == "NotIn":
        return "spot" not in values
    return operator == "Exists"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    raw = _requirements(props)
    if is_unknown(raw):
        ev.unknown(BASE)
        return ev
    reqs = [(i, r) for i, r in enumerate(as_list(raw)) if isinstance(r, Mapping)]
    if any(contains_unknown(r.get("key")) or contains_unknown(r.get("operator")) for _, r in reqs):
        ev.unknown(join_path(BASE, "key/operator"))
        return ev
    capacity = [r for _, r in reqs if r.get("key") == CAPACITY_TYPE]
    if not capacity:
        return ev  # Karpenter's AWS provider defaults to on-demand
    if any(contains_unknown(r.get("values")) for r in capacity):
        ev.unknown(join_path(BASE, CAPACITY_TYPE))
        return ev
    if not all(_allows_spot(r) for r in capacity):
        return ev
    minimum = int(config["minFamilies"])
    families: set[str] | None = None  # None: not narrowed
    for i, req in reqs:
        key, operator = req.get("key"), req.get("operator")
        if key not in (FAMILY, INSTANCE_TYPE):
            continue
        min_values = provider_int(req.get("minValues"))
        if key == FAMILY and isinstance(min_values, int) and min_values >= minimum:
            return ev  # Karpenter enforces the flexibility itself
        if operator != "In":
            continue
        values = req.get("values")
        if contains_unknown(values):
            ev.unknown(join_path(BASE, i, "values"))
            return ev
        listed = {str(v) if key == FAMILY else family_of(str(v)) for v in as_list(values)}
        families = listed if families is None else families & listed
    if families is not None and len(families) < minimum:
        shown = ", ".join(sorted(families)) or "none"
        ev.fail(
            f"The NodePool allows Spot but only {len(families)} instance family(ies) ({shown}); at least {minimum} "
            "are required."
        )
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({NODE_POOL, NODE_POOL_V1BETA1}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
