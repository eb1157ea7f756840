"""Kerberos (``hybrid-burst:onprem.kerberos``): both clusters' security configurations and attributes, the secrets
and their scoped grants, the Alluxio and Trino settings - in prod (proxy mode) and the external example (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from parliament import analyze_policy_string

from components.config import load_stack_config
from components.emr.kerberos import engine_keytab
from scripts.offline.recorder import Plan, RecordedResource, read_stack_config
from tests.stack.conftest import recorded

T_SC = "aws:emr/securityConfiguration:SecurityConfiguration"
T_CLUSTER = "aws:emr/cluster:Cluster"
T_SECRET = "aws:secretsmanager/secret:Secret"
T_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
T_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
T_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
KERBERIZED = ["prod", "example-external"]


def _kerberos(plan: Plan, cluster: str) -> dict[str, Any]:
    sc = plan.one(T_SC, f"{cluster}-sec-security")
    return dict(json.loads(sc.inputs["configuration"])["AuthenticationConfiguration"]["KerberosConfiguration"])


def _policy(plan: Plan, cluster: str) -> dict[str, Any]:
    return dict(json.loads(plan.one(T_ROLE_POLICY, f"{cluster}-roles-instance").inputs["policy"]))


def _secret_statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in policy["Statement"] if any(a.startswith("secretsmanager:") for a in s["Action"])]


def _secret(plan: Plan, name: str) -> RecordedResource:
    return plan.one(T_SECRET, f"kerberos-{name}")


def _args(plan: Plan, cluster: str, action: str) -> list[tuple[str, str]]:
    node = plan.one(T_CLUSTER, f"{cluster}-cluster")
    args = next(a["args"] for a in node.inputs["bootstrapActions"] if a["name"] == action)
    return list(zip(args[::2], args[1::2], strict=False))


def test_prod_proxy_runs_a_dedicated_kdc_and_the_burst_kdc_trusts_its_realm() -> None:
    plan = recorded("prod")
    cfg = load_stack_config(read_stack_config("prod"), stack="prod")
    k = cfg.onprem.kerberos
    assert k.enabled
    assert _kerberos(plan, "onprem") == {
        "Provider": "ClusterDedicatedKdc",
        "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": k.ticket_lifetime_hours},
    }
    burst = _kerberos(plan, "burst")
    assert burst["Provider"] == "ClusterDedicatedKdc"
    trust = burst["ClusterDedicatedKdcConfiguration"]["CrossRealmTrustConfiguration"]
    namenode = f"namenode.{cfg.emr.settings.onprem_dns_zone}"
    assert trust == {"Realm": k.realm, "Domain": "us-west-1.compute.internal", "AdminServer": namenode,
                     "KdcServer": namenode}
    onprem = plan.one(T_CLUSTER, "onprem-cluster").inputs["kerberosAttributes"]
    burst_attrs = plan.one(T_CLUSTER, "burst-cluster").inputs["kerberosAttributes"]
    assert onprem["realm"] == k.realm
    assert burst_attrs["realm"] == k.burst_realm_name == f"BURST.{k.realm}"
    assert "crossRealmTrustPrincipalPassword" not in onprem
    assert burst_attrs["crossRealmTrustPrincipalPassword"]
    assert onprem["kdcAdminPassword"] != burst_attrs["kdcAdminPassword"], "one generated password per KDC"


def test_external_burst_kdc_trusts_the_onprem_realm() -> None:
    plan = recorded("example-external")
    trust = _kerberos(plan, "burst")["ClusterDedicatedKdcConfiguration"]["CrossRealmTrustConfiguration"]
    assert trust == {"Realm": "CORP.EXAMPLE.COM", "Domain": "corp.example.com",
                     "AdminServer": "kdc1.corp.example.com", "KdcServer": "kdc1.corp.example.com"}
    assert plan.of_type(T_SC) == [plan.one(T_SC, "burst-sec-security")]


@pytest.mark.parametrize("stack", KERBERIZED)
def test_passwords_are_secrets_kept_once_and_never_replace_the_cluster(stack: str) -> None:
    plan = recorded(stack)
    for cluster in plan.of_type(T_CLUSTER):
        assert "kerberosAttributes" in cluster.secret_paths
        assert {"kerberosAttributes.kdcAdminPassword", "kerberosAttributes.crossRealmTrustPrincipalPassword"} <= set(
            cluster.options["ignoreChanges"]
        )
    for version in plan.of_type(T_VERSION):
        assert "secretString" in version.secret_paths
        assert version.options["ignoreChanges"] == ["secretString"]


@pytest.mark.parametrize(("stack", "side"), [("prod", "onprem"), ("example-external", "compute")])
def test_secrets_live_beside_the_proxy_or_in_compute_encrypted_with_that_data_key(stack: str, side: str) -> None:
    """Proxy mode: beside the proxy (its VPC has no NAT; an interface endpoint serves its own region only)."""
    plan = recorded(stack)
    cfg = load_stack_config(read_stack_config(stack), stack=stack)
    secrets = plan.of_type(T_SECRET)
    assert {s.name for s in secrets} >= {"kerberos-keytab", "kerberos-burst-kdc-admin", "kerberos-cross-realm"}
    for secret in secrets:
        assert secret.inputs["kmsKeyId"] == plan.outputs[f"{side}_data_key_arn"]
        assert secret.region == getattr(cfg.regions, side)
    keytab = _secret(plan, "keytab")
    assert keytab.inputs["name"] == cfg.onprem.kerberos.keytab_secret_name
    assert plan.of_type(T_VERSION), "the generated passwords have versions"
    assert all(v.inputs["secretId"] != keytab.id for v in plan.of_type(T_VERSION)), "the keytab is never written here"


@pytest.mark.parametrize("stack", KERBERIZED)
def test_burst_role_reads_exactly_the_keytab_secret_and_is_parliament_clean(stack: str) -> None:
    plan = recorded(stack)
    policy = _policy(plan, "burst")
    (stmt,) = _secret_statements(policy)
    assert sorted(stmt["Action"]) == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    assert stmt["Resource"] == _secret(plan, "keytab").outputs["arn"]
    findings = analyze_policy_string(json.dumps(policy)).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_prod_proxy_role_writes_the_keytab_and_reads_the_cross_realm_password_only() -> None:
    plan = recorded("prod")
    policy = _policy(plan, "onprem")
    by_resource = {s["Resource"]: sorted(s["Action"]) for s in _secret_statements(policy)}
    assert by_resource == {
        _secret(plan, "keytab").outputs["arn"]: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
        _secret(plan, "cross-realm").outputs["arn"]: [
            "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"
        ],
    }
    findings = analyze_policy_string(json.dumps(policy)).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_prod_proxy_bootstrap_creates_the_principal_and_the_trust() -> None:
    plan = recorded("prod")
    k = load_stack_config(read_stack_config("prod"), stack="prod").onprem.kerberos
    args = dict(_args(plan, "onprem", "onprem-kerberos"))
    assert args == {
        "--principal": k.principal,
        "--keytab-secret-arn": _secret(plan, "keytab").outputs["arn"],
        "--cross-realm-principal": f"krbtgt/{k.burst_realm_name}@{k.realm}",
        "--cross-realm-secret-arn": _secret(plan, "cross-realm").outputs["arn"],
    }


@pytest.mark.parametrize("stack", KERBERIZED)
def test_alluxio_and_the_onprem_catalog_use_the_keytab(stack: str) -> None:
    plan = recorded(stack)
    k = load_stack_config(read_stack_config(stack), stack=stack).onprem.kerberos
    args = dict(_args(plan, "burst", "alluxio-bootstrap"))
    assert args["--principal"] == k.principal
    assert args["--keytab-secret-arn"] == _secret(plan, "keytab").outputs["arn"]
    catalog = next(o for o in plan.of_type(T_OBJECT) if o.name == "burst-artifact-onprem.properties")
    props = dict(line.split("=", 1) for line in catalog.inputs["content"].splitlines())
    assert {k_: v for k_, v in props.items() if "authentication" in k_ or "principal" in k_ or "keytab" in k_} == {
        "hive.metastore.authentication.type": "KERBEROS",
        "hive.metastore.service.principal": f"hive/_HOST@{k.realm}",
        "hive.metastore.client.principal": k.principal,
        "hive.metastore.client.keytab": engine_keytab("trino"),
        "hive.hdfs.authentication.type": "KERBEROS",
        "hive.hdfs.trino.principal": k.principal,
        "hive.hdfs.trino.keytab": engine_keytab("trino"),
    }


def test_dev_has_no_kerberos() -> None:
    plan = recorded("dev")
    assert not load_stack_config(read_stack_config("dev"), stack="dev").onprem.kerberos.enabled
    for sc in plan.of_type(T_SC):
        assert "AuthenticationConfiguration" not in json.loads(sc.inputs["configuration"])
    assert all("kerberosAttributes" not in c.inputs for c in plan.of_type(T_CLUSTER))
    assert plan.of_type(T_SECRET) == []
    assert all(not _secret_statements(_policy(plan, c)) for c in ("onprem", "burst"))


EXTERNAL_KDC_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:corp/kdc-admin-AbCdEf"


def test_external_kdc_makes_the_onprem_kdc_the_burst_clusters_kdc() -> None:
    """``trust: externalKdc``: Provider ExternalKdc with the on-prem KDC, the on-prem realm, the admin password read
    from the given secret (a Pulumi secret), and no generated burst KDC or cross-realm passwords."""
    from tests import plan_cache
    from tests.components.config.test_stack_config import edited

    config = edited(read_stack_config("example-external"), {
        "hybrid-burst:onprem.kerberos.trust": "externalKdc",
        "hybrid-burst:onprem.kerberos.adminServer": "kadmin.corp.example.com:749",
        "hybrid-burst:onprem.kerberos.kdcAdminPasswordSecretArn": EXTERNAL_KDC_ARN,
    })
    plan = plan_cache.recorded("example-external", config)
    assert _kerberos(plan, "burst") == {
        "Provider": "ExternalKdc",
        "ExternalKdcConfiguration": {"KdcServerType": "Single_KDC", "AdminServer": "kadmin.corp.example.com:749",
                                     "KdcServer": "kdc1.corp.example.com"},
    }
    cluster = plan.one(T_CLUSTER, "burst-cluster")
    assert cluster.inputs["kerberosAttributes"]["realm"] == "CORP.EXAMPLE.COM"
    assert "crossRealmTrustPrincipalPassword" not in cluster.inputs["kerberosAttributes"]
    assert "kerberosAttributes" in cluster.secret_paths
    assert sorted(s.name for s in plan.of_type(T_SECRET)) == ["kerberos-keytab"]
    args = dict(_args(plan, "burst", "alluxio-bootstrap"))
    assert args["--keytab-secret-arn"] == _secret(plan, "keytab").outputs["arn"]
