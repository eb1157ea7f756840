"""Kerberos builders: the security-configuration blocks EMR documents, the cluster attributes, the catalog keys."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from components.emr.kerberos import (
    ClusterKerberos,
    CrossRealmTrust,
    catalog_properties,
    dedicated_kdc,
    engine_keytab,
    external_kdc,
)
from components.emr.security_configuration import security_configuration_document
from scripts.offline.recorder import Plan
from tests.conftest import in_region

TRUST = CrossRealmTrust(realm="CORP.EXAMPLE.COM", domain="corp.example.com", admin_server="kdc.corp.example.com",
                        kdc_server="kdc.corp.example.com")
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def test_dedicated_kdc_without_and_with_a_trust() -> None:
    assert dedicated_kdc(24) == {"Provider": "ClusterDedicatedKdc",
                                 "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 24}}
    block = dedicated_kdc(10, TRUST)["ClusterDedicatedKdcConfiguration"]
    assert block["TicketLifetimeInHours"] == 10
    assert block["CrossRealmTrustConfiguration"] == {"Realm": "CORP.EXAMPLE.COM", "Domain": "corp.example.com",
                                                     "AdminServer": "kdc.corp.example.com",
                                                     "KdcServer": "kdc.corp.example.com"}


def test_external_kdc() -> None:
    assert external_kdc(kdc_server="kdc:88", admin_server="kdc:749") == {
        "Provider": "ExternalKdc",
        "ExternalKdcConfiguration": {"KdcServerType": "Single_KDC", "AdminServer": "kdc:749", "KdcServer": "kdc:88"},
    }


def test_security_configuration_carries_the_block_under_authentication_configuration() -> None:
    doc = security_configuration_document(s3_kms_key_arn=KEY, local_disk_kms_key_arn=KEY,
                                          certificate_zip_s3_uri="s3://b/c.zip", lake_formation=False,
                                          kerberos=dedicated_kdc(24, TRUST))
    assert doc["AuthenticationConfiguration"] == {"KerberosConfiguration": dedicated_kdc(24, TRUST)}
    assert "EncryptionConfiguration" in doc
    plain = security_configuration_document(s3_kms_key_arn=KEY, local_disk_kms_key_arn=KEY,
                                            certificate_zip_s3_uri="s3://b/c.zip", lake_formation=False)
    assert "AuthenticationConfiguration" not in plain


@pytest.mark.parametrize(("engine", "hdfs_key"), [("trino", "hive.hdfs.trino"), ("presto", "hive.hdfs.presto")])
def test_catalog_properties_per_engine(engine: str, hdfs_key: str) -> None:
    props = catalog_properties(engine=engine, principal="hb@R.EXAMPLE", metastore_principal="hive/_HOST@R.EXAMPLE")
    assert props["hive.metastore.authentication.type"] == props["hive.hdfs.authentication.type"] == "KERBEROS"
    assert props["hive.metastore.client.principal"] == props[f"{hdfs_key}.principal"] == "hb@R.EXAMPLE"
    assert props["hive.metastore.client.keytab"] == props[f"{hdfs_key}.keytab"] == engine_keytab(engine)
    assert props["hive.metastore.service.principal"] == "hive/_HOST@R.EXAMPLE"


def test_cluster_gets_attributes_and_kerberized_security_configuration(run_program: Callable[..., Plan]) -> None:
    import pulumi

    kerberos = ClusterKerberos(configuration=dedicated_kdc(24, TRUST), realm="BURST.CORP.EXAMPLE.COM",
                               kdc_admin_password=pulumi.Output.secret("kdc-pass"),
                               cross_realm_trust_principal_password=pulumi.Output.secret("trust-pass"))

    def program() -> None:
        from components.config import load_stack_config
        from components.emr.emr_cluster import EmrCluster, EmrClusterArgs
        from components.emr.fleets.plan import plan_cluster_fleets
        from components.security import grants
        from scripts.offline.recorder import read_stack_config

        cfg = load_stack_config(read_stack_config("dev"), stack="dev")
        EmrCluster(
            "k",
            EmrClusterArgs(
                region="us-east-1",
                account_id="123456789012",
                release_label="emr-7.5.0",
                applications=["Hadoop"],
                fleets=plan_cluster_fleets("burst", cfg.emr.burst),
                vpc_id="vpc-1",
                subnet_ids=["subnet-1"],
                logs_bucket_name="logs",
                logs_kms_key_arn=KEY,
                artifacts_bucket_name="artifacts",
                instance_statements=[grants.s3_write("arn:aws:s3:::logs", "emr/k/")],
                s3_kms_key_arn=KEY,
                local_disk_kms_key_arn=KEY,
                kerberos=kerberos,
            ),
            opts=in_region(),
        )

    plan = run_program(program)
    cluster = plan.one("aws:emr/cluster:Cluster")
    assert cluster.inputs["kerberosAttributes"] == {"realm": "BURST.CORP.EXAMPLE.COM", "kdcAdminPassword": "kdc-pass",
                                                    "crossRealmTrustPrincipalPassword": "trust-pass"}
    assert "kerberosAttributes" in cluster.secret_paths
    sc = plan.one("aws:emr/securityConfiguration:SecurityConfiguration")
    assert json.loads(sc.inputs["configuration"])["AuthenticationConfiguration"]["KerberosConfiguration"] == (
        dedicated_kdc(24, TRUST)
    )
