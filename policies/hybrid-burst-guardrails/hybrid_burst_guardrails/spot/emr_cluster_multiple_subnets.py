"""EMR clusters built from instance fleets list several subnets, so EMR can pick the AZ with Spot capacity.

With ``ec2Attributes.subnetIds`` (pulumi-aws 7.51.1: "Amazon EMR identifies the best Availability Zone to launch
instances according to your fleet specifications") a fleet cluster launches in whichever listed subnet has the
deepest capacity (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-vpc-subnet.html). Clusters with
instance groups accept one subnet only and are not concerned. A subnet id that is unknown during preview still
counts: the list's length is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.emr import CLUSTER, uses_fleets
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block

RULE_ID = "emr-cluster-multiple-subnets"
DESCRIPTION = "EMR fleet clusters must list several subnets (ec2Attributes.subnetIds) across AZs."
SEVERITY = Severity.MEDIUM
REMEDIATION = "Pass all private subnet ids (one per AZ) as ec2_attributes.subnet_ids instead of a single subnet_id."
CONFIG_SCHEMA: ConfigSchema = {
    "minSubnets": {
        "type": "integer",
        "minimum": 1,
        "maximum": 20,
        "default": 2,
        "description": "Minimum number of distinct subnets a fleet cluster lists.",
    },
}


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    if not uses_fleets(props):
        return ev
    raw = props.get("ec2Attributes")
    if is_unknown(raw):
        ev.unknown("ec2Attributes")
        return ev
    attrs = as_mapping(first_block(raw)) or {}
    subnet_ids = attrs.get("subnetIds")
    if is_unknown(subnet_ids):
        ev.unknown("ec2Attributes.subnetIds")
        return ev
    ids = as_list(subnet_ids) or as_list(attrs.get("subnetId"))
    known = {i for i in ids if not is_unknown(i)}
    count = len(known) + sum(1 for i in ids if is_unknown(i))
    minimum = int(config["minSubnets"])
    if count < minimum:
        ev.fail(f"Fleet cluster lists {count} subnet(s); needs >= {minimum} (one per Availability Zone).")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.SPOT,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
