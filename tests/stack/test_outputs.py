"""The outputs table: every exported name is declared once, and every name the operations scripts read exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stack.outputs import OUTPUTS
from tests.stack.conftest import recorded

ROOT = Path(__file__).resolve().parents[2]
SIDES = {"side": ("onprem", "compute"), "cluster": ("onprem", "burst")}


def _declared() -> set[str]:
    names: set[str] = set()
    for entry in OUTPUTS:
        if "{side}" in entry.name:
            names |= {entry.name.format(side=s) for s in SIDES["side"]}
        elif "{cluster}" in entry.name:
            names |= {entry.name.format(cluster=c) for c in SIDES["cluster"]}
        else:
            names.add(entry.name)
    return names


def test_names_are_unique_and_described() -> None:
    names = [e.name for e in OUTPUTS]
    assert len(names) == len(set(names))
    assert all(e.description for e in OUTPUTS)


# Outputs that exist in one connection mode only (hybrid-burst:onprem.mode).
EXTERNAL_ONLY = {"onprem_cidrs", "onprem_gateway_id", "onprem_vpn_connection_id", "onprem_dns_resolver_rule_id"}
PROXY_ONLY = {"peering_connection_id", "onprem_vpc_id", "onprem_private_subnet_ids", "onprem_lake_bucket_names",
              "onprem_data_key_arn", "onprem_cluster_id", "onprem_master_private_dns", "onprem_instance_role_name",
              "onprem_security_configuration_name", "onprem_alarm_topic_arn"}


@pytest.mark.parametrize("stack", ["dev", "prod", "example-external"])
def test_the_program_exports_exactly_the_declared_outputs(stack: str) -> None:
    plan = recorded(stack)
    exported = set(plan.outputs)
    assert exported <= _declared()
    optional = {"eks_cluster_name", "emr_virtual_cluster_id", "emr_on_eks_job_role_arn", "emr_on_eks_namespace",
                "emr_on_eks_job_log_group_name", "emr_on_eks_release_label", "emr_on_eks_s3_log_uri",
                "emr_on_eks_pod_templates", "emr_on_eks_job_template_id",
                "burst_spot_drill_template_id"}
    external = plan.outputs["onprem_mode"] == "external"
    optional |= PROXY_ONLY if external else EXTERNAL_ONLY
    assert _declared() - optional <= exported, "every output of the stack's mode is exported"
    assert not exported & (EXTERNAL_ONLY if not external else PROXY_ONLY), "no output of the other mode"


def test_eks_outputs_follow_the_eks_switch() -> None:
    assert "eks_cluster_name" not in recorded("dev").outputs, "EMR on EKS is off in dev"
    assert "eks_cluster_name" in recorded("prod").outputs


def test_every_output_the_ops_scripts_read_is_declared() -> None:
    read: set[str] = set()
    for path in sorted((ROOT / "scripts" / "ops").glob("*.py")):
        text = path.read_text()
        for literal in re.findall(r"""(?:out\(|outputs\[)f?["']([a-z_{}]+)["']""", text):
            if "{key}" in literal or "{cluster}" in literal:
                read |= {re.sub(r"\{[a-z]+\}", c, literal) for c in SIDES["cluster"]}
            elif "{side}" in literal:
                read |= {literal.format(side=s) for s in SIDES["side"]}
            else:
                read.add(literal)
    assert read, "the operations scripts read stack outputs"
    assert read <= _declared(), sorted(read - _declared())
