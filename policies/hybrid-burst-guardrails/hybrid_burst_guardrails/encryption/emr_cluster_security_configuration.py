"""EMR clusters name a security configuration, defined in the stack, that encrypts at rest and in transit.

Joins ``aws:emr/cluster:Cluster.securityConfiguration`` (a name) to an
``aws:emr/securityConfiguration:SecurityConfiguration`` by ``propertyDependencies`` or by its ``name`` output, then
reads the JSON in its ``configuration`` property. Required (keys from the EMR Management Guide, "Create a security
configuration", https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html):

- ``EncryptionConfiguration.EnableAtRestEncryption: true`` with
  ``AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode`` in the allowed modes and
  ``AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration`` with an ``EncryptionKeyProviderType`` and
  ``EnableEbsEncryption: true`` (EBS volumes, not just instance-store disks);
- ``EncryptionConfiguration.EnableInTransitEncryption: true`` with
  ``InTransitEncryptionConfiguration.TLSCertificateConfiguration.CertificateProviderType`` (``PEM`` or ``Custom``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.links import Link, link
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.unknowns import contains_unknown, is_unknown
from hybrid_burst_guardrails.core.values import as_mapping, json_bool

RULE_ID = "emr-cluster-security-configuration"
DESCRIPTION = (
    "EMR clusters must use a security configuration from this stack that enables at-rest (S3, local disk and EBS) "
    "and in-transit encryption."
)
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Create an aws.emr.SecurityConfiguration with EnableAtRestEncryption (S3 SSE-KMS, LocalDisk AwsKms with "
    "EnableEbsEncryption) and EnableInTransitEncryption (TLSCertificateConfiguration PEM/Custom), and pass its name "
    "as security_configuration on the cluster (components/security builds one)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedS3EncryptionModes": {
        "type": "array",
        "items": {"type": "string", "enum": ["SSE-S3", "SSE-KMS", "CSE-KMS", "CSE-Custom"]},
        "minItems": 1,
        "default": ["SSE-KMS", "CSE-KMS", "CSE-Custom"],
        "description": "EMRFS S3 EncryptionMode values accepted for at-rest encryption.",
    },
}

CLUSTER = "aws:emr/cluster:Cluster"
SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration"
CERTIFICATE_PROVIDERS = frozenset({"PEM", "Custom"})


def _problems(document: Mapping[str, Any], config: Config) -> list[str]:
    enc = as_mapping(document.get("EncryptionConfiguration")) or {}
    problems: list[str] = []
    at_rest = as_mapping(enc.get("AtRestEncryptionConfiguration")) or {}
    if json_bool(enc.get("EnableAtRestEncryption")) is not True:
        problems.append("EnableAtRestEncryption is not true")
    else:
        s3 = as_mapping(at_rest.get("S3EncryptionConfiguration")) or {}
        mode = s3.get("EncryptionMode")
        allowed = list(config["allowedS3EncryptionModes"])
        if mode not in allowed:
            problems.append(f"S3EncryptionConfiguration.EncryptionMode is {mode!r}, allowed {allowed}")
        disk = as_mapping(at_rest.get("LocalDiskEncryptionConfiguration"))
        if disk is None or not disk.get("EncryptionKeyProviderType"):
            problems.append("LocalDiskEncryptionConfiguration.EncryptionKeyProviderType is missing")
        elif json_bool(disk.get("EnableEbsEncryption")) is not True:
            problems.append("LocalDiskEncryptionConfiguration.EnableEbsEncryption is not true (EBS unencrypted)")
    if json_bool(enc.get("EnableInTransitEncryption")) is not True:
        problems.append("EnableInTransitEncryption is not true")
    else:
        transit = as_mapping(enc.get("InTransitEncryptionConfiguration")) or {}
        tls = as_mapping(transit.get("TLSCertificateConfiguration")) or {}
        if tls.get("CertificateProviderType") not in CERTIFICATE_PROVIDERS:
            problems.append(
                "InTransitEncryptionConfiguration.TLSCertificateConfiguration names no certificate provider"
            )
    return problems


def _judge(cluster: StackResource, secconf: StackResource, config: Config, ev: Evaluation) -> None:
    raw = secconf.props.get("configuration")
    if is_unknown(raw):
        ev.unknown(f"{secconf.name}.configuration", cluster.urn)
        return
    try:
        document = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        ev.fail(f"Cluster '{cluster.name}': security configuration '{secconf.name}' is not valid JSON.", cluster.urn)
        return
    if not isinstance(document, Mapping):
        ev.fail(f"Cluster '{cluster.name}': security configuration '{secconf.name}' is not a JSON object.", cluster.urn)
        return
    if contains_unknown(document):
        ev.unknown(f"{secconf.name}.configuration", cluster.urn)
        return
    problems = _problems(document, config)
    if problems:
        ev.fail(
            f"Cluster '{cluster.name}': security configuration '{secconf.name}': {'; '.join(problems)}.", cluster.urn
        )


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    secconfs = [r for r in resources if r.type == SECURITY_CONFIGURATION]
    for cluster in (r for r in resources if r.type == CLUSTER):
        name = cluster.props.get("securityConfiguration")
        states = {s.urn: link(cluster, "securityConfiguration", s, ("name", "id")) for s in secconfs}
        linked = [s for s in secconfs if states[s.urn] is Link.LINKED]
        if linked:
            for secconf in linked:
                _judge(cluster, secconf, config, ev)
        elif is_unknown(name):
            ev.unknown(f"{cluster.name}.securityConfiguration", cluster.urn)
        elif not name:
            ev.fail(f"Cluster '{cluster.name}' names no security configuration.", cluster.urn)
        else:
            ev.fail(
                f"Cluster '{cluster.name}' names security configuration {name!r}, which is not defined in this stack.",
                cluster.urn,
            )
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({CLUSTER, SECURITY_CONFIGURATION}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
