"""The engines on the lake, per stack (issue 12): Glue/Iceberg catalogs on the burst cluster and Lake Formation in
the security configuration."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from scripts.offline.recorder import Plan, record

STACKS = ("dev", "staging")


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    out = {}
    for stack in STACKS:
        pulumi.runtime.settings.ROOT.set(None)
        out[stack] = record(stack=stack)
    pulumi.runtime.settings.ROOT.set(None)
    return out


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
