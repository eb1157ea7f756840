"""The Alluxio metadata-sync settings reach the burst cluster's bootstrap action (the metadata_sync runbook checks
the lag against them; scripts/ops/metadata_sync.py)."""

from __future__ import annotations

from collections.abc import Callable

from components.config.stack import deep_merge
from scripts.offline.recorder import Plan, read_stack_config


def test_sync_mode_and_interval_are_passed_to_the_bootstrap(run_stack: Callable[..., Plan]) -> None:
    config = read_stack_config("dev")
    config["hybrid-burst:emr"] = deep_merge(
        dict(config.get("hybrid-burst:emr") or {}),
        {"settings": {"alluxio": {"metadataSyncMode": "active", "metadataSyncInterval": "10s"}}},
    )
    plan = run_stack("dev", config)
    burst = plan.one("aws:emr/cluster:Cluster", "burst-cluster")
    (action,) = [a for a in burst.inputs["bootstrapActions"] if a["name"] == "alluxio-bootstrap"]
    args = action["args"]
    assert args[args.index("--sync-mode") + 1] == "active"
    assert args[args.index("--sync-interval") + 1] == "10s"
