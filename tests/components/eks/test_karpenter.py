"""Karpenter: interruption queue and rules, node and controller IAM (parliament clean), Helm release, NodePools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest
from parliament import analyze_policy_string

from components.eks.karpenter import (
    DRIVER_POOL,
    EXECUTOR_POOL,
    INTERRUPTION_EVENTS,
    Karpenter,
    KarpenterArgs,
)
from components.eks.karpenter_iam import controller_trust_policy
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

ACCOUNT = "123456789012"
REGION = "us-east-1"
CLUSTER = "hybrid-burst-test-emr-on-eks"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/ABCDEF0123456789"
SUBNETS = ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"]


def _args(kube: k8s.Provider, **overrides: Any) -> KarpenterArgs:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "region": REGION,
        "cluster_name": CLUSTER,
        "oidc_provider_arn": OIDC,
        "kube_provider": kube,
        "subnet_ids": SUBNETS,
        "executor_instance_families": ["r5", "r6i", "r7i"],
        "driver_instance_families": ["m6i", "m7i"],
        "version": "1.11.1",
    }
    base.update(overrides)
    return KarpenterArgs(**base)


def _record(**overrides: Any) -> Plan:
    def program() -> None:
        kube = k8s.Provider("kube", kubeconfig="{}")
        Karpenter("karpenter", _args(kube, **overrides), opts=in_region("compute", REGION))

    pulumi.runtime.settings.ROOT.set(None)
    return record(program, stack="test", config={})


@pytest.fixture(scope="module")
def plan() -> Iterator[Plan]:
    yield _record()
    pulumi.runtime.settings.ROOT.set(None)


def test_register_outputs_and_children_inside_the_component(plan: Plan) -> None:
    component = plan.one("hybrid-burst:eks:Karpenter")
    types = {r.type for r in plan.descendants(component)}
    assert types >= {
        "aws:sqs/queue:Queue",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:eks/accessEntry:AccessEntry",
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:karpenter.sh/v1:NodePool",
        "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    }
    for res in plan.descendants(component):
        if res.type.startswith("aws:"):
            assert res.region == REGION, res.urn


def test_interruption_queue_is_encrypted_short_lived_and_fed_by_four_rules(plan: Plan) -> None:
    queue = plan.one("aws:sqs/queue:Queue")
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["messageRetentionSeconds"] == 300
    policy = json.loads(plan.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"])
    deny = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert len(deny) == 1
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    rules = plan.of_type("aws:cloudwatch/eventRule:EventRule")
    patterns = sorted(json.loads(r.inputs["eventPattern"])["detail-type"][0] for r in rules)
    assert patterns == sorted(p["detail-type"][0] for p in INTERRUPTION_EVENTS.values())
    assert "EC2 Spot Instance Interruption Warning" in patterns
    targets = plan.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == 4
    assert {t.inputs["arn"] for t in targets} == {queue.outputs["arn"]}


def test_controller_role_trusts_only_the_karpenter_service_account() -> None:
    trust = json.loads(controller_trust_policy(OIDC))["Statement"][0]
    issuer = OIDC.split(":oidc-provider/", 1)[1]
    assert trust["Principal"] == {"Federated": OIDC}
    assert trust["Condition"]["StringEquals"] == {
        f"{issuer}:sub": "system:serviceaccount:kube-system:karpenter",
        f"{issuer}:aud": "sts.amazonaws.com",
    }
    with pytest.raises(ValueError, match="OIDC"):
        controller_trust_policy("arn:aws:iam::1:role/x")


# Karpenter's policy splits RunInstances/CreateFleet over several statements on purpose: each resource type gets the
# conditions that apply to it (request tags exist only on what the call creates; an AMI or subnet carries none).
# parliament checks each statement alone and reports the resource types the other statements cover; and it expects
# an account in SSM parameter ARNs, which AWS's public parameters (``arn:aws:ssm:<region>::parameter/aws/...``)
# do not have. These four, and only these, are accepted; every other finding fails the test.
SPLIT_ON_PURPOSE = {
    "ScopedEc2InstanceAccess",
    "ScopedEc2LaunchTemplateAccess",
    "ScopedEc2InstanceActionsWithTags",
    "SsmReadActions",
}


def _resources(stmt: dict[str, Any]) -> list[str]:
    return stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]


def _findings(document: str) -> list[tuple[str, str, Any]]:
    """parliament findings per statement (so each can be told apart by Sid)."""
    out = []
    for stmt in json.loads(document)["Statement"]:
        single = json.dumps({"Version": "2012-10-17", "Statement": [stmt]})
        out += [(stmt["Sid"], f.issue, f.detail) for f in analyze_policy_string(single).findings]
    return out


def test_controller_policy_is_scoped_and_parliament_clean(plan: Plan) -> None:
    document = plan.one("aws:iam/rolePolicy:RolePolicy", "karpenter-controller-policy").inputs["policy"]
    findings = _findings(document)
    assert [f for f in findings if not (f[1] == "RESOURCE_MISMATCH" and f[0] in SPLIT_ON_PURPOSE)] == []
    statements = json.loads(document)["Statement"]
    # Taken together the split statements cover every resource type parliament asks for, action by action.
    for _sid, _issue, detail in findings:
        for item in detail:
            kind = item["required_format"].rsplit(":", 1)[1].split("/", 1)[0]
            assert any(
                item["action"] in s["Action"] and any(f":{kind}/" in r for r in _resources(s)) for s in statements
            ), item
    by_sid = {s["Sid"]: s for s in statements}
    # Only Describe*/pricing read actions are unscoped; every write is on this account/region and tag-conditioned.
    unscoped = [s for s in statements if s["Resource"] == "*"]
    assert {a for s in unscoped for a in s["Action"]} <= {
        *(a for a in by_sid["RegionalReadActions"]["Action"]), "pricing:GetProducts",
    }
    assert all(a.split(":")[1].startswith(("Describe", "Get")) for s in unscoped for a in s["Action"])
    deletion = by_sid["ScopedDeletion"]
    assert deletion["Condition"]["StringEquals"] == {f"aws:ResourceTag/kubernetes.io/cluster/{CLUSTER}": "owned"}
    assert all(f":{ACCOUNT}:" in r for r in deletion["Resource"])
    queue = plan.one("aws:sqs/queue:Queue")
    assert by_sid["InterruptionQueueActions"]["Resource"] == queue.outputs["arn"]
    node_role = plan.one("aws:iam/role:Role", "karpenter-node-role")
    assert by_sid["PassingInstanceRole"]["Resource"] == node_role.outputs["arn"]
    assert by_sid["ApiServerEndpointDiscovery"]["Resource"] == f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"


def test_nodes_join_through_an_ec2_linux_access_entry(plan: Plan) -> None:
    entry = plan.one("aws:eks/accessEntry:AccessEntry")
    node_role = plan.one("aws:iam/role:Role", "karpenter-node-role")
    assert entry.inputs["type"] == "EC2_LINUX"
    assert entry.inputs["principalArn"] == node_role.outputs["arn"]
    assert entry.inputs["clusterName"] == CLUSTER
    attachments = plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    attached = {r.inputs["policyArn"].rsplit("/", 1)[1] for r in attachments}
    assert attached == {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"}


def test_helm_release_uses_irsa_the_queue_and_runs_on_the_system_nodes(plan: Plan) -> None:
    release = plan.one("kubernetes:helm.sh/v3:Release")
    assert release.inputs["chart"] == "oci://public.ecr.aws/karpenter/karpenter"
    assert release.inputs["version"] == "1.11.1"
    assert release.inputs["namespace"] == "kube-system"
    values = release.inputs["values"]
    controller = plan.one("aws:iam/role:Role", "karpenter-controller-role")
    assert values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] == controller.outputs["arn"]
    assert values["settings"]["clusterName"] == CLUSTER
    assert values["settings"]["interruptionQueue"] == plan.one("aws:sqs/queue:Queue").outputs["name"]
    assert values["nodeSelector"] == {"hybrid-burst/pool": "system"}
    assert release.provider_urn is not None
    assert "kubernetes" in release.provider_urn


def _pools(plan: Plan) -> dict[str, dict[str, Any]]:
    return {r.inputs["metadata"]["name"]: r.inputs["spec"] for r in plan.of_type("kubernetes:karpenter.sh/v1:NodePool")}


def _requirement(spec: dict[str, Any], key: str) -> list[str]:
    return next(r["values"] for r in spec["template"]["spec"]["requirements"] if r["key"] == key)


def test_executors_on_diversified_spot_with_consolidation(plan: Plan) -> None:
    spec = _pools(plan)[EXECUTOR_POOL]
    assert _requirement(spec, "karpenter.sh/capacity-type") == ["spot"]
    assert len(_requirement(spec, "karpenter.k8s.aws/instance-family")) >= 3
    assert spec["disruption"]["consolidationPolicy"] == "WhenEmptyOrUnderutilized"
    assert spec["limits"] == {"cpu": "256"}
    assert spec["template"]["spec"]["taints"][0]["value"] == EXECUTOR_POOL


def test_drivers_on_demand_and_only_consolidated_when_empty(plan: Plan) -> None:
    spec = _pools(plan)[DRIVER_POOL]
    assert _requirement(spec, "karpenter.sh/capacity-type") == ["on-demand"]
    assert spec["disruption"]["consolidationPolicy"] == "WhenEmpty"


def test_node_class_uses_the_node_role_private_subnets_and_imdsv2(plan: Plan) -> None:
    spec = plan.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs["spec"]
    assert spec["role"] == plan.one("aws:iam/role:Role", "karpenter-node-role").outputs["name"]
    assert spec["subnetSelectorTerms"] == [{"id": s} for s in SUBNETS]
    assert spec["securityGroupSelectorTerms"] == [{"tags": {"aws:eks:cluster-name": CLUSTER}}]
    assert spec["metadataOptions"]["httpTokens"] == "required"
    assert spec["blockDeviceMappings"][0]["ebs"]["encrypted"] is True


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({"subnet_ids": ["subnet-1"]}, "two AZs"), ({"executor_instance_families": ["r5", "r6i"]}, "3 families")],
)
def test_bad_args_register_nothing(overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(Exception, match=match):
        _record(**overrides)
