"""The Glue Data Catalog encrypts metadata with KMS and returns connection passwords encrypted.

Property names: pulumi-aws 7.51.1 ``pulumi_aws/glue/_inputs.py``:
``dataCatalogEncryptionSettings.encryptionAtRest.{catalogEncryptionMode, sseAwsKmsKeyId, catalogEncryptionServiceRole}``
(modes ``DISABLED``, ``SSE-KMS``, ``SSE-KMS-WITH-SERVICE-ROLE``; the latter needs the service role) and
``dataCatalogEncryptionSettings.connectionPasswordEncryption.{returnConnectionPasswordEncrypted, awsKmsKeyId}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import describe, provider_bool
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_mapping, first_block, is_set

RULE_ID = "glue-catalog-encryption"
DESCRIPTION = "Glue Data Catalog encryption settings must encrypt metadata with KMS and connection passwords."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "On aws.glue.DataCatalogEncryptionSettings set encryption_at_rest.catalog_encryption_mode='SSE-KMS' with "
    "sse_aws_kms_key_id=key.arn, and connection_password_encryption.return_connection_password_encrypted=True "
    "with aws_kms_key_id=key.arn."
)
CONFIG_SCHEMA: ConfigSchema = {
    "requireCustomerManagedKey": {
        "type": "boolean",
        "default": False,
        "description": "Require explicit KMS key ids (sseAwsKmsKeyId, awsKmsKeyId) instead of the aws/glue key.",
    },
}

GLUE_SETTINGS = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
KMS_MODES = frozenset({"SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"})
BASE = "dataCatalogEncryptionSettings"


def _block(value: object) -> tuple[Mapping[str, Any] | None, bool]:
    if is_unknown(value):
        return None, True
    return as_mapping(first_block(value)), False


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    settings, unknown = _block(props.get(BASE))
    if unknown:
        ev.unknown(BASE)
        return ev
    settings = settings or {}
    require_cmk = bool(config["requireCustomerManagedKey"])

    at_rest, unknown = _block(settings.get("encryptionAtRest"))
    if unknown:
        ev.unknown(f"{BASE}.encryptionAtRest")
    elif at_rest is None:
        ev.fail("encryptionAtRest is missing: catalog metadata is not encrypted.")
    else:
        mode = at_rest.get("catalogEncryptionMode")
        if is_unknown(mode):
            ev.unknown(f"{BASE}.encryptionAtRest.catalogEncryptionMode")
        elif mode not in KMS_MODES:
            ev.fail(f"catalogEncryptionMode is {mode!r}; use one of {sorted(KMS_MODES)}.")
        else:
            if mode == "SSE-KMS-WITH-SERVICE-ROLE" and not is_set(at_rest.get("catalogEncryptionServiceRole")):
                ev.fail("catalogEncryptionMode SSE-KMS-WITH-SERVICE-ROLE needs catalogEncryptionServiceRole.")
            if require_cmk and not is_set(at_rest.get("sseAwsKmsKeyId")):
                ev.fail("encryptionAtRest.sseAwsKmsKeyId is not set (customer managed key required).")

    passwords, unknown = _block(settings.get("connectionPasswordEncryption"))
    if unknown:
        ev.unknown(f"{BASE}.connectionPasswordEncryption")
    elif passwords is None:
        ev.fail("connectionPasswordEncryption is missing: connection passwords are returned in clear text.")
    else:
        enabled = passwords.get("returnConnectionPasswordEncrypted")
        if is_unknown(enabled):
            ev.unknown(f"{BASE}.connectionPasswordEncryption.returnConnectionPasswordEncrypted")
        elif provider_bool(enabled) is not True:
            shown = "unset" if enabled is None else describe(enabled)
            ev.fail(f"connectionPasswordEncryption.returnConnectionPasswordEncrypted is {shown}, not true.")
        elif require_cmk and not is_set(passwords.get("awsKmsKeyId")):
            ev.fail("connectionPasswordEncryption.awsKmsKeyId is not set (customer managed key required).")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({GLUE_SETTINGS}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
