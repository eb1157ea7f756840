"""The stack layer: plain functions that wire the components for one stack, in one direction.

config -> sites -> network -> lake storage -> EMR on EKS -> lake governance -> EMR clusters -> operations -> outputs

Each step takes the typed config and the results it needs and returns a typed result; no step reaches back into an
earlier one. Plain functions, not component resources: every resource keeps the URN it had when ``__main__.py``
built it directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import ConfigError, StackConfig, from_pulumi
from components.config.lake import EMR_ON_EKS_JOB
from components.eks.emr_on_eks import EmrOnEks
from components.emr.fleets.plan import ClusterFleets
from components.emr.fleets.validate import plan_stack_fleets
from components.lake.lake_governance import LakeGovernance
from components.platform.providers import RegionalProviders

from .eks import EksWorkloads, build_eks_workloads, build_emr_on_eks
from .emr import Clusters, build_clusters, instance_role_path
from .lake import LakeStorage, build_governance, build_storage
from .network import Network, build_network
from .observability import Operations, build_operations
from .outputs import export
from .sites import Sites, build_sites

__all__ = ["Platform", "compose", "export", "load"]


@dataclass(frozen=True)
class Platform:
    """Everything one stack deploys, by domain."""

    cfg: StackConfig
    sites: Sites
    network: Network
    storage: LakeStorage
    emr_on_eks: EmrOnEks | None
    eks_workloads: EksWorkloads | None
    lake: LakeGovernance
    clusters: Clusters
    operations: Operations


def load() -> tuple[StackConfig, Mapping[str, ClusterFleets]]:
    """The validated stack config and both clusters' fleets, checked against the EMR API model.

    Bad input raises ``pulumi.RunError`` (the CLI prints the message without a traceback and exits non-zero)
    before any resource is registered.
    """
    try:
        cfg = from_pulumi()
        return cfg, plan_stack_fleets(cfg)
    except (ConfigError, ValueError) as err:
        raise pulumi.RunError(str(err)) from None


def compose(cfg: StackConfig, providers: RegionalProviders, fleets: Mapping[str, ClusterFleets]) -> Platform:
    sites = build_sites(cfg, providers)
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=providers.compute)).account_id
    network = build_network(cfg, sites, account_id)
    storage = build_storage(cfg, sites, account_id, network)
    emr_on_eks = build_emr_on_eks(cfg, sites, account_id, network, storage)
    role_path = instance_role_path()
    lake = build_governance(
        cfg,
        sites,
        account_id,
        storage,
        emr_instance_role_path=role_path,
        principal_arns={EMR_ON_EKS_JOB: emr_on_eks.job_role_arn}
        if emr_on_eks is not None and EMR_ON_EKS_JOB in cfg.lake.principals
        else {},
    )
    clusters = build_clusters(
        cfg,
        sites,
        account_id=account_id,
        network=network,
        storage=storage,
        lake=lake,
        fleets=fleets,
        role_path=role_path,
    )
    eks_workloads = build_eks_workloads(
        cfg, sites, account_id, network=network, storage=storage, emr_on_eks=emr_on_eks,
        burst_master_dns=clusters.burst.master_private_dns,
    )
    operations = build_operations(cfg, sites, account_id, network, clusters)
    return Platform(
        cfg=cfg,
        sites=sites,
        network=network,
        storage=storage,
        emr_on_eks=emr_on_eks,
        eks_workloads=eks_workloads,
        lake=lake,
        clusters=clusters,
        operations=operations,
    )
