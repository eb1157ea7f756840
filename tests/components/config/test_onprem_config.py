"""``hybrid-burst:onprem``: proxy and external modes, Kerberos, and every bad input named by its key (issue 13)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from tests.components.config.test_stack_config import DELETE, edited

P = "hybrid-burst"

EXTERNAL: dict[str, Any] = {
    f"{P}:environment": "dev",
    f"{P}:accountBaseline": {"ownership": "own", "accountId": "444444444444",
                             "lakeFormationAdmins": ["arn:aws:iam::444444444444:role/hybrid-burst-deployer"]},
    f"{P}:regions": {"compute": "us-east-1"},
    f"{P}:network": {"compute": {"cidr": "10.70.0.0/16"}},
    f"{P}:onprem": {
        "mode": "external",
        "cidrs": ["192.168.0.0/16"],
        "hdfs": {"nameservice": "corp-hdfs", "namenodes": ["nn1.corp.example.com:8020", "nn2.corp.example.com"]},
        "metastoreUris": ["thrift://hms1.corp.example.com:9083"],
        "dns": {"domain": "corp.example.com", "serverIps": ["192.168.1.10", "192.168.1.11"]},
        "connection": {"type": "vpn", "vpn": {"customerGatewayIp": "203.0.113.10", "bgpAsn": 65010}},
        "kerberos": {
            "enabled": True,
            "realm": "CORP.EXAMPLE.COM",
            "kdc": "kdc1.corp.example.com",
            "principal": "hb-burst@CORP.EXAMPLE.COM",
            "keytabSecretName": "hybrid-burst/example/onprem-keytab",
        },
    },
}

PROXY: dict[str, Any] = {
    f"{P}:environment": "dev",
    f"{P}:accountBaseline": {"ownership": "own", "accountId": "444444444444",
                             "lakeFormationAdmins": ["arn:aws:iam::444444444444:role/hybrid-burst-deployer"]},
    f"{P}:network": {"onprem": {"cidr": "10.10.0.0/16"}, "compute": {"cidr": "10.20.0.0/16"}},
}


def test_proxy_is_the_default_mode() -> None:
    cfg = load_stack_config(PROXY, stack="dev")
    assert cfg.onprem.mode == "proxy"
    assert not cfg.onprem.kerberos.enabled
    assert cfg.network.onprem is not None
    assert cfg.emr.onprem is not None
    assert cfg.regions.onprem == "us-west-1"


def test_external_mode_reads_no_onprem_region_vpc_or_cluster() -> None:
    cfg = load_stack_config(EXTERNAL, stack="ext")
    assert cfg.onprem.external
    assert cfg.regions.onprem is None
    assert cfg.network.onprem is None
    assert cfg.emr.onprem is None
    assert cfg.onprem.hdfs is not None
    assert cfg.onprem.hdfs.authority == "corp-hdfs"
    assert cfg.onprem.hdfs.hosts() == [("nn1.corp.example.com", 8020), ("nn2.corp.example.com", 8020)]
    assert cfg.onprem.metastore_hosts() == [("hms1.corp.example.com", 9083)]
    assert cfg.onprem.kerberos.burst_realm_name == "BURST.CORP.EXAMPLE.COM"
    assert cfg.onprem.kerberos.metastore_principal_name == "hive/_HOST@CORP.EXAMPLE.COM"


def test_static_routes_instead_of_bgp() -> None:
    vpn = {"customerGatewayIp": "203.0.113.10", "staticRoutes": ["192.168.0.0/17"]}
    cfg = load_stack_config(edited(EXTERNAL, {f"{P}:onprem.connection.vpn": vpn}), stack="ext")
    assert cfg.onprem.connection is not None
    assert cfg.onprem.connection.vpn is not None
    assert cfg.onprem.connection.vpn.bgp_asn is None


BAD = [
    pytest.param(PROXY, {f"{P}:onprem.cidrs": ["192.168.0.0/16"]}, f"{P}:onprem.cidrs", "mode: external",
                 id="proxy-with-external-keys"),
    pytest.param(PROXY, {f"{P}:onprem.kerberos.enabled": True}, f"{P}:onprem.kerberos.realm", "missing",
                 id="kerberos-without-realm"),
    pytest.param(EXTERNAL, {f"{P}:onprem.kerberos.keytabSecretName": DELETE},
                 f"{P}:onprem.kerberos.keytabSecretName", "missing", id="kerberos-without-keytab-secret"),
    pytest.param(EXTERNAL, {f"{P}:onprem.kerberos.principal": "hb@OTHER.EXAMPLE.COM"},
                 f"{P}:onprem.kerberos.principal", "realm", id="principal-in-another-realm"),
    pytest.param(EXTERNAL, {f"{P}:onprem.kerberos.realm": "corp.example.com"}, f"{P}:onprem.kerberos.realm",
                 "upper case", id="lower-case-realm"),
    pytest.param(EXTERNAL, {f"{P}:onprem.kerberos.kdc": DELETE}, f"{P}:onprem.kerberos.kdc", "KDC",
                 id="external-kerberos-without-kdc"),
    pytest.param(PROXY, {f"{P}:onprem.kerberos": {"enabled": True, "realm": "ONPREM.EXAMPLE.COM",
                                                   "principal": "hb@ONPREM.EXAMPLE.COM", "keytabSecretName": "kt",
                                                   "kdc": "kdc.example.com"}},
                 f"{P}:onprem.kerberos.kdc", "proxy mode", id="proxy-with-kdc"),
    pytest.param(EXTERNAL, {f"{P}:onprem.kerberos.trust": "externalKdc"},
                 f"{P}:onprem.kerberos.kdcAdminPasswordSecretArn", "externalKdc", id="external-kdc-without-password"),
    pytest.param(PROXY, {f"{P}:onprem.kerberos": {
        "enabled": True, "realm": "ONPREM.EXAMPLE.COM", "trust": "externalKdc", "principal": "hb@ONPREM.EXAMPLE.COM",
        "keytabSecretName": "kt", "kdcAdminPasswordSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
    }},
                 f"{P}:onprem.kerberos.trust", "crossRealm", id="proxy-with-external-kdc"),
    pytest.param(EXTERNAL, {f"{P}:onprem.cidrs": ["192.168.0.0/16", "10.70.128.0/17"]}, f"{P}:onprem.cidrs.1",
                 "overlaps network.compute.cidr", id="onprem-overlaps-compute"),
    pytest.param(EXTERNAL, {f"{P}:onprem.cidrs": ["192.168.0.0/16", "192.168.4.0/24"]}, f"{P}:onprem.cidrs",
                 "overlap", id="onprem-ranges-overlap"),
    pytest.param(EXTERNAL, {f"{P}:onprem.connection.vpn": {"customerGatewayIp": "203.0.113.10"}},
                 f"{P}:onprem.connection.vpn.bgpAsn", "no routing", id="vpn-without-asn-or-routes"),
    pytest.param(EXTERNAL, {f"{P}:onprem.connection.vpn.customerGatewayIp": "192.168.9.9"},
                 f"{P}:onprem.connection.vpn.customerGatewayIp", "public", id="private-customer-gateway"),
    pytest.param(EXTERNAL, {f"{P}:onprem.connection.vpn.bgpAsn": 64512}, f"{P}:onprem.connection.vpn.bgpAsn",
                 "amazonSideAsn", id="same-asn-both-ends"),
    pytest.param(EXTERNAL, {f"{P}:onprem.connection": {"type": "transitGateway"}},
                 f"{P}:onprem.connection.transitGatewayId", "missing", id="tgw-without-id"),
    pytest.param(EXTERNAL, {f"{P}:onprem.connection": {"type": "directConnectGateway",
                                                       "directConnectGatewayId": "dxgw-123"}},
                 f"{P}:onprem.connection.directConnectGatewayId", "UUID", id="dx-gateway-id-not-a-uuid"),
    pytest.param(EXTERNAL, {f"{P}:onprem.hdfs.namenodes": ["nn1.other.example.org:8020", "nn2.corp.example.com"]},
                 f"{P}:onprem.hdfs.namenodes.0", "dns.domain", id="namenode-outside-domain"),
    pytest.param(EXTERNAL, {f"{P}:onprem.metastoreUris": ["thrift://hms.elsewhere.net:9083"]},
                 f"{P}:onprem.metastoreUris.0", "dns.domain", id="metastore-outside-domain"),
    pytest.param(EXTERNAL, {f"{P}:onprem.metastoreUris": ["http://hms1.corp.example.com:9083"]},
                 f"{P}:onprem.metastoreUris", "thrift://", id="metastore-not-thrift"),
    pytest.param(EXTERNAL, {f"{P}:onprem.hdfs.nameservice": DELETE}, f"{P}:onprem.hdfs.nameservice", "HA",
                 id="two-namenodes-without-nameservice"),
    pytest.param(EXTERNAL, {f"{P}:onprem.dns.serverIps": ["172.16.0.2"]}, f"{P}:onprem.dns.serverIps.0",
                 "none of cidrs", id="dns-server-outside-onprem"),
    pytest.param(EXTERNAL, {f"{P}:onprem.dns": DELETE}, f"{P}:onprem.dns", "missing", id="external-without-dns"),
    pytest.param(EXTERNAL, {f"{P}:network.onprem": {"cidr": "10.10.0.0/16"}}, f"{P}:network.onprem",
                 "external", id="external-with-proxy-vpc"),
    pytest.param(EXTERNAL, {f"{P}:regions.onprem": "us-west-2"}, f"{P}:regions.onprem", "external",
                 id="external-with-proxy-region"),
]


@pytest.mark.parametrize(("base", "edits", "key", "fragment"), BAD)
def test_bad_onprem_config_names_the_key(base: dict[str, Any], edits: dict[str, Any], key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_stack_config(edited(copy.deepcopy(base), edits), stack="ext")
    problems = {k: message for k, _value, message in info.value.problems}
    assert key in problems, info.value
    assert fragment in problems[key], problems[key]
