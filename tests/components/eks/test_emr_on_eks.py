"""EmrOnEks: recorded inputs of the cluster, node groups, namespace RBAC, virtual cluster and IRSA job role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.eks.emr_on_eks import (
    EMR_CONTAINERS_USER,
    EmrOnEks,
    EmrOnEksArgs,
    base36_role_name,
    emr_service_account_pattern,
)
from components.security import grants
from scripts.offline.recorder import Plan, RecordedResource, record
from tests.components.eks.remote_outputs import remote_component_outputs
from tests.conftest import in_region

ACCOUNT = "123456789012"
REGION = "us-east-1"
SECRETS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
LOGS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/66666666-7777-8888-9999-000000000000"
LAKE_BUCKET = "arn:aws:s3:::hybrid-burst-test-curated"
SUBNETS = ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"]
SPOT_TYPES = ["r5.2xlarge", "r5a.2xlarge", "r5d.2xlarge", "r6i.2xlarge", "r6a.2xlarge", "r7i.2xlarge"]
NAMESPACE = "emr-spark"


def _args(**overrides: Any) -> EmrOnEksArgs:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "vpc_id": "vpc-0compute",
        "private_subnet_ids": SUBNETS,
        "secrets_kms_key_arn": SECRETS_KEY,
        "logs_kms_key_arn": LOGS_KEY,
        "kubernetes_version": "1.34",
        "spot_instance_types": SPOT_TYPES,
        "namespace": NAMESPACE,
        "job_log_retention_days": 30,
        "job_role_statements": [
            grants.s3_read(LAKE_BUCKET, sid="curated read"),
            grants.kms_use([SECRETS_KEY], decrypt_only=True, sid="curated key"),
        ],
    }
    base.update(overrides)
    return EmrOnEksArgs(**base)


def _record(**overrides: Any) -> Plan:
    def program() -> None:
        EmrOnEks("emr-on-eks", _args(**overrides), opts=in_region("compute", REGION))

    pulumi.runtime.settings.ROOT.set(None)
    with remote_component_outputs():
        return record(program, stack="test", config={})


@pytest.fixture(scope="module")
def plan() -> Iterator[Plan]:
    yield _record()
    pulumi.runtime.settings.ROOT.set(None)


def _component(plan: Plan) -> RecordedResource:
    return plan.one("hybrid-burst:eks:EmrOnEks")


def _trust(plan: Plan) -> dict[str, Any]:
    role = plan.one("aws:iam/role:Role", "emr-on-eks-job-role")
    return json.loads(role.inputs["assumeRolePolicy"])


def test_everything_is_inside_the_component_and_in_the_compute_region(plan: Plan) -> None:
    component = _component(plan)
    descendants = plan.descendants(component)
    assert {r.type for r in descendants} >= {
        "eks:index:Cluster",
        "eks:index:ManagedNodeGroup",
        "aws:emrcontainers/virtualCluster:VirtualCluster",
        "aws:iam/role:Role",
        "kubernetes:core/v1:Namespace",
    }
    for res in descendants:
        if res.type.startswith("aws:"):
            assert res.region == REGION, res.urn
        assert plan.component_of(res) == component


def test_cluster_has_a_private_endpoint_only_in_the_private_subnets(plan: Plan) -> None:
    cluster = plan.one("eks:index:Cluster")
    assert cluster.inputs["endpointPrivateAccess"] is True
    assert cluster.inputs["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in cluster.inputs
    assert cluster.inputs["privateSubnetIds"] == SUBNETS
    assert "publicSubnetIds" not in cluster.inputs
    assert cluster.inputs["skipDefaultNodeGroup"] is True


def test_cluster_encrypts_secrets_with_the_given_key_and_has_an_oidc_provider(plan: Plan) -> None:
    cluster = plan.one("eks:index:Cluster")
    assert cluster.inputs["encryptionConfigKeyArn"] == SECRETS_KEY
    assert cluster.inputs["createOidcProvider"] is True
    assert cluster.inputs["version"] == "1.34"


def test_emr_service_linked_role_is_mapped_through_an_access_entry(plan: Plan) -> None:
    cluster = plan.one("eks:index:Cluster")
    assert cluster.inputs["authenticationMode"] == "API"
    entries = list(cluster.inputs["accessEntries"].values())
    emr = [e for e in entries if e["principalArn"].endswith(":role/AWSServiceRoleForAmazonEMRContainers")]
    assert len(emr) == 1
    assert emr[0]["principalArn"].startswith(f"arn:aws:iam::{ACCOUNT}:")
    assert emr[0]["username"] == EMR_CONTAINERS_USER
    assert not plan.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole"), "not created unless asked"


def test_spot_group_is_diversified_and_system_group_is_on_demand(plan: Plan) -> None:
    cluster = plan.one("eks:index:Cluster")
    groups = {g.name: g for g in plan.of_type("eks:index:ManagedNodeGroup")}
    spot, system = groups["emr-on-eks-spot"], groups["emr-on-eks-system"]
    assert spot.inputs["capacityType"] == "SPOT"
    assert len(set(spot.inputs["instanceTypes"])) >= 5
    assert system.inputs["capacityType"] == "ON_DEMAND"
    for group in (spot, system):
        assert group.inputs["cluster"] == cluster.urn
        assert group.inputs["subnetIds"] == SUBNETS
        scaling = group.inputs["scalingConfig"]
        assert 0 < scaling["minSize"] <= scaling["desiredSize"] <= scaling["maxSize"]
        role = plan.by_urn(group.inputs["nodeRole"])
        assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
            "Service": "ec2.amazonaws.com"
        }


def test_virtual_cluster_is_bound_to_the_namespace_with_emr_rbac(plan: Plan) -> None:
    vc = plan.one("aws:emrcontainers/virtualCluster:VirtualCluster")
    provider = vc.inputs["containerProvider"]
    assert provider["type"] == "EKS"
    assert provider["id"] == plan.one("eks:index:Cluster").inputs["name"]
    assert provider["info"]["eksInfo"]["namespace"] == NAMESPACE

    namespace = plan.one("kubernetes:core/v1:Namespace")
    role = plan.one("kubernetes:rbac.authorization.k8s.io/v1:Role")
    binding = plan.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
    assert namespace.inputs["metadata"]["name"] == NAMESPACE
    assert role.inputs["metadata"]["namespace"] == NAMESPACE
    assert binding.inputs["metadata"]["namespace"] == NAMESPACE
    assert binding.inputs["subjects"] == [
        {"kind": "User", "name": EMR_CONTAINERS_USER, "apiGroup": "rbac.authorization.k8s.io"}
    ]
    assert binding.inputs["roleRef"]["name"] == role.inputs["metadata"]["name"]
    verbs = {v for rule in role.inputs["rules"] for v in rule["verbs"]}
    assert "*" not in verbs
    # EMR checks its namespace access when the virtual cluster is created: the RBAC must exist first.
    assert {namespace.urn, role.urn, binding.urn} <= set(vc.dependencies)
    # The Kubernetes objects go to this cluster, through a provider built from its kubeconfig.
    kube = plan.one("pulumi:providers:kubernetes")
    assert plan.one("eks:index:Cluster").urn in kube.dependencies
    for res in (namespace, role, binding):
        assert res.provider_urn == kube.urn


def test_job_role_trusts_only_emr_service_accounts_of_the_namespace_via_the_oidc_provider(plan: Plan) -> None:
    trust = _trust(plan)
    role = plan.one("aws:iam/role:Role", "emr-on-eks-job-role")
    [stmt] = trust["Statement"]
    federated = stmt["Principal"]["Federated"]
    assert stmt["Principal"] == {"Federated": federated}, "no AWS/Service/wildcard principal"
    assert federated.startswith(f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/")
    assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    issuer = federated.split(":oidc-provider/", 1)[1]
    assert stmt["Condition"]["StringEquals"] == {f"{issuer}:aud": "sts.amazonaws.com"}
    assert stmt["Condition"]["StringLike"] == {
        f"{issuer}:sub": emr_service_account_pattern(NAMESPACE, ACCOUNT, role.inputs["name"])
    }
    sub = stmt["Condition"]["StringLike"][f"{issuer}:sub"]
    prefix = f"system:serviceaccount:{NAMESPACE}:emr-containers-sa-*-*-{ACCOUNT}-"
    assert sub.startswith(prefix)
    # The suffix decodes back to the role's own name (so only this role's service accounts match).
    number = int(sub.removeprefix(prefix), 36)
    assert number.to_bytes((number.bit_length() + 7) // 8, "big").decode() == role.inputs["name"]


def test_base36_matches_the_aws_cli_algorithm_on_a_hand_checked_value() -> None:
    # "a" is byte 97 = 2 * 36 + 25 -> digits "2" and "p".
    assert base36_role_name("a") == "2p"
    # "ab" = 97 * 256 + 98 = 24930 = 19 * 36**2 + 8 * 36 + 18 -> "j", "8", "i".
    assert base36_role_name("ab") == "j8i"


def test_job_role_policy_is_scoped_and_parliament_clean(plan: Plan) -> None:
    policy = plan.one("aws:iam/rolePolicy:RolePolicy", "emr-on-eks-job-policy")
    document = policy.inputs["policy"]
    assert [(f.issue, f.detail) for f in analyze_policy_string(document).findings] == []
    statements = json.loads(document)["Statement"]
    resources = [r for s in statements for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
    assert "*" not in resources
    assert f"{LAKE_BUCKET}/*" in resources, "the lake grants passed in are attached"
    log_group = plan.one("aws:cloudwatch/logGroup:LogGroup", "emr-on-eks-job-logs")
    assert log_group.inputs["kmsKeyId"] == LOGS_KEY
    assert f"{log_group.outputs['arn']}:log-stream:*" in resources


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"job_role_name": "r" * 65}, "longer than 64"),
        ({"endpoint_public_access": True}, "public_access_cidrs"),
        ({"private_subnet_ids": ["subnet-0aaa"]}, "two AZs"),
    ],
)
def test_bad_args_are_refused_before_any_resource(
    run_program: Callable[..., Plan], overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as err:
        run_program(lambda: EmrOnEks("emr-on-eks", _args(**overrides), opts=in_region()))
    assert not [r for r in err.value.plan.resources if r.type.startswith(("aws:", "eks:"))]  # type: ignore[attr-defined]


def test_service_linked_role_is_created_first_when_asked() -> None:
    plan = _record(create_service_linked_role=True, endpoint_public_access=True,
                   public_access_cidrs=["203.0.113.0/24"])
    slr = plan.one("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    cluster = plan.one("eks:index:Cluster")
    assert slr.inputs["awsServiceName"] == "emr-containers.amazonaws.com"
    assert slr.urn in cluster.dependencies
    assert cluster.inputs["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_prefix_scoped_lake_grants_are_parliament_clean() -> None:
    def program() -> None:
        EmrOnEks(
            "emr-on-eks",
            _args(job_role_statements=[grants.s3_read(LAKE_BUCKET, "tpcds/"), grants.s3_write(LAKE_BUCKET, "out/")]),
            opts=in_region("compute", REGION),
        )

    pulumi.runtime.settings.ROOT.set(None)
    with remote_component_outputs():
        plan = record(program, stack="test", config={})
    document = plan.one("aws:iam/rolePolicy:RolePolicy", "emr-on-eks-job-policy").inputs["policy"]
    assert [(f.issue, f.detail) for f in analyze_policy_string(document).findings] == []
