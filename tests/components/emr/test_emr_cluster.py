"""Both clusters as the real program records them: region, private subnets, fleets, lifecycle, scaling."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from components.config.stack import load_stack_config
from components.emr.emr_cluster import CORE_FLEET_SCALED_PATHS, TASK_FLEET_SCALED_PATHS, EmrCluster, EmrClusterArgs
from components.emr.fleets.plan import plan_cluster_fleets
from components.emr.tags import CLUSTER_TAG_KEY
from components.security import grants
from scripts.offline.recorder import Plan, RecordedResource, read_stack_config
from tests.conftest import in_region

from ._stack_plans import recorded

CLUSTER = "aws:emr/cluster:Cluster"
FLEET = "aws:emr/instanceFleet:InstanceFleet"
SCALING = "aws:emr/managedScalingPolicy:ManagedScalingPolicy"
SG = "aws:ec2/securityGroup:SecurityGroup"
SUBNET = "aws:ec2/subnet:Subnet"
EMR_TAG = "for-use-with-amazon-emr-managed-policies"


def _cluster(plan: Plan, name: str) -> RecordedResource:
    return plan.one(CLUSTER, f"{name}-cluster")


def _private_subnet_ids(plan: Plan, side: str) -> set[str]:
    return {s.id for s in plan.of_type(SUBNET) if s.name.startswith(f"{side}-private-")}


@pytest.mark.parametrize(
    ("name", "side", "region"), [("onprem", "onprem", "us-west-1"), ("burst", "compute", "us-east-1")]
)
def test_cluster_in_its_region_on_every_private_subnet(name: str, side: str, region: str) -> None:
    plan = recorded("dev")
    cluster = _cluster(plan, name)
    assert cluster.region == region
    attrs = cluster.inputs["ec2Attributes"]
    assert set(attrs["subnetIds"]) == _private_subnet_ids(plan, side)
    assert len(attrs["subnetIds"]) >= 2, "several subnets = AZ flexibility"
    assert plan.component_of(cluster).type == "hybrid-burst:emr:EmrCluster"  # type: ignore[union-attr]
    assert cluster.inputs["logUri"].startswith("s3://")
    assert "-logs-" in cluster.inputs["logUri"]
    assert cluster.inputs["logEncryptionKmsKeyId"].startswith(f"arn:aws:kms:{region}:")
    assert cluster.inputs["securityConfiguration"]


def test_fleets_are_wired_as_the_fleet_builder_planned() -> None:
    plan = recorded("dev")
    cfg = load_stack_config(read_stack_config("dev"), stack="dev")
    for name, capacity in (("onprem", cfg.emr.onprem), ("burst", cfg.emr.burst)):
        fleets = plan_cluster_fleets(name, capacity)
        cluster = _cluster(plan, name)
        master = cluster.inputs["masterInstanceFleet"]
        core = cluster.inputs["coreInstanceFleet"]
        assert [c["instanceType"] for c in master["instanceTypeConfigs"]] == list(fleets.primary.instance_types)
        assert [c["instanceType"] for c in core["instanceTypeConfigs"]] == list(fleets.core.instance_types)
        assert core.get("targetOnDemandCapacity", 0) == fleets.core.target_on_demand_capacity
        assert core.get("targetSpotCapacity", 0) == fleets.core.target_spot_capacity
        tasks = [f for f in plan.of_type(FLEET) if f.name == f"{name}-task"]
        if fleets.task is None:
            assert tasks == []
            continue
        (task,) = tasks
        assert task.inputs["clusterId"] == cluster.id
        assert [c["instanceType"] for c in task.inputs["instanceTypeConfigs"]] == list(fleets.task.instance_types)
        assert task.inputs["targetSpotCapacity"] == fleets.task.target_spot_capacity
        assert cluster.urn in task.property_dependencies["clusterId"]


def test_managed_scaling_owns_capacities_so_ignore_changes_holds_them() -> None:
    plan = recorded("dev")
    burst = _cluster(plan, "burst")
    assert set(CORE_FLEET_SCALED_PATHS) <= set(burst.options["ignoreChanges"])
    (task,) = plan.of_type(FLEET)
    assert set(task.options["ignoreChanges"]) == set(TASK_FLEET_SCALED_PATHS)
    (policy,) = plan.of_type(SCALING)
    assert policy.inputs["clusterId"] == burst.id
    limits = policy.inputs["computeLimits"][0]
    cfg = load_stack_config(read_stack_config("dev"), stack="dev").emr.settings.scaling
    assert limits["unitType"] == "InstanceFleetUnits"
    assert limits["minimumCapacityUnits"] == cfg.minimum_units
    assert limits["maximumCapacityUnits"] == cfg.maximum_units
    assert limits["maximumOndemandCapacityUnits"] == cfg.maximum_on_demand_units


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_termination_protection_in_prod(stack: str, protected: bool) -> None:
    plan = recorded(stack)
    for name in ("onprem", "burst"):
        assert _cluster(plan, name).inputs["terminationProtection"] is protected
    assert _cluster(plan, "onprem").options["protect"] is protected


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_burst_cluster_auto_terminates(stack: str) -> None:
    burst = _cluster(recorded(stack), "burst")
    assert 60 <= burst.inputs["autoTerminationPolicy"]["idleTimeout"] <= 604_800


def test_security_groups_carry_the_emr_managed_policy_tag() -> None:
    plan = recorded("dev")
    for name in ("onprem", "burst"):
        attrs = _cluster(plan, name).inputs["ec2Attributes"]
        ids = {
            attrs["emrManagedMasterSecurityGroup"],
            attrs["emrManagedSlaveSecurityGroup"],
            attrs["serviceAccessSecurityGroup"],
        }
        groups = [g for g in plan.of_type(SG) if g.id in ids]
        assert len(groups) == 3
        for group in groups:
            assert group.inputs["tags"][EMR_TAG] == "true"
            assert group.inputs["revokeRulesOnDelete"] is True


def test_onprem_nodes_get_the_peering_access_group_and_burst_does_not() -> None:
    plan = recorded("dev")
    access = plan.one(SG, "burst-link-onprem-access")
    onprem = _cluster(plan, "onprem").inputs["ec2Attributes"]
    assert onprem["additionalMasterSecurityGroups"] == access.id
    assert onprem["additionalSlaveSecurityGroups"] == access.id
    assert "additionalMasterSecurityGroups" not in _cluster(plan, "burst").inputs["ec2Attributes"]


def test_burst_configuration_and_bootstrap() -> None:
    plan = recorded("dev")
    burst = _cluster(plan, "burst")
    assert set(burst.inputs["applications"]) >= {"Trino", "Spark", "Hadoop"}
    classes = {c["Classification"]: c["Properties"] for c in json.loads(burst.inputs["configurationsJson"])}
    assert classes["trino-config"]["retry-policy"] == "TASK"
    exchange_bucket = plan.one("aws:s3/bucket:Bucket", "compute-zones-exchange").outputs["bucket"]
    assert classes["trino-exchange-manager"]["exchange.base-directories"].startswith(f"s3://{exchange_bucket}/")
    (action,) = [a for a in burst.inputs["bootstrapActions"] if a["name"] == "alluxio-bootstrap"]
    args = action["args"]
    assert args[args.index("--namenode-name") + 1] == "namenode.onprem.hybrid-burst.internal"
    uploaded = {o.inputs["key"] for o in plan.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    assert action["path"].split("/", 3)[3] in uploaded
    assert args[args.index("--catalog-uri") + 1].split("/", 3)[3] in uploaded


def test_onprem_cluster_runs_hadoop_and_hive() -> None:
    onprem = _cluster(recorded("dev"), "onprem")
    assert onprem.inputs["applications"] == ["Hadoop", "Hive"]
    assert "autoTerminationPolicy" in onprem.inputs  # dev preset: the proxy also idles out


def test_cluster_waits_for_roles_and_service_access_rules() -> None:
    plan = recorded("dev")
    burst = _cluster(plan, "burst")
    waited = {plan.by_urn(u).name for u in burst.dependencies}
    assert {"burst-roles-instance", "burst-roles-service-v2", "burst-service-access-9443"} <= waited


def test_wiring_errors_are_reported(run_program: Callable[..., Plan]) -> None:
    cfg = load_stack_config(read_stack_config("dev"), stack="dev")

    def program() -> None:
        EmrCluster(
            "t",
            EmrClusterArgs(
                region="us-east-1",
                account_id="123456789012",
                release_label="emr-7.5.0",
                applications=["Hadoop"],
                fleets=plan_cluster_fleets("burst", cfg.emr.burst),
                vpc_id="vpc-1",
                subnet_ids=["subnet-1"],
                logs_bucket_name="logs",
                logs_kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k",
                artifacts_bucket_name="artifacts",
                instance_statements=[grants.s3_write("arn:aws:s3:::logs", "emr/t/")],
            ),
            opts=in_region(),
        )

    with pytest.raises(ValueError, match="s3_kms_key_arn"):
        run_program(program)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_session_manager_registration_is_scoped_to_each_clusters_own_instances(stack: str) -> None:
    """Issue 10 item 6: each instance role may register (ssm:UpdateInstanceInformation) only instances in its
    cluster's region and account that carry its cluster's tag - the tag the cluster itself carries, so EMR puts it
    on exactly that cluster's instances."""
    plan = recorded(stack)
    assert load_stack_config(read_stack_config(stack), stack=stack).emr.settings.session_manager
    clusters = plan.of_type("aws:emr/cluster:Cluster")
    tags = [c.inputs["tags"][CLUSTER_TAG_KEY] for c in clusters]
    assert len(set(tags)) == len(clusters), "each cluster has its own tag value"
    for cluster in clusters:
        profile = next(
            p for p in plan.of_type("aws:iam/instanceProfile:InstanceProfile")
            if p.outputs["arn"] == cluster.inputs["ec2Attributes"]["instanceProfile"]
        )
        (policy,) = [
            p for p in plan.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == profile.inputs["role"]
        ]
        statements = json.loads(policy.inputs["policy"])["Statement"]
        register = [s for s in statements if "ssm:UpdateInstanceInformation" in s["Action"]]
        assert len(register) == 1
        assert register[0]["Resource"].startswith(f"arn:aws:ec2:{cluster.region}:")
        assert register[0]["Resource"].endswith(":instance/*")
        assert register[0]["Condition"] == {
            "StringEquals": {f"aws:ResourceTag/{CLUSTER_TAG_KEY}": cluster.inputs["tags"][CLUSTER_TAG_KEY]}
        }
        on_star = {a for s in statements if s["Resource"] == "*" for a in s["Action"]}
        assert {a for a in on_star if a.startswith(("ssm", "ec2messages"))} == set(grants.SSM_MESSAGE_ACTIONS)
