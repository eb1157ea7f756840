"""Config checks of what the cluster nodes must reach out of VPCs without a NAT (run by ``checks.cross_checks``).

The full per-cluster derivation of what the nodes call, from the recorded plan, is ``scripts/offline/egress.py``.
"""

from __future__ import annotations

from typing import Any

from .errors import PROJECT
from .network import SESSION_MANAGER_ENDPOINTS

Problem = tuple[str, Any, str]


def _k(path: str) -> str:
    return f"{PROJECT}:{path}"


def egress_problems(emr: Any, net: Any) -> list[Problem]:
    """What the nodes must reach through a VPC without a NAT (the full per-cluster derivation from the plan is
    scripts/offline/egress.py): the Session Manager endpoints when it is on, and an https:// Alluxio tarball needs
    the compute VPC's NAT."""
    problems: list[Problem] = []
    for side in ("onprem", "compute"):
        network = getattr(net, side)
        if network is None:
            continue  # external mode: no on-prem VPC
        missing = [e for e in SESSION_MANAGER_ENDPOINTS if e not in network.interface_endpoints]
        if emr.settings.session_manager and not network.nat_gateway and missing:
            problems.append(
                (
                    _k(f"network.{side}.interfaceEndpoints"),
                    list(network.interface_endpoints),
                    (
                        f"emr.settings.sessionManager is on but this VPC has no NAT and no {', '.join(missing)} "
                        "endpoint(s): the SSM Agent could not register; add them (or set natGateway: true, or turn "
                        "sessionManager off)"
                    ),
                )
            )
    tarball = emr.settings.alluxio.tarball_uri
    if tarball.startswith("https://") and not net.compute.nat_gateway:
        problems.append(
            (
                _k("emr.settings.alluxio.tarballUri"),
                tarball,
                (
                    "the burst nodes download it at bootstrap but network.compute has no NAT gateway; copy the "
                    "tarball to S3 and give its s3:// URI, or set network.compute.natGateway: true"
                ),
            )
        )
    return problems
