"""Symmetric KMS keys rotate their key material automatically.

Only symmetric encryption keys (``customerMasterKeySpec`` ``SYMMETRIC_DEFAULT``, ``keyUsage``
``ENCRYPT_DECRYPT``, both the defaults) in the default key store can rotate: AWS does not support automatic
rotation of asymmetric keys, HMAC keys, keys with imported material or keys in a custom key store
(https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html). Those are not applicable.

Property names: pulumi-aws 7.51.1 ``pulumi_aws/kms/key.py`` getters ``enableKeyRotation``,
``rotationPeriodInDays`` (90-2560 days), ``customerMasterKeySpec``, ``keyUsage``, ``customKeyStoreId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import INVALID, describe, provider_bool, provider_int
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown

RULE_ID = "kms-key-rotation"
DESCRIPTION = "Symmetric KMS keys must have automatic key rotation enabled."
SEVERITY = Severity.MEDIUM
REMEDIATION = (
    "Set enable_key_rotation=True on the aws.kms.Key (and rotation_period_in_days within the configured maximum)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "maxRotationPeriodDays": {
        "type": "integer",
        "minimum": 90,
        "maximum": 2560,
        "default": 365,
        "description": "Largest allowed rotationPeriodInDays (AWS allows 90-2560; 365 when unset).",
    },
}

KMS_KEY = "aws:kms/key:Key"
ROTATABLE_SPEC = "SYMMETRIC_DEFAULT"
ROTATABLE_USAGE = "ENCRYPT_DECRYPT"
AWS_DEFAULT_ROTATION_DAYS = 365


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    spec = props.get("customerMasterKeySpec")
    usage = props.get("keyUsage")
    store = props.get("customKeyStoreId")
    for path, value in (("customerMasterKeySpec", spec), ("keyUsage", usage)):
        if is_unknown(value):
            ev.unknown(path)
    if ev.unknowns:
        return ev
    if spec not in (None, "", ROTATABLE_SPEC) or usage not in (None, "", ROTATABLE_USAGE):
        return ev  # asymmetric or HMAC key: AWS cannot rotate it
    if store not in (None, ""):
        return ev  # custom key store (known or not): AWS cannot rotate it
    enabled = props.get("enableKeyRotation")
    if is_unknown(enabled):
        ev.unknown("enableKeyRotation")
        return ev
    if provider_bool(enabled) is not True:
        shown = "unset" if enabled is None else describe(enabled)
        ev.fail(f"Key rotation is not enabled (enableKeyRotation is {shown}).")
        return ev
    period = props.get("rotationPeriodInDays")
    if is_unknown(period):
        ev.unknown("rotationPeriodInDays")
        return ev
    read = provider_int(period) if period not in (None, "") else AWS_DEFAULT_ROTATION_DAYS
    if read is INVALID:
        ev.fail(f"rotationPeriodInDays is {describe(period)}, which the provider cannot read as a number of days.")
        return ev
    days = read if isinstance(read, int) else None
    limit = int(config["maxRotationPeriodDays"])
    if days is not None and days > limit:
        shown = f"rotationPeriodInDays={days}" if period not in (None, "") else f"the default period ({days} days)"
        ev.fail(f"{shown} exceeds the allowed maximum of {limit} days.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({KMS_KEY}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
