"""EKS managed node groups with Spot capacity list enough instance types.

``aws:eks/nodeGroup:NodeGroup`` (pulumi-aws 7.51.1 getters ``capacityType``, ``instanceTypes``) and the pulumi-eks
component ``eks:index:ManagedNodeGroup`` (pulumi-eks 4.4.0, same property names, analyzed on its inputs). EKS uses
the capacity-optimized strategy for Spot node groups and recommends many similarly sized types
(https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types).
Instance types given only through a launch template count as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list

RULE_ID = "eks-spot-nodegroup-diversification"
DESCRIPTION = "EKS managed node groups with Spot capacity must list enough instance types."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "List several similarly sized types in instance_types (e.g. m5.xlarge, m5a.xlarge, m6i.xlarge, m6a.xlarge, "
    "m7i.xlarge) on the Spot node group."
)
CONFIG_SCHEMA: ConfigSchema = {
    "minInstanceTypes": {
        "type": "integer",
        "minimum": 1,
        "maximum": 20,
        "default": 5,
        "description": "Minimum distinct instance types in a Spot node group (EKS allows up to 20).",
    },
}

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
PULUMI_EKS_MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    capacity = props.get("capacityType")
    if is_unknown(capacity):
        ev.unknown("capacityType")
        return ev
    if not isinstance(capacity, str) or capacity.upper() != "SPOT":
        return ev
    raw = props.get("instanceTypes")
    if is_unknown(raw):
        ev.unknown("instanceTypes")
        return ev
    types = as_list(raw)
    known = {t for t in types if isinstance(t, str) and not is_unknown(t)}
    unknown = [t for t in types if is_unknown(t)]
    minimum = int(config["minInstanceTypes"])
    count = len(known) + len(unknown)
    if len(known) >= minimum:
        return ev
    if count >= minimum:
        ev.unknown("instanceTypes")
    else:
        shown = ", ".join(sorted(known)) or "none (launch template only)"
        ev.fail(f"Spot node group lists {len(known)} instance type(s) ({shown}); needs >= {minimum}.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({NODE_GROUP, PULUMI_EKS_MANAGED_NODE_GROUP}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
