"""The composed platform: data flows one way, each role gets its permissions where it is created."""

from __future__ import annotations

import json

import pytest

from components.config.lake import EMR_ON_EKS_JOB
from scripts.offline.recorder import Plan, RecordedResource
from tests.stack.conftest import recorded

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"


def _role_of(plan: Plan, policy: RecordedResource) -> RecordedResource:
    roles = [r for r in plan.of_type(ROLE) if policy.inputs["role"] in (r.outputs.get("name"), r.outputs.get("id"))]
    assert len(roles) == 1, policy.urn
    return roles[0]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_role_policy_is_attached_inside_the_component_that_created_the_role(stack: str) -> None:
    """No component grants onto another component's role after the fact (telemetry, lake late binding)."""
    plan = recorded(stack)
    for policy in plan.of_type(ROLE_POLICY):
        role = _role_of(plan, policy)
        assert plan.component_of(policy) == plan.component_of(role), f"{policy.name} attaches to {role.name}"


def test_emr_on_eks_job_role_has_its_lake_statements_and_grants() -> None:
    plan = recorded("prod")
    (job_role,) = [r for r in plan.of_type(ROLE) if r.outputs["arn"] == plan.outputs["emr_on_eks_job_role_arn"]]
    component = plan.component_of(job_role)
    assert component is not None
    assert component.type == "hybrid-burst:eks:EmrOnEks"
    grants = [p for p in plan.of_type(PERMISSIONS) if p.inputs["principal"] == job_role.outputs["arn"]]
    assert grants, f"the lake grants to {EMR_ON_EKS_JOB}"
    assert all(job_role.urn in p.dependencies for p in grants), "the grants follow the role"
    policies = [p for p in plan.of_type(ROLE_POLICY) if _role_of(plan, p).urn == job_role.urn]
    actions = {a for p in policies for s in json.loads(p.inputs["policy"])["Statement"] for a in s["Action"]}
    assert "lakeformation:GetDataAccess" in actions
    assert "glue:GetTable" in actions


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_runtime_role_trusts_the_path_of_the_emr_instance_roles(stack: str) -> None:
    plan = recorded(stack)
    runtime = plan.one(ROLE, "lake-emr-runtime")
    trust = json.loads(runtime.inputs["assumeRolePolicy"])
    patterns = {s["Condition"]["ArnLike"]["aws:PrincipalArn"] for s in trust["Statement"]}
    instance_roles = [r for r in plan.of_type(ROLE) if r.name.endswith("-roles-instance")]
    assert len(instance_roles) == 2
    paths = {r.inputs["path"] for r in instance_roles}
    assert paths == {f"/hybrid-burst/{stack}/emr-instance/"}
    assert {p.split(":role", 1)[1] for p in patterns} == {f"{paths.pop()}*"}


def test_dev_without_emr_on_eks_grants_nothing_to_the_job_principal() -> None:
    plan = recorded("dev")
    assert not any("emr-on-eks-job" in p.name for p in plan.of_type(PERMISSIONS))
