"""The two sides of the burst, each named once: the on-prem proxy and the burst compute region.

A side has two names because two kinds of things hang off it. The network, the keys, the storage zones and the
alarm topic are named by the region's role (``onprem``, ``compute``); the EMR cluster, its telemetry and its alarms
by the cluster's role (``onprem``, ``burst``). This module is the only place that pairs them; everything else asks a
``Site`` for ``side`` or ``cluster``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pulumi_aws as aws

from components.config import StackConfig
from components.config.emr import ClusterCapacityConfig
from components.config.network import NetworkSide
from components.platform.providers import RegionalProviders


@dataclass(frozen=True)
class Site:
    """One side of the burst: where it runs and what runs there."""

    side: str
    """Name of the region's role (``onprem`` or ``compute``): network, keys, zones, alarm topic, outputs
    ``<side>_*``."""
    cluster: str
    """Name of the EMR cluster there (``onprem`` or ``burst``): cluster, telemetry, alarms, outputs ``<cluster>_*``."""
    region: str
    provider: aws.Provider
    """The region's explicit provider: every resource of this side gets it through ``opts``."""
    network: NetworkSide
    """The side's network config (``hybrid-burst:network.<side>``)."""
    capacity: ClusterCapacityConfig
    """The cluster's fleets as configured (``hybrid-burst:emr.<cluster>``)."""
    applications: tuple[str, ...]
    """Applications of the cluster whose logs get a log group of their own."""
    lake_zones: tuple[str, ...]
    """Storage zones in this region: EMR logs and bootstrap artifacts live beside each cluster; lake data only in the
    compute region."""

    @property
    def uses_spot(self) -> bool:
        """Some core or task capacity of the cluster is Spot."""
        return any(f is not None and f.spot_share > 0 for f in (self.capacity.core, self.capacity.task))


@dataclass(frozen=True)
class Sites:
    onprem: Site | None
    """The on-prem proxy: Hadoop, Hive and HDFS, reached over the peering link. None with ``onprem.mode: external``:
    the on-prem lake is not in AWS and nothing is built for it (``cfg.onprem`` describes it)."""
    compute: Site
    """The burst side: Trino, Spark and Alluxio, the lake, EMR on EKS, the dashboard."""

    def __iter__(self) -> Iterator[Site]:
        """The sites this stack builds: both in proxy mode, the compute side only in external mode."""
        return iter((self.onprem, self.compute) if self.onprem is not None else (self.compute,))

    @property
    def proxy(self) -> Site:
        """The on-prem proxy site (proxy mode only)."""
        if self.onprem is None:
            raise ValueError("no on-prem proxy site: the stack is in external mode (hybrid-burst:onprem.mode)")
        return self.onprem


def build_sites(cfg: StackConfig, providers: RegionalProviders) -> Sites:
    onprem: Site | None = None
    if not cfg.onprem.external:
        assert cfg.regions.onprem is not None
        assert cfg.network.onprem is not None
        assert cfg.emr.onprem is not None
        assert providers.onprem is not None
        onprem = Site(
            side="onprem",
            cluster="onprem",
            region=cfg.regions.onprem,
            provider=providers.onprem,
            network=cfg.network.onprem,
            capacity=cfg.emr.onprem,
            applications=("hive",),
            lake_zones=("logs", "artifacts"),
        )
    return Sites(
        onprem=onprem,
        compute=Site(
            side="compute",
            cluster="burst",
            region=cfg.regions.compute,
            provider=providers.compute,
            network=cfg.network.compute,
            capacity=cfg.emr.burst,
            applications=("spark", "trino"),
            lake_zones=("raw", "curated", "logs", "exchange", "results", "artifacts"),
        ),
    )
