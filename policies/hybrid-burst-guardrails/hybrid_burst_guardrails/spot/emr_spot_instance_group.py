"""Spot capacity on EMR comes from instance fleets, not from instance groups with a bid price.

An instance group has one instance type, so a Spot group is a single Spot pool: one reclaim empties it, and it has no
allocation strategy or provisioning timeout. ``aws:emr/instanceGroup:InstanceGroup.bidPrice`` and
``aws:emr/cluster:Cluster.coreInstanceGroup.bidPrice`` ("By setting this attribute, the instance group is being
declared as a Spot Instance": pulumi-aws 7.51.1) are flagged. The primary group is covered by
``emr-primary-fleet-on-demand``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.emr import CLUSTER, INSTANCE_GROUP
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_mapping, first_block, is_set

RULE_ID = "emr-spot-instance-group"
DESCRIPTION = "EMR Spot capacity must use instance fleets, not instance groups with a bidPrice."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Replace the Spot instance group with an aws.emr.InstanceFleet (task) or core_instance_fleet listing many "
    "instance types with a price-capacity-optimized allocation strategy; keep instance groups On-Demand only."
)
CONFIG_SCHEMA: ConfigSchema = {}


def check(resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    if resource_type == INSTANCE_GROUP:
        block: Mapping[str, Any] | None = props
        path = "bidPrice"
    else:
        group = props.get("coreInstanceGroup")
        if is_unknown(group):
            ev.unknown("coreInstanceGroup")
            return ev
        block = as_mapping(first_block(group))
        path = "coreInstanceGroup.bidPrice"
    if block is None:
        return ev
    bid = block.get("bidPrice")
    if is_unknown(bid):
        ev.unknown(path)
    elif is_set(bid):
        itype = block.get("instanceType")
        ev.fail(f"{path} is {bid!r}: a single-type ({itype}) Spot instance group; use an instance fleet for Spot.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER, INSTANCE_GROUP}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
