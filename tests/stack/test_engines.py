"""The engines on the lake, per stack (issue 12): Glue/Iceberg catalogs on the burst cluster and Lake Formation in
the security configuration."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.offline.recorder import Plan
from tests import plan_cache

STACKS = ("dev", "staging")


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {stack: plan_cache.recorded(stack) for stack in STACKS}


def _classifications(plan: Plan) -> dict[str, dict[str, str]]:
    cluster = next(r for r in plan.of_type("aws:emr/cluster:Cluster") if r.name == "burst-cluster")
    return {c["Classification"]: c.get("Properties", {}) for c in json.loads(cluster.inputs["configurationsJson"])}


@pytest.mark.parametrize("stack", STACKS)
def test_burst_cluster_has_glue_and_iceberg_catalogs(plans: dict[str, Plan], stack: str) -> None:
    got = _classifications(plans[stack])
    assert got["trino-connector-hive"] == {"hive.metastore": "glue"}
    assert got["trino-connector-iceberg"]["iceberg.catalog.type"] == "glue"
    assert got["spark-hive-site"]["hive.metastore.client.factory.class"].endswith("AWSGlueDataCatalogHiveClientFactory")
    assert got["iceberg-defaults"] == {"iceberg.enabled": "true"}
    raw = next(r for r in plans[stack].of_type("aws:s3/bucket:Bucket") if r.name == "compute-zones-raw")
    assert got["spark-defaults"]["spark.sql.catalog.iceberg.warehouse"] == f"s3://{raw.outputs['bucket']}/iceberg/"
    # the onprem catalog is still installed as a file by the Alluxio bootstrap
    artifacts = [r.inputs["key"] for r in plans[stack].of_type("aws:s3/bucketObjectv2:BucketObjectv2")]
    assert any(k.endswith("/onprem.properties") for k in artifacts)


def _security(plan: Plan, name: str) -> dict[str, Any]:
    res = next(r for r in plan.of_type("aws:emr/securityConfiguration:SecurityConfiguration") if r.name == name)
    return json.loads(res.inputs["configuration"])


def test_lake_formation_is_on_in_staging_with_runtime_roles_and_off_in_dev(plans: dict[str, Plan]) -> None:
    staging = _security(plans["staging"], "burst-sec-security")["AuthorizationConfiguration"]
    assert staging["LakeFormationConfiguration"] == {"AuthorizedSessionTagValue": "Amazon EMR"}
    assert staging["IAMConfiguration"]["EnableApplicationScopedIAMRole"] is True
    assert "AuthorizationConfiguration" not in _security(plans["dev"], "burst-sec-security")
    # the on-prem proxy is never governed (no lake there)
    assert "AuthorizationConfiguration" not in _security(plans["staging"], "onprem-sec-security")


def _documents(plan: Plan, prefix: str) -> list[dict[str, Any]]:
    policies = plan.of_type("aws:iam/rolePolicy:RolePolicy")
    return [json.loads(p.inputs["policy"]) for p in policies if p.name.startswith(prefix)]


def _resources(docs: list[dict[str, Any]]) -> list[str]:
    return [r for d in docs for s in d["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str)
                                                             else s["Resource"])]


@pytest.mark.parametrize("stack", STACKS)
def test_engine_roles_read_no_curated_files(plans: dict[str, Plan], stack: str) -> None:
    """No engine role reads curated files with IAM (that would bypass Lake Formation's column filters)."""
    plan = plans[stack]
    curated = next(r for r in plan.of_type("aws:s3/bucket:Bucket") if r.name == "compute-zones-curated").outputs["arn"]
    prefixes = ["burst-roles-instance"] + (["emr-on-eks-job-policy"] if stack != "dev" else [])
    for prefix in prefixes:
        docs = _documents(plan, prefix)
        assert docs, prefix
        assert not [r for r in _resources(docs) if r.startswith(curated)], prefix


def test_staging_runs_karpenter_and_the_job_template(plans: dict[str, Plan]) -> None:
    plan = plans["staging"]
    assert len(plan.of_type("kubernetes:karpenter.sh/v1:NodePool")) == 2
    assert plan.one("kubernetes:helm.sh/v3:Release").inputs["chart"].endswith("/karpenter")
    data = plan.one("aws:emrcontainers/jobTemplate:JobTemplate").inputs["jobTemplateData"]
    assert data["executionRoleArn"] == plan.one("aws:iam/role:Role", "emr-on-eks-job-role").outputs["arn"]
    assert data["releaseLabel"] == "emr-7.5.0-latest"
    job = plan.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-pipeline-job")
    assert data["jobDriver"]["sparkSubmitJobDriver"]["entryPoint"] == f"s3://{job.inputs['bucket']}/{job.inputs['key']}"
    (policy,) = _documents(plan, "emr-on-eks-job-policy")
    assert f"arn:aws:s3:::{job.inputs['bucket']}/{job.inputs['key']}" in _resources([policy])
    assert not plans["dev"].of_type("aws:emrcontainers/jobTemplate:JobTemplate")
