"""EMR security configurations authenticate with Kerberos (a cluster-dedicated KDC or an external KDC).

Without Kerberos, HDFS, YARN, the Hive metastore and Trino on an EMR cluster trust whatever user name a client
claims. The security configuration's ``AuthenticationConfiguration.KerberosConfiguration`` turns authentication on
(EMR Management Guide, "Kerberos settings in a security configuration",
https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-kerberos-configure-settings.html, and "Create a security
configuration", https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html):

- ``"Provider": "ClusterDedicatedKdc"`` with ``ClusterDedicatedKdcConfiguration`` (``TicketLifetimeInHours``,
  optional ``CrossRealmTrustConfiguration`` to an on-prem realm or Active Directory);
- ``"Provider": "ExternalKdc"`` with ``ExternalKdcConfiguration`` (``KdcServerType``, ``AdminServer``, ``KdcServer``,
  optional ``AdIntegrationConfiguration``).

``aws:emr/securityConfiguration:SecurityConfiguration.configuration`` is that JSON (pulumi-aws 7.51.1). The rule is
advisory by default (Kerberos needs a realm, keytabs and DNS an adopter may not have yet); a stack's policy config
makes it mandatory (issue 13: mandatory in prod once the clusters use Kerberos).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_mapping

RULE_ID = "emr-kerberos-required"
DESCRIPTION = (
    "EMR security configurations must enable Kerberos authentication (AuthenticationConfiguration."
    "KerberosConfiguration with a cluster-dedicated or external KDC)."
)
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Add AuthenticationConfiguration: {KerberosConfiguration: {Provider: 'ClusterDedicatedKdc', "
    "ClusterDedicatedKdcConfiguration: {TicketLifetimeInHours: 24, CrossRealmTrustConfiguration: {...}}}} (or "
    "Provider 'ExternalKdc' with ExternalKdcConfiguration) to the aws.emr.SecurityConfiguration, and pass the "
    "cluster's kerberos_attributes (realm, KDC admin password from Secrets Manager)."
)
PROVIDER_SETTINGS = {
    "ClusterDedicatedKdc": "ClusterDedicatedKdcConfiguration",
    "ExternalKdc": "ExternalKdcConfiguration",
}
CONFIG_SCHEMA: ConfigSchema = {
    "allowedProviders": {
        "type": "array",
        "items": {"type": "string", "enum": sorted(PROVIDER_SETTINGS)},
        "minItems": 1,
        "default": sorted(PROVIDER_SETTINGS),
        "description": "KerberosConfiguration.Provider values accepted.",
    },
}

SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    raw = props.get("configuration")
    if is_unknown(raw):
        ev.unknown("configuration")
        return ev
    document: object = raw
    if isinstance(raw, str):
        try:
            document = json.loads(raw)
        except ValueError as exc:
            ev.fail(f"configuration is not valid JSON ({exc}).")
            return ev
    doc = as_mapping(document) or {}
    auth = doc.get("AuthenticationConfiguration")
    kerberos = (as_mapping(auth) or {}).get("KerberosConfiguration")
    if is_unknown(auth) or is_unknown(kerberos):
        ev.unknown("configuration.AuthenticationConfiguration")
        return ev
    block = as_mapping(kerberos)
    if block is None:
        ev.fail(
            "configuration has no AuthenticationConfiguration.KerberosConfiguration: cluster services do not "
            "authenticate their callers."
        )
        return ev
    provider = block.get("Provider")
    allowed = list(config["allowedProviders"])
    if is_unknown(provider):
        ev.unknown("configuration.AuthenticationConfiguration.KerberosConfiguration.Provider")
    elif provider not in allowed:
        ev.fail(f"KerberosConfiguration.Provider is {provider!r}; allowed: {allowed}.")
    elif as_mapping(block.get(PROVIDER_SETTINGS[str(provider)])) is None and not is_unknown(
        block.get(PROVIDER_SETTINGS[str(provider)])
    ):
        ev.fail(f"KerberosConfiguration.Provider is {provider!r} but {PROVIDER_SETTINGS[str(provider)]} is missing.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({SECURITY_CONFIGURATION}),
    check=check,
    default_enforcement=EnforcementLevel.ADVISORY,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
