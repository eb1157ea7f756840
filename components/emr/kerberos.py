"""Kerberos settings of the two clusters: the security-configuration blocks and the cluster attributes, plain data.

EMR security configuration, ``AuthenticationConfiguration.KerberosConfiguration`` (EMR Management Guide, "Security
configuration and cluster settings for Kerberos on Amazon EMR",
https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-kerberos-configure-settings.html, and the CLI examples of
"Create a security configuration", https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html):

- ``"Provider": "ClusterDedicatedKdc"`` with ``ClusterDedicatedKdcConfiguration``: ``TicketLifetimeInHours`` and an
  optional ``CrossRealmTrustConfiguration`` (``Realm``, ``Domain``, ``AdminServer``, ``KdcServer``) - the realm, DNS
  domain and servers of the *other* realm;
- ``"Provider": "ExternalKdc"`` with ``ExternalKdcConfiguration``: ``KdcServerType`` (``Single_KDC``), ``AdminServer``,
  ``KdcServer``.

The cluster's ``kerberos_attributes`` (EMR API ``KerberosAttributes``,
https://docs.aws.amazon.com/emr/latest/APIReference/API_KerberosAttributes.html): ``Realm`` and ``KdcAdminPassword``
(required), ``CrossRealmTrustPrincipalPassword`` with a cross-realm trust.

The Trino/Presto ``onprem`` catalog's Kerberos properties are the Hive connector's (Trino docs, "Hive connector
security configuration", docs/src/main/sphinx/connector/hive-security.md in trinodb/trino):
``hive.metastore.authentication.type=KERBEROS``, ``hive.metastore.service.principal``,
``hive.metastore.client.principal``, ``hive.metastore.client.keytab``, ``hive.hdfs.authentication.type=KERBEROS``,
``hive.hdfs.trino.principal``, ``hive.hdfs.trino.keytab`` (PrestoDB: ``hive.hdfs.presto.*``). Alluxio reads the
Kerberized HDFS under-store with ``alluxio.master.keytab.file``/``alluxio.master.principal`` and the worker
equivalents (Alluxio docs, "HDFS" under-store, "Connect to Secure HDFS").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

ALLUXIO_KEYTAB = "/etc/hybrid-burst/onprem.keytab"
"""Where the bootstrap writes the keytab for Alluxio (owner hadoop, mode 0400)."""


def engine_keytab(engine: str) -> str:
    """The engine's copy of the keytab (owner the engine's user, mode 0400), named in the ``onprem`` catalog."""
    return f"/etc/{engine}/conf/onprem.keytab"


@dataclass(frozen=True)
class CrossRealmTrust:
    """The other realm of a cross-realm trust, as EMR's ``CrossRealmTrustConfiguration`` names it."""

    realm: str
    domain: str
    admin_server: str
    kdc_server: str


def dedicated_kdc(ticket_lifetime_hours: int, trust: CrossRealmTrust | None = None) -> dict[str, Any]:
    """``KerberosConfiguration`` of a cluster-dedicated KDC (optionally trusting another realm)."""
    settings: dict[str, Any] = {"TicketLifetimeInHours": ticket_lifetime_hours}
    if trust is not None:
        settings["CrossRealmTrustConfiguration"] = {
            "Realm": trust.realm,
            "Domain": trust.domain,
            "AdminServer": trust.admin_server,
            "KdcServer": trust.kdc_server,
        }
    return {"Provider": "ClusterDedicatedKdc", "ClusterDedicatedKdcConfiguration": settings}


def external_kdc(*, kdc_server: str, admin_server: str) -> dict[str, Any]:
    """``KerberosConfiguration`` of a cluster using an external (on-prem) MIT KDC."""
    return {
        "Provider": "ExternalKdc",
        "ExternalKdcConfiguration": {
            "KdcServerType": "Single_KDC",
            "AdminServer": admin_server,
            "KdcServer": kdc_server,
        },
    }


@dataclass(frozen=True, kw_only=True)
class ClusterKerberos:
    """Everything one cluster needs for Kerberos: its security-configuration block and its cluster attributes."""

    configuration: dict[str, Any]
    """The ``KerberosConfiguration`` block (``dedicated_kdc`` or ``external_kdc``)."""
    realm: str
    """``kerberos_attributes.realm``: the realm of the cluster's KDC."""
    kdc_admin_password: pulumi.Input[str]
    """``kerberos_attributes.kdc_admin_password`` (a Pulumi secret)."""
    cross_realm_trust_principal_password: pulumi.Input[str] | None = None
    """With a cross-realm trust: the password of ``krbtgt/<this realm>@<other realm>``."""


def catalog_properties(*, engine: str, principal: str, metastore_principal: str) -> dict[str, str]:
    """The ``onprem`` catalog's Kerberos properties: metastore (SASL) and HDFS as ``principal`` with its keytab."""
    keytab = engine_keytab(engine)
    hdfs = "trino" if engine == "trino" else "presto"
    return {
        "hive.metastore.authentication.type": "KERBEROS",
        "hive.metastore.service.principal": metastore_principal,
        "hive.metastore.client.principal": principal,
        "hive.metastore.client.keytab": keytab,
        "hive.hdfs.authentication.type": "KERBEROS",
        f"hive.hdfs.{hdfs}.principal": principal,
        f"hive.hdfs.{hdfs}.keytab": keytab,
    }
