"""scripts/offline/egress.py: each cluster's AWS calls are derived from the plan, and each has a route out of its VPC.

Issue 10 item 2: the on-prem VPC had only the S3 gateway endpoint while its nodes run the CloudWatch agent, encrypt
their disks with KMS and report to EMR. The services are derived from the recorded plan (bootstrap scripts and
their arguments, the agent configuration, the security configuration, the classifications, the instance role), never
listed here per cluster.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from components.emr.artifacts import bootstrap_artifact
from components.emr.security_configuration import security_configuration_document
from components.observability.cluster_telemetry import BOOTSTRAP_SCRIPT, agent_config
from scripts.offline import egress
from scripts.offline.recorder import Plan, available_stacks
from tests import plan_cache
from tests.stacks import proxy_stacks

STACKS = available_stacks()
KEY = "arn:aws:kms:us-east-1:123456789012:key/0b9d6c1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e"


@pytest.mark.parametrize("stack", STACKS)
def test_every_call_of_every_cluster_has_a_route_in_its_vpc(stack: str) -> None:
    plan = plan_cache.recorded(stack)
    clusters = plan.of_type(egress.CLUSTER)
    # The on-prem proxy and the burst cluster; external mode (issue 13) builds the burst cluster only.
    assert len(clusters) == (2 if stack in proxy_stacks() else 1)
    for cluster in clusters:
        calls = egress.derive_calls(plan, cluster)
        sources = {s.split(" (")[0].split(" hybrid")[0] for group in calls.services.values() for s in group}
        # Every source contributed: the derivation is not vacuous.
        for kind in ("cluster", "bootstrap", "cloudwatch agent config", "security configuration", "instance role"):
            assert any(s.startswith(kind) for s in sources), (cluster.name, kind, sources)
        net = egress.cluster_network(plan, cluster)
        for service in calls.services:
            assert net.route(service) is not None, (cluster.name, service)
    assert [str(f) for f in egress.unrouted(plan)] == []


@pytest.mark.parametrize("stack", proxy_stacks())
def test_the_onprem_cluster_is_routed_by_endpoints_not_a_nat(stack: str) -> None:
    """The on-prem proxy VPC has no internet path in any shipped stack: every call goes through an endpoint."""
    plan = plan_cache.recorded(stack)
    onprem = plan.one(egress.CLUSTER, "onprem-cluster")
    net = egress.cluster_network(plan, onprem)
    assert net.nat == []
    calls = egress.derive_calls(plan, onprem)
    assert egress.INTERNET not in calls.services
    kinds = {s: r.kind for s in calls.services if (r := net.route(s)) is not None}
    assert set(kinds) == set(calls.services)
    assert kinds["s3"] == "gateway-endpoint"


def _without(plan: Plan, predicate: object) -> Plan:
    kept = [r for r in plan.resources if not predicate(r)]  # type: ignore[operator]
    return dataclasses.replace(plan, resources=kept)


def test_a_missing_interface_endpoint_is_found() -> None:
    plan = plan_cache.recorded("prod")
    broken = _without(
        plan,
        lambda r: r.type == egress.ENDPOINT and r.name in ("onprem-kms", "onprem-logs"),
    )
    found = {(f.cluster, f.service) for f in egress.unrouted(broken)}
    assert found == {("onprem-cluster", "kms"), ("onprem-cluster", "logs")}


def test_an_endpoint_whose_security_group_refuses_https_is_no_route() -> None:
    plan = plan_cache.recorded("prod")
    broken = _without(plan, lambda r: r.type == egress.INGRESS and r.name == "onprem-endpoints-https")
    found = {f.service for f in egress.unrouted(broken) if f.cluster == "onprem-cluster"}
    interface = {
        e.inputs["serviceName"].rsplit(".", 1)[1]
        for e in plan.of_type(egress.ENDPOINT)
        if e.name.startswith("onprem-") and e.inputs["vpcEndpointType"] == "Interface"
    }
    called = set(egress.derive_calls(plan, plan.one(egress.CLUSTER, "onprem-cluster")).services)
    assert found == called & interface


def test_without_the_nat_the_burst_download_has_no_route() -> None:
    plan = plan_cache.recorded("dev")
    broken = _without(plan, lambda r: r.type == egress.ROUTE and r.inputs.get("destinationCidrBlock") == "0.0.0.0/0")
    found = {(f.cluster, f.service) for f in egress.unrouted(broken)}
    assert ("burst-cluster", egress.INTERNET) in found


def test_the_real_bootstrap_scripts_call_s3_only() -> None:
    """Both scripts fetch from S3 (aws s3 cp, and yum from the S3-hosted repositories); the Alluxio bootstrap and the
    proxy's Kerberos bootstrap also read or store the keytab in Secrets Manager (issue 13); nothing else."""
    assert egress._script_calls(BOOTSTRAP_SCRIPT.read_text()) == {"s3"}
    assert egress._script_calls(bootstrap_artifact("alluxio-bootstrap.sh").content) == {"s3", "secretsmanager"}
    assert egress._script_calls(bootstrap_artifact("onprem-kerberos.sh").content) == {"secretsmanager"}


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        pytest.param("aws emr describe-cluster --cluster-id j-1\n", {"elasticmapreduce"}, id="emr"),
        pytest.param("x=$(aws cloudwatch put-metric-data --namespace N)\n", {"monitoring"}, id="cloudwatch"),
        pytest.param("sudo yum install -y jq\n", {"s3"}, id="yum"),
        pytest.param("echo 'no aws here'\n# the aws docs say\n", set(), id="none"),
        pytest.param("if true; then aws sts get-caller-identity; fi\n", {"sts"}, id="after-then"),
        pytest.param("sudo -u hadoop aws glue get-tables\n", {"glue"}, id="after-sudo"),
        pytest.param('case "$u" in\n  s3://*) aws s3 cp "$u" x ;;\nesac\n', {"s3"}, id="case-arm"),
    ],
)
def test_script_calls(script: str, expected: set[str]) -> None:
    assert egress._script_calls(script) == expected


def test_agent_configuration_calls_logs_and_monitoring() -> None:
    config = agent_config(
        groups={"steps": "/g/steps", "spark": "/g/spark"},
        applications=["spark"],
        metrics_namespace="NS",
        statsd_port=8125,
    )
    assert egress._agent_calls(config) == {"logs", "monitoring"}
    assert egress._agent_calls({**config, "metrics": {}}) == {"logs"}


@pytest.mark.parametrize("lake_formation", [False, True])
def test_security_configuration_calls(lake_formation: bool) -> None:
    doc = security_configuration_document(
        s3_kms_key_arn=KEY,
        local_disk_kms_key_arn=KEY,
        certificate_zip_s3_uri="s3://b/certs.zip",
        lake_formation=lake_formation,
    )
    expected = {"kms", "s3"} | ({"lakeformation", "glue", "sts"} if lake_formation else set())
    assert egress._security_configuration_calls(json.loads(json.dumps(doc))) == expected
