"""Fleet plans from every stack's config, shared by the fleet test modules."""

from __future__ import annotations

import pytest

from components.config import emr as emr_config
from components.config.emr import ClusterCapacityConfig
from components.config.stack import deep_merge
from components.emr.fleets.plan import ClusterFleets, plan_cluster_fleets
from scripts.offline.recorder import read_stack_config

ENVS = ("dev", "staging", "prod")
CLUSTERS = ("onprem", "burst")
P = "hybrid-burst"


def capacity(env: str, cluster: str) -> ClusterCapacityConfig:
    """A stack's capacity config: the preset under the stack file's emr overrides (settings left out: not ours)."""
    given = read_stack_config(env).get(f"{P}:emr", {})
    merged = deep_merge(emr_config._CAPACITY_PRESETS[env], {k: v for k, v in given.items() if k != "settings"})
    return ClusterCapacityConfig.model_validate(merged[cluster])


def az_count(env: str, side: str) -> int:
    net = read_stack_config(env).get(f"{P}:network", {}).get(side, {})
    return int(net.get("azCount", 3))


def fleets(env: str, cluster: str) -> ClusterFleets:
    return plan_cluster_fleets(cluster, capacity(env, cluster))


CASES = [pytest.param(env, cluster, id=f"{env}-{cluster}") for env in ENVS for cluster in CLUSTERS]
