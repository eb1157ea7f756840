"""``hybrid-burst:onprem``: what the burst side connects to - the two-region proxy, or a real on-prem Hadoop.

- ``mode: proxy`` (default): the program builds an EMR cluster in a second region as a stand-in for the on-prem lake
  and joins the VPCs with cross-region peering (ADR 0001). Nothing else in this section is read except ``kerberos``.
- ``mode: external``: no on-prem region, provider, VPC or cluster. The on-prem CIDRs, NameNode(s) (an HA nameservice
  too), the Hive metastore URI(s), the DNS domain and its DNS servers come from here, and the compute VPC is joined to
  the data centre by an AWS Site-to-Site VPN, an existing Direct Connect gateway, or an existing transit gateway
  (docs/adr/0009-onprem-connection-modes-and-kerberos.md).

``kerberos`` applies in both modes: the proxy cluster runs a cluster-dedicated KDC for ``realm``; in external mode
``realm`` is the on-prem realm. The burst side reads HDFS and the metastore as ``principal`` with the keytab held in
the Secrets Manager secret ``keytabSecretName``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .errors import PROJECT
from .types import Arn, StrictModel

DEFAULT_NAMENODE_PORT = 8020
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
_METASTORE_RE = re.compile(r"^thrift://([^:/]+):(\d{1,5})$")
_REALM_RE = re.compile(r"^[A-Z0-9]([A-Z0-9.-]*[A-Z0-9])?$")
_PRINCIPAL_RE = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?@([A-Z0-9.-]+)$")
# Secrets Manager secret names: 1-512 of letters, digits and /_+=.@- (CreateSecret, Name).
_SECRET_NAME_RE = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_TGW_RE = re.compile(r"^tgw-[0-9a-f]{8,17}$")
# Direct Connect gateway ids are UUIDs (DescribeDirectConnectGateways, directConnectGatewayId).
_DXGW_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Private ASNs a customer gateway may use (RFC 6996), and the range EC2 accepts for CreateCustomerGateway.BgpAsn.
ASN_RANGE = (1, 4_294_967_294)
# Amazon-side ASN of a transit gateway or virtual private gateway: a private ASN
# (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html, "Amazon side ASN").
AMAZON_ASN_RANGES = ((64_512, 65_534), (4_200_000_000, 4_294_967_294))
# A Route 53 Resolver rule forwards to at most 6 target IPs (Route 53 Resolver quotas, "Target IP addresses per rule").
MAX_DNS_TARGETS = 6


# Ranges an internet-facing VPN device cannot have: RFC 1918, shared (CGNAT), loopback, link-local, "this network".
# (Documentation ranges such as 203.0.113.0/24 are allowed: the example stack uses one.)
_NOT_INTERNET = tuple(
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
              "0.0.0.0/8")
)


def host_port(value: str, default_port: int) -> tuple[str, int]:
    """``host[:port]`` -> (host, port)."""
    host, _, port = value.partition(":")
    return host, int(port) if port else default_port


def _onprem_network(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"not an IPv4 network ({exc}); write e.g. 192.168.0.0/16") from None
    if net.version != 4 or not net.is_private:
        raise ValueError("an on-prem range reached over a private link is a private IPv4 network, e.g. 192.168.0.0/16")
    return value


class HdfsConfig(StrictModel):
    """The on-prem HDFS the burst side mounts through Alluxio."""

    namenodes: list[str] = Field(min_length=1, max_length=5)
    """NameNode RPC addresses, ``host[:port]`` (port default 8020). Required. Two or more only with ``nameservice``
    (HDFS HA: https://hadoop.apache.org/docs/r3.3.6/hadoop-project-dist/hadoop-hdfs/HDFSHighAvailabilityWithQJM.html)."""
    nameservice: str | None = None
    """Logical name of an HA nameservice (``dfs.nameservices``), e.g. ``corp-hdfs``. Default: none (one NameNode)."""

    @field_validator("namenodes")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            host, _, port = item.partition(":")
            if not _HOST_RE.match(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
                raise ValueError(
                    f"{item!r} is not host[:port] with a fully qualified host, e.g. nn1.corp.example.com:8020"
                )
        if len(set(value)) != len(value):
            raise ValueError("lists a NameNode twice; list each once")
        return value

    @model_validator(mode="after")
    def _ha(self) -> HdfsConfig:
        if len(self.namenodes) > 1 and self.nameservice is None:
            raise ValueError(
                "@nameservice: several NameNodes are an HA pair and need the nameservice's logical name "
                "(dfs.nameservices); set nameservice, or list one NameNode"
            )
        if self.nameservice is not None and len(self.namenodes) < 2:
            raise ValueError("@namenodes: an HA nameservice has at least two NameNodes; list both, or drop nameservice")
        if self.nameservice is not None and not re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", self.nameservice):
            raise ValueError("@nameservice: a nameservice is lowercase letters, digits and '-', e.g. corp-hdfs")
        return self

    def hosts(self) -> list[tuple[str, int]]:
        return [host_port(n, DEFAULT_NAMENODE_PORT) for n in self.namenodes]

    @property
    def authority(self) -> str:
        """The ``hdfs://`` authority: the nameservice, or the single NameNode's host:port."""
        if self.nameservice is not None:
            return self.nameservice
        host, port = self.hosts()[0]
        return f"{host}:{port}"


class DnsConfig(StrictModel):
    """The on-prem DNS: Route 53 Resolver forwards ``domain`` from the compute VPC to ``serverIps``."""

    domain: str
    """The on-prem DNS domain, e.g. ``corp.example.com``; every NameNode and metastore host is under it. Required."""
    server_ips: list[str] = Field(min_length=1, max_length=MAX_DNS_TARGETS)
    """On-prem DNS servers (port 53), inside ``onprem.cidrs``. Required (1-6: Route 53 Resolver's target limit)."""

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not _HOST_RE.match(value):
            raise ValueError("not a DNS domain; write lowercase labels, e.g. corp.example.com")
        return value

    @field_validator("server_ips")
    @classmethod
    def _ips(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.IPv4Address(item)
            except ValueError:
                raise ValueError(f"{item!r} is not an IPv4 address; write e.g. 192.168.1.10") from None
        return value


class VpnConfig(StrictModel):
    """An AWS Site-to-Site VPN from the compute VPC to the data centre's VPN device."""

    customer_gateway_ip: str
    """Public IPv4 address of the on-prem VPN device (the customer gateway). Required."""
    attach_to: Literal["transitGateway", "virtualPrivateGateway"] = "transitGateway"
    """Where the VPN terminates: a new transit gateway (attached to the compute VPC) or a virtual private gateway.
    Default: transitGateway (grows to more VPCs and sites)."""
    bgp_asn: int | None = None
    """The on-prem device's BGP ASN: dynamic routing. Default: none (then ``staticRoutes`` is required)."""
    static_routes: list[str] = Field(default_factory=list)
    """Static routing: the on-prem prefixes routed over the tunnels. Default: none (then ``bgpAsn`` is required)."""
    amazon_side_asn: int = 64512
    """ASN of the AWS side (transit or virtual private gateway). Default: 64512."""

    @field_validator("customer_gateway_ip")
    @classmethod
    def _public(cls, value: str) -> str:
        try:
            addr = ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError("not an IPv4 address; write the VPN device's public address, e.g. 203.0.113.10") from None
        if any(addr in n for n in _NOT_INTERNET) or addr.is_multicast or addr.is_unspecified:
            raise ValueError("a customer gateway is reached over the internet: give the device's public IPv4 address")
        return value

    @field_validator("static_routes")
    @classmethod
    def _routes(cls, value: list[str]) -> list[str]:
        return [_onprem_network(v) for v in value]

    @model_validator(mode="after")
    def _routing(self) -> VpnConfig:
        if self.bgp_asn is None and not self.static_routes:
            raise ValueError(
                "@bgpAsn: the VPN has no routing: give bgpAsn (the on-prem device's ASN, dynamic routing) or "
                "staticRoutes (the on-prem prefixes)"
            )
        if self.bgp_asn is not None and not ASN_RANGE[0] <= self.bgp_asn <= ASN_RANGE[1]:
            raise ValueError(f"@bgpAsn: a BGP ASN is {ASN_RANGE[0]}-{ASN_RANGE[1]}; e.g. 65010")
        if not any(lo <= self.amazon_side_asn <= hi for lo, hi in AMAZON_ASN_RANGES):
            raise ValueError("@amazonSideAsn: the AWS side needs a private ASN (64512-65534 or 4200000000-4294967294)")
        if self.bgp_asn is not None and self.bgp_asn == self.amazon_side_asn:
            raise ValueError("@bgpAsn: equals amazonSideAsn; the two ends of a BGP session need different ASNs")
        return self


class ConnectionConfig(StrictModel):
    """How the compute VPC reaches the data centre."""

    type: Literal["vpn", "directConnectGateway", "transitGateway"] = "vpn"
    """``vpn``: a Site-to-Site VPN built here (``vpn``); ``directConnectGateway``: a virtual private gateway on the
    compute VPC associated with the existing Direct Connect gateway ``directConnectGatewayId``; ``transitGateway``:
    the compute VPC attached to the existing transit gateway ``transitGatewayId`` that already reaches on-prem.
    Default: vpn."""
    vpn: VpnConfig | None = None
    """The VPN (``type: vpn``). Required with it."""
    direct_connect_gateway_id: str | None = None
    """Existing Direct Connect gateway id (a UUID; ``type: directConnectGateway``)."""
    transit_gateway_id: str | None = None
    """Existing transit gateway id, ``tgw-...`` (``type: transitGateway``)."""

    @model_validator(mode="after")
    def _one_kind(self) -> ConnectionConfig:
        given = {
            "vpn": self.vpn is not None,
            "directConnectGateway": self.direct_connect_gateway_id is not None,
            "transitGateway": self.transit_gateway_id is not None,
        }
        key = {"vpn": "vpn", "directConnectGateway": "directConnectGatewayId", "transitGateway": "transitGatewayId"}
        if not given[self.type]:
            raise ValueError(f"@{key[self.type]}: type is {self.type} but {key[self.type]} is missing; add it")
        extra = [key[k] for k, v in given.items() if v and k != self.type]
        if extra:
            raise ValueError(f"@{extra[0]}: is not read with type {self.type}; remove it or change type")
        if self.direct_connect_gateway_id is not None and not _DXGW_RE.match(self.direct_connect_gateway_id):
            raise ValueError("@directConnectGatewayId: a Direct Connect gateway id is a UUID (aws directconnect "
                             "describe-direct-connect-gateways)")
        if self.transit_gateway_id is not None and not _TGW_RE.match(self.transit_gateway_id):
            raise ValueError("@transitGatewayId: a transit gateway id is tgw- and 8-17 hex digits")
        return self


class KerberosConfig(StrictModel):
    """Kerberos between the burst side and the on-prem lake (docs/adr/0009-onprem-connection-modes-and-kerberos.md)."""

    enabled: bool = False
    """Kerberize the clusters and read the lake with a keytab. Default: off (on in prod)."""
    realm: str | None = None
    """The on-prem realm: in proxy mode the realm of the proxy cluster's dedicated KDC, in external mode the
    on-prem realm (upper case, e.g. CORP.EXAMPLE.COM). Required when enabled."""
    burst_realm: str | None = None
    """Realm of the burst cluster's own dedicated KDC (``trust: crossRealm``). Default: ``BURST.<realm>``."""
    trust: Literal["crossRealm", "externalKdc"] = "crossRealm"
    """How the burst cluster authenticates to the on-prem realm: ``crossRealm`` (its own cluster-dedicated KDC with a
    cross-realm trust to ``realm``) or ``externalKdc`` (the on-prem KDC / Active Directory is the cluster's KDC).
    Default: crossRealm."""
    kdc: str | None = None
    """On-prem KDC ``host[:port]`` (external mode). Default in proxy mode: the proxy's primary node."""
    admin_server: str | None = None
    """On-prem kadmin ``host[:port]`` (external mode). Default: ``kdc``."""
    principal: str | None = None
    """Principal the burst side reads HDFS and the metastore as, e.g. ``hb-burst@CORP.EXAMPLE.COM``. Required when
    enabled; its realm is ``realm``."""
    keytab_secret_name: str | None = None
    """Name of the Secrets Manager secret holding the principal's keytab (base64). The program creates the secret,
    encrypted with the compute data key; the keytab is put into it out of band. Required when enabled."""
    kdc_admin_password_secret_arn: Arn | None = None
    """``trust: externalKdc``: ARN of an existing Secrets Manager secret holding the on-prem KDC's admin password
    (EMR's ``KdcAdminPassword`` for an external KDC), read at deploy time. Required with externalKdc."""
    metastore_principal: str | None = None
    """The metastore's service principal. Default: ``hive/_HOST@<realm>``."""
    ticket_lifetime_hours: int = Field(default=24, ge=1, le=168)
    """Lifetime of tickets from the clusters' dedicated KDCs. Default: 24 hours."""

    @model_validator(mode="after")
    def _complete(self) -> KerberosConfig:
        for key, value in (("realm", self.realm), ("burstRealm", self.burst_realm)):
            if value is not None and not _REALM_RE.match(value):
                raise ValueError(f"@{key}: a Kerberos realm is upper case, by convention the DNS domain, e.g. "
                                 "CORP.EXAMPLE.COM")
        if not self.enabled:
            return self
        missing = [k for k, v in (("realm", self.realm), ("principal", self.principal),
                                  ("keytabSecretName", self.keytab_secret_name)) if v is None]
        if missing:
            raise ValueError(f"@{missing[0]}: Kerberos is enabled but {', '.join(missing)} "
                             f"{'is' if len(missing) == 1 else 'are'} missing; add them or set enabled: false")
        match = _PRINCIPAL_RE.match(self.principal or "")
        if not match:
            raise ValueError("@principal: not a Kerberos principal; write primary[/instance]@REALM, e.g. "
                             "hb-burst@CORP.EXAMPLE.COM")
        if match.group(2) != self.realm:
            raise ValueError(f"@principal: its realm {match.group(2)} is not realm {self.realm}; the burst side "
                             "authenticates in the on-prem realm")
        if not _SECRET_NAME_RE.match(self.keytab_secret_name or ""):
            raise ValueError("@keytabSecretName: a Secrets Manager name is 1-512 letters, digits and /_+=.@-")
        if self.trust == "externalKdc" and self.kdc_admin_password_secret_arn is None:
            raise ValueError("@kdcAdminPasswordSecretArn: trust externalKdc needs the on-prem KDC admin password's "
                             "secret (EMR's KdcAdminPassword); add its ARN, or use trust: crossRealm")
        if self.trust == "crossRealm" and self.kdc_admin_password_secret_arn is not None:
            raise ValueError("@kdcAdminPasswordSecretArn: is read with trust: externalKdc only (a cross-realm trust "
                             "generates the burst KDC's own password); remove it")
        if self.burst_realm is not None and self.burst_realm == self.realm:
            raise ValueError("@burstRealm: equals realm; a cross-realm trust joins two different realms")
        return self

    @property
    def burst_realm_name(self) -> str:
        return self.burst_realm or f"BURST.{self.realm}"

    @property
    def metastore_principal_name(self) -> str:
        return self.metastore_principal or f"hive/_HOST@{self.realm}"


class OnpremConfig(StrictModel):
    """The on-prem side: the proxy cluster built here, or an external Hadoop reached over a private link."""

    mode: Literal["proxy", "external"] = "proxy"
    """``proxy``: a second-region EMR cluster stands in for the on-prem lake (cross-region peering). ``external``: a
    real on-prem Hadoop given below; no on-prem region, VPC or cluster is created. Default: proxy."""
    cidrs: list[str] = Field(default_factory=list)
    """On-prem networks the burst side reaches (external). Routed over the connection; the only sources and
    destinations of the Hadoop ports. Required in external mode."""
    hdfs: HdfsConfig | None = None
    """The on-prem NameNode(s) (external). Required in external mode."""
    metastore_uris: list[str] = Field(default_factory=list)
    """Hive metastore URIs, ``thrift://host:port`` (external). Required in external mode."""
    dns: DnsConfig | None = None
    """The on-prem DNS domain and servers (external). Required in external mode."""
    connection: ConnectionConfig | None = None
    """VPN, Direct Connect gateway or transit gateway (external). Required in external mode."""
    kerberos: KerberosConfig = Field(default_factory=KerberosConfig)
    """Kerberos (both modes). Default: off."""

    @field_validator("cidrs")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        nets = [ipaddress.ip_network(_onprem_network(v)) for v in value]
        for i, a in enumerate(nets):
            for b in nets[i + 1:]:
                if a.overlaps(b):
                    raise ValueError(f"{a} and {b} overlap; list disjoint on-prem ranges")
        return value

    @field_validator("metastore_uris")
    @classmethod
    def _uris(cls, value: list[str]) -> list[str]:
        for uri in value:
            m = _METASTORE_RE.match(uri)
            if not m or not _HOST_RE.match(m.group(1)):
                raise ValueError(f"{uri!r} is not thrift://host:port with a fully qualified host, e.g. "
                                 "thrift://hms1.corp.example.com:9083")
        return value

    @model_validator(mode="after")
    def _mode(self) -> OnpremConfig:
        external_keys = {"cidrs": bool(self.cidrs), "hdfs": self.hdfs is not None,
                         "metastoreUris": bool(self.metastore_uris), "dns": self.dns is not None,
                         "connection": self.connection is not None}
        if self.mode == "proxy":
            given = [k for k, v in external_keys.items() if v]
            if given:
                raise ValueError(f"@{given[0]}: is read only with mode: external (proxy mode builds the on-prem "
                                 "side itself); remove it or set mode: external")
            return self
        missing = [k for k, v in external_keys.items() if not v]
        if missing:
            raise ValueError(f"@{missing[0]}: mode is external but {', '.join(missing)} "
                             f"{'is' if len(missing) == 1 else 'are'} missing; add them (docs/configuration.md)")
        assert self.dns is not None
        assert self.hdfs is not None
        domain = self.dns.domain
        for i, (host, _port) in enumerate(self.hdfs.hosts()):
            if not host.endswith("." + domain):
                raise ValueError(f"@hdfs.namenodes.{i}: host {host} is not under dns.domain {domain}; the compute VPC "
                                 "resolves only that domain through the on-prem DNS - fix the host or dns.domain")
        for i, (host, _port) in enumerate(self.metastore_hosts()):
            if not host.endswith("." + domain):
                raise ValueError(f"@metastoreUris.{i}: host {host} is not under dns.domain {domain}; fix the URI or "
                                 "dns.domain")
        nets = [ipaddress.ip_network(c) for c in self.cidrs]
        for i, ip in enumerate(self.dns.server_ips):
            if not any(ipaddress.IPv4Address(ip) in n for n in nets):
                raise ValueError(f"@dns.serverIps.{i}: {ip} is in none of cidrs {self.cidrs}; the resolver reaches "
                                 "the DNS servers over the connection - add their range to cidrs")
        if self.connection is not None and self.connection.vpn is not None:
            for i, route in enumerate(self.connection.vpn.static_routes):
                if not any(ipaddress.ip_network(route).subnet_of(n) for n in nets):  # type: ignore[arg-type]
                    raise ValueError(f"@connection.vpn.staticRoutes.{i}: {route} is outside cidrs {self.cidrs}; "
                                     "route only the on-prem ranges")
        k = self.kerberos
        if k.enabled and k.kdc is None:
            raise ValueError("@kerberos.kdc: external mode with Kerberos needs the on-prem KDC (host[:port])")
        for key, value in (("kerberos.kdc", k.kdc), ("kerberos.adminServer", k.admin_server)):
            if value is not None and not host_port(value, 88)[0].endswith("." + domain):
                raise ValueError(f"@{key}: host {value} is not under dns.domain {domain}")
        return self

    def metastore_hosts(self) -> list[tuple[str, int]]:
        out = []
        for uri in self.metastore_uris:
            m = _METASTORE_RE.match(uri)
            assert m is not None
            out.append((m.group(1), int(m.group(2))))
        return out

    @property
    def external(self) -> bool:
        return self.mode == "external"


PRESETS: dict[str, dict[str, Any]] = {
    "dev": {"mode": "proxy", "kerberos": {"enabled": False}},
    "staging": {"mode": "proxy", "kerberos": {"enabled": False}},
    "prod": {"mode": "proxy"},
}
"""Every environment starts in proxy mode; prod turns Kerberos on in its stack file (it needs a realm and a keytab
secret name no preset can guess)."""


def _key(path: str) -> str:
    return f"{PROJECT}:{path}"


def onprem_side_problems(onprem: OnpremConfig, regions: Any, net: Any, emr: Any) -> list[tuple[str, Any, str]]:
    """Checks across sections (``checks.cross_checks``): proxy mode needs the proxy's region, VPC and fleets;
    external mode's on-prem ranges stay clear of the cloud."""
    problems: list[tuple[str, Any, str]] = []
    if not onprem.external:
        for key, value in (("regions.onprem", regions.onprem), ("network.onprem", net.onprem),
                           ("emr.onprem", emr.onprem)):
            if value is None:
                problems.append((_key(key), None, ("is required with onprem.mode: proxy (the proxy cluster's region, "
                                 "VPC and fleets); set it, or set onprem.mode: external")))
        kerberos = onprem.kerberos
        if kerberos.enabled and kerberos.trust == "externalKdc":
            message = ("proxy mode runs the on-prem realm's KDC on the proxy cluster; the burst cluster trusts it "
                       "(crossRealm) - use trust: crossRealm")
            problems.append((_key("onprem.kerberos.trust"), "externalKdc", message))
        for key, value in (("kdc", kerberos.kdc), ("adminServer", kerberos.admin_server)):
            if value is not None:
                problems.append((_key(f"onprem.kerberos.{key}"), value, ("is not read in proxy mode (the proxy "
                                 "cluster's dedicated KDC is on its primary node); remove it")))
        return problems
    compute = ipaddress.ip_network(net.compute.cidr)
    for i, cidr in enumerate(onprem.cidrs):
        if ipaddress.ip_network(cidr).overlaps(compute):
            problems.append((_key(f"onprem.cidrs.{i}"), cidr, (f"overlaps network.compute.cidr {net.compute.cidr}; "
                             "routes to on-prem would shadow the VPC's own range - pick disjoint ranges")))
    return problems


def mode_of(raw_section: Any) -> str:
    """The mode a stack file asks for (before validation): ``external`` only when written so."""
    if isinstance(raw_section, dict) and raw_section.get("mode") == "external":
        return "external"
    return "proxy"
