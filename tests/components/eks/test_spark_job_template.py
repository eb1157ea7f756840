"""SparkJobTemplate and pod templates: the StartJobRun request the template holds, placement, job role reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.eks import pod_templates
from components.eks.spark_job_template import (
    SparkJobTemplate,
    SparkJobTemplateArgs,
    job_role_statements,
    release_label,
    spark_defaults,
)
from components.lake.storage_zones import ZoneBucket
from components.security import grants
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/hybrid-burst-test-emr-on-eks-job"


def _bucket(zone: str) -> ZoneBucket:
    """A zone bucket as StorageZones hands it out (the bucket's outputs, known names here)."""
    name = f"hb-test-{zone}"
    bucket = SimpleNamespace(
        bucket=pulumi.Output.from_input(name), arn=pulumi.Output.from_input(f"arn:aws:s3:::{name}"),
        id=pulumi.Output.from_input(name),
    )
    return ZoneBucket(zone, bucket, KEY)  # type: ignore[arg-type]


def _record(**overrides: Any) -> Plan:
    def program() -> None:
        base: dict[str, Any] = {
            "release_label": "emr-7.5.0-latest",
            "job_role_arn": ROLE,
            "entry_point_uri": "s3://hb-test-artifacts/jobs/abc/tpcds_to_iceberg.py",
            "entry_point_arguments": ["--source-root", "alluxio://primary:19998/onprem/tmp/tpcds"],
            "artifacts_bucket": _bucket("artifacts"),
            "logs_bucket": _bucket("logs"),
            "log_group_name": "/hybrid-burst/test/emr-on-eks/emr-spark",
            "template_kms_key_arn": KEY,
            "warehouse": "s3://hb-test-raw/iceberg/",
        }
        base.update(overrides)
        SparkJobTemplate("lake-pipeline", SparkJobTemplateArgs(**base), opts=in_region("compute", REGION))

    pulumi.runtime.settings.ROOT.set(None)
    return record(program, stack="test", config={})


@pytest.fixture(scope="module")
def plan() -> Iterator[Plan]:
    yield _record()
    pulumi.runtime.settings.ROOT.set(None)


def _data(plan: Plan) -> dict[str, Any]:
    return plan.one("aws:emrcontainers/jobTemplate:JobTemplate").inputs["jobTemplateData"]


def test_template_holds_the_release_role_entry_point_and_is_encrypted(plan: Plan) -> None:
    template = plan.one("aws:emrcontainers/jobTemplate:JobTemplate")
    assert template.inputs["kmsKeyArn"] == KEY
    data = _data(plan)
    assert data["releaseLabel"] == "emr-7.5.0-latest"
    assert data["executionRoleArn"] == ROLE
    driver = data["jobDriver"]["sparkSubmitJobDriver"]
    assert driver["entryPoint"].endswith("/tpcds_to_iceberg.py")
    assert driver["entryPointArguments"][0] == "--source-root"


def test_monitoring_goes_to_cloudwatch_and_s3_with_the_persistent_ui(plan: Plan) -> None:
    monitoring = _data(plan)["configurationOverrides"]["monitoringConfiguration"]
    assert monitoring["persistentAppUi"] == "ENABLED"
    assert monitoring["cloudWatchMonitoringConfiguration"]["logGroupName"] == "/hybrid-burst/test/emr-on-eks/emr-spark"
    assert monitoring["s3MonitoringConfiguration"]["logUri"] == "s3://hb-test-logs/emr-on-eks/"


def test_spark_defaults_point_at_the_uploaded_pod_templates_and_iceberg_on_glue(plan: Plan) -> None:
    (conf,) = _data(plan)["configurationOverrides"]["applicationConfigurations"]
    assert conf["classification"] == "spark-defaults"
    props = conf["properties"]
    uploads = {r.name: r for r in plan.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    driver = uploads["lake-pipeline-driver-pod-template"]
    assert props["spark.kubernetes.driver.podTemplateFile"] == f"s3://{driver.inputs['bucket']}/{driver.inputs['key']}"
    assert props["spark.sql.catalog.iceberg.catalog-impl"] == "org.apache.iceberg.aws.glue.GlueCatalog"
    assert props["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert driver.inputs["serverSideEncryption"] == "aws:kms"


def test_pod_templates_put_drivers_on_demand_and_executors_on_spot(plan: Plan) -> None:
    uploads = {r.name: json.loads(r.inputs["content"]) for r in plan.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    driver = uploads["lake-pipeline-driver-pod-template"]
    executor = uploads["lake-pipeline-executor-pod-template"]
    assert driver["spec"]["nodeSelector"]["karpenter.sh/capacity-type"] == "on-demand"
    assert driver["metadata"]["annotations"] == {"karpenter.sh/do-not-disrupt": "true"}
    assert executor["spec"]["nodeSelector"]["karpenter.sh/capacity-type"] == "spot"
    assert executor["spec"]["tolerations"][0]["value"] == "spark-executor"


def test_without_karpenter_pods_go_to_the_managed_groups() -> None:
    placed = pod_templates.placements(karpenter=False)
    assert placed["executor"].node_selector["eks.amazonaws.com/capacityType"] == "SPOT"
    assert placed["driver"].node_selector["eks.amazonaws.com/capacityType"] == "ON_DEMAND"
    assert "tolerations" not in pod_templates.pod_template("driver", placed["driver"])["spec"]


def test_job_role_statements_name_exactly_the_uploaded_pod_templates_and_its_logs(plan: Plan) -> None:
    assert not plan.of_type("aws:iam/rolePolicy:RolePolicy"), "the role's creator (EmrOnEks) attaches the statements"
    captured: dict[str, str] = {}

    def program() -> None:
        document = grants.policy_document(
            job_role_statements("lake-pipeline", artifacts_bucket=_bucket("artifacts"), logs_bucket=_bucket("logs"))
        )
        document.apply(lambda d: captured.setdefault("policy", d))

    pulumi.runtime.settings.ROOT.set(None)
    record(program, stack="test", config={})
    document = captured["policy"]
    assert [(f.issue, f.detail) for f in analyze_policy_string(document).findings] == []
    by_sid = {s["Sid"]: s for s in json.loads(document)["Statement"]}
    objects = plan.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
    uploaded = sorted(f"arn:aws:s3:::{r.inputs['bucket']}/{r.inputs['key']}" for r in objects)
    assert sorted(by_sid["PodTemplates"]["Resource"]) == uploaded
    assert by_sid["LogsWriteObjects"]["Resource"] == "arn:aws:s3:::hb-test-logs/emr-on-eks/*"


def test_release_label_and_defaults_are_pure() -> None:
    assert release_label("emr-7.5.0") == "emr-7.5.0-latest"
    with pytest.raises(ValueError, match=r"emr-7\.5\.0"):
        release_label("7.5.0")
    props = spark_defaults(driver_template_uri="s3://b/d", executor_template_uri="s3://b/e", iceberg_catalog="lake",
                           warehouse="s3://w/", max_executors=8)
    assert props["spark.dynamicAllocation.maxExecutors"] == "8"
    assert props["spark.sql.catalog.lake"] == "org.apache.iceberg.spark.SparkCatalog"
