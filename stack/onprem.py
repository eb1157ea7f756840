"""The on-prem side as the burst cluster sees it: where the lake is (the proxy's stable names or the configured
external hosts) and, with Kerberos, the secrets and each cluster's Kerberos settings
(docs/adr/0009-onprem-connection-modes-and-kerberos.md).

Proxy cluster: a cluster-dedicated KDC for the on-prem realm; its bootstrap (``onprem-kerberos.sh``) creates the burst
side's principal, stores its keytab and creates the cross-realm principal. Burst cluster: its own dedicated KDC with a
cross-realm trust to the on-prem realm; the Alluxio bootstrap reads the keytab (``GetSecretValue`` on that secret only).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.emr import configurations as emr_conf
from components.emr.artifacts import BootstrapScript, bootstrap_artifact
from components.emr.kerberos import ClusterKerberos, CrossRealmTrust, dedicated_kdc, external_kdc
from components.emr.ports import METASTORE_PORT, NAMENODE_PORT
from components.emr.security_configuration import private_dns_suffix
from components.security import grants
from components.security.kerberos_secrets import KerberosSecrets, KerberosSecretsArgs

from .lake import LakeStorage
from .sites import Site, Sites


@dataclass(frozen=True)
class OnpremNames:
    """Where the burst side finds the on-prem lake: the proxy's stable names, or the configured external hosts."""

    namenode: str
    """Host of the (first) NameNode the bootstrap waits for."""
    namenode_port: int
    metastore_uris: tuple[str, ...]
    nameservice: str | None = None
    """HA nameservice (external mode): Alluxio mounts ``hdfs://<nameservice>/``."""
    ha_namenodes: tuple[str, ...] = ()
    """Every NameNode ``host:port`` of the HA nameservice."""

    @property
    def metastore(self) -> str:
        """Host of the first metastore."""
        return self.metastore_uris[0].removeprefix("thrift://").rsplit(":", 1)[0]


def onprem_names(cfg: StackConfig) -> OnpremNames:
    """Proxy: ``namenode.<zone>``/``metastore.<zone>`` (OnpremEndpoints); external: ``hybrid-burst:onprem``."""
    onprem = cfg.onprem
    if not onprem.external:
        names = emr_conf.endpoint_names(cfg.emr.settings.onprem_dns_zone)
        return OnpremNames(
            namenode=names["namenode"],
            namenode_port=NAMENODE_PORT,
            metastore_uris=(f"thrift://{names['metastore']}:{METASTORE_PORT}",),
        )
    assert onprem.hdfs is not None
    hosts = onprem.hdfs.hosts()
    return OnpremNames(
        namenode=hosts[0][0],
        namenode_port=hosts[0][1],
        metastore_uris=tuple(onprem.metastore_uris),
        nameservice=onprem.hdfs.nameservice,
        ha_namenodes=tuple(f"{h}:{p}" for h, p in hosts) if onprem.hdfs.nameservice else (),
    )


def secrets_site(sites: Sites) -> Site:
    """Where the Kerberos secrets live: beside the proxy in proxy mode (its nodes have no NAT, and an interface
    endpoint serves its own region only; the burst nodes reach that region through their NAT), else the compute
    region."""
    return sites.onprem if sites.onprem is not None else sites.compute


def kerberos_secrets(cfg: StackConfig, sites: Sites, storage: LakeStorage) -> KerberosSecrets | None:
    """The keytab secret and the KDC passwords, encrypted with the data key of their region (``secrets_site``)."""
    kerberos = cfg.onprem.kerberos
    if not kerberos.enabled:
        return None
    assert kerberos.keytab_secret_name is not None
    home = secrets_site(sites)
    return KerberosSecrets(
        "kerberos",
        KerberosSecretsArgs(
            keytab_secret_name=kerberos.keytab_secret_name,
            kms_key_arn=storage.data_key_arn(home),
            # Every cluster with a dedicated KDC gets a generated admin password: all of them with a cross-realm
            # trust; only the proxy with an external KDC (the burst cluster then uses the on-prem KDC's password).
            kdc_admin_clusters=[s.cluster for s in sites if kerberos.trust == "crossRealm" or s.cluster == "onprem"],
            cross_realm_trust=kerberos.trust == "crossRealm",
            protect=cfg.protect,
        ),
        opts=pulumi.ResourceOptions(provider=home.provider),
    )


def keytab_read_statements(
    secrets: KerberosSecrets | None, storage: LakeStorage, sites: Sites
) -> list[grants.Statement | list[grants.Statement]]:
    """The burst nodes read the keytab: GetSecretValue on that secret, Decrypt with its key."""
    if secrets is None:
        return []
    return [
        secrets.grant_keytab_read(),
        grants.kms_use([storage.data_key_arn(secrets_site(sites))], decrypt_only=True, sid="keytab key"),
    ]


def trusted_realm(cfg: StackConfig, sites: Sites, names: OnpremNames) -> CrossRealmTrust:
    """The on-prem realm as the burst cluster's KDC trusts it: the proxy's dedicated KDC on its primary node (reached
    by the stable NameNode name), or the configured on-prem KDC."""
    kerberos = cfg.onprem.kerberos
    assert kerberos.realm is not None
    if sites.onprem is not None:
        return CrossRealmTrust(
            realm=kerberos.realm,
            domain=private_dns_suffix(sites.onprem.region),
            admin_server=names.namenode,
            kdc_server=names.namenode,
        )
    assert cfg.onprem.dns is not None
    assert kerberos.kdc is not None
    return CrossRealmTrust(
        realm=kerberos.realm,
        domain=cfg.onprem.dns.domain,
        admin_server=kerberos.admin_server or kerberos.kdc,
        kdc_server=kerberos.kdc,
    )


def cluster_kerberos(
    cfg: StackConfig, site: Site, sites: Sites, names: OnpremNames, secrets: KerberosSecrets | None
) -> ClusterKerberos | None:
    """Proxy cluster: a dedicated KDC for the on-prem realm. Burst cluster: a dedicated KDC for its own realm with a
    cross-realm trust to the on-prem realm (docs/adr/0009-onprem-connection-modes-and-kerberos.md)."""
    if secrets is None:
        return None
    kerberos = cfg.onprem.kerberos
    assert kerberos.realm is not None
    if site.cluster == "onprem":
        return ClusterKerberos(
            configuration=dedicated_kdc(kerberos.ticket_lifetime_hours),
            realm=kerberos.realm,
            kdc_admin_password=secrets.kdc_admin_passwords[site.cluster],
        )
    if kerberos.trust == "externalKdc":
        # The on-prem KDC (or Active Directory's) is the burst cluster's KDC: EMR joins the nodes to the on-prem realm
        # with the on-prem KDC admin password, read from the secret the on-prem admins keep.
        assert kerberos.kdc is not None
        assert kerberos.kdc_admin_password_secret_arn is not None
        password = aws.secretsmanager.get_secret_version_output(
            secret_id=kerberos.kdc_admin_password_secret_arn,
            opts=pulumi.InvokeOutputOptions(provider=site.provider),
        ).secret_string
        return ClusterKerberos(
            configuration=external_kdc(kdc_server=kerberos.kdc, admin_server=kerberos.admin_server or kerberos.kdc),
            realm=kerberos.realm,
            kdc_admin_password=pulumi.Output.secret(password),
        )
    return ClusterKerberos(
        configuration=dedicated_kdc(kerberos.ticket_lifetime_hours, trusted_realm(cfg, sites, names)),
        realm=kerberos.burst_realm_name,
        kdc_admin_password=secrets.kdc_admin_passwords[site.cluster],
        cross_realm_trust_principal_password=secrets.cross_realm_password,
    )


def proxy_kerberos_statements(
    secrets: KerberosSecrets | None, storage: LakeStorage, proxy: Site
) -> list[grants.Statement | list[grants.Statement]]:
    """The proxy's bootstrap stores the keytab it creates and reads the cross-realm password: those two secrets only,
    and the proxy region's data key they are encrypted with."""
    if secrets is None:
        return []
    out: list[grants.Statement | list[grants.Statement]] = [secrets.grant_keytab_write()]
    if secrets.cross_realm_secret_arn is not None:
        out.append(grants.secret_read(secrets.cross_realm_secret_arn, sid="cross realm password read"))
    out.append(grants.kms_use([storage.data_key_arn(proxy)], sid="kerberos secrets key"))
    return out


def proxy_kerberos_bootstrap(cfg: StackConfig, secrets: KerberosSecrets | None) -> list[BootstrapScript]:
    """``onprem-kerberos.sh``: the burst principal and its keytab, and the cross-realm principal, in the proxy KDC."""
    if secrets is None:
        return []
    kerberos = cfg.onprem.kerberos
    assert kerberos.principal is not None
    assert kerberos.realm is not None
    args: list[pulumi.Input[str]] = [
        "--principal", kerberos.principal,
        "--keytab-secret-arn", secrets.keytab_secret_arn,
    ]  # fmt: skip
    if secrets.cross_realm_secret_arn is not None:
        args += [
            "--cross-realm-principal", f"krbtgt/{kerberos.burst_realm_name}@{kerberos.realm}",
            "--cross-realm-secret-arn", secrets.cross_realm_secret_arn,
        ]  # fmt: skip
    return [BootstrapScript(artifact=bootstrap_artifact("onprem-kerberos.sh"), args=args)]
