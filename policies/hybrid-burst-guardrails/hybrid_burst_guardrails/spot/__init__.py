"""Spot-diversification family: EMR fleets, EKS node groups and Karpenter node pools that survive Spot reclaims."""

from hybrid_burst_guardrails.core.rule import Rule

from . import (
    eks_spot_nodegroup_diversification,
    emr_cluster_multiple_subnets,
    emr_fleet_allocation_strategy,
    emr_fleet_spot_diversification,
    emr_fleet_spot_timeout,
    emr_primary_fleet_on_demand,
    emr_spot_instance_group,
    karpenter_spot_nodepool_diversification,
)

RULES: tuple[Rule, ...] = (
    emr_fleet_spot_diversification.RULE,
    emr_fleet_allocation_strategy.RULE,
    emr_fleet_spot_timeout.RULE,
    emr_cluster_multiple_subnets.RULE,
    emr_primary_fleet_on_demand.RULE,
    eks_spot_nodegroup_diversification.RULE,
    emr_spot_instance_group.RULE,
    karpenter_spot_nodepool_diversification.RULE,
)

__all__ = ["RULES"]
