"""Launch templates encrypt the EBS volumes they map, reading ``encrypted`` as the provider does.

pulumi-aws 7.51.1 ``LaunchTemplateBlockDeviceMappingEbsArgs`` (``pulumi_aws/ec2/_inputs.py``): ``encrypted`` is a
*string* ("Enables EBS encryption on the volume. Cannot be used with ``snapshot_id``"), ``kmsKeyId`` ("``encrypted``
must be set to ``true`` when this is set"), ``snapshotId``. terraform-provider-aws types it as a nullable boolean
parsed with Go's ``strconv.ParseBool``, so ``"false"``, ``"0"``, ``"f"`` and ``"False"`` all mean *not encrypted*,
the trap a truthiness check falls into (``core/coerce.py``). Unset, the volume follows the account's
EBS-encryption-by-default setting or the snapshot's encryption, which the template does not show: a finding unless
``acceptUnset`` is on. A mapping with ``noDevice`` or without ``ebs`` maps no EBS volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import INVALID, describe, provider_bool
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block, is_set, join_path

RULE_ID = "launch-template-ebs-encrypted"
DESCRIPTION = "Launch templates must encrypt every EBS volume they map (blockDeviceMappings[].ebs.encrypted = true)."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Set block_device_mappings=[{device_name: ..., ebs: {encrypted: 'true', kms_key_id: key.arn, ...}}] on the "
    "aws.ec2.LaunchTemplate (a real 'true': the strings 'false', '0', 'f' and 'False' all disable encryption)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "requireCustomerManagedKey": {
        "type": "boolean",
        "default": False,
        "description": "Every encrypted mapping must also name kmsKeyId (not the aws/ebs key).",
    },
    "acceptUnset": {
        "type": "boolean",
        "default": False,
        "description": "Accept an unset encrypted (the account's EBS encryption by default then decides).",
    },
}

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    mappings = props.get("blockDeviceMappings")
    if is_unknown(mappings):
        ev.unknown("blockDeviceMappings")
        return ev
    for i, raw in enumerate(as_list(mappings)):
        path = join_path("blockDeviceMappings", i)
        mapping = as_mapping(raw)
        if mapping is None:
            if is_unknown(raw):
                ev.unknown(path)
            continue
        ebs_raw = mapping.get("ebs")
        if is_unknown(ebs_raw):
            ev.unknown(join_path(path, "ebs"))
            continue
        ebs = as_mapping(first_block(ebs_raw))
        if ebs is None or is_set(mapping.get("noDevice")):
            continue
        device = mapping.get("deviceName") or f"mapping {i}"
        encrypted = ebs.get("encrypted")
        if is_unknown(encrypted):
            ev.unknown(join_path(path, "ebs", "encrypted"))
            continue
        reading = provider_bool(encrypted)
        if encrypted in (None, ""):
            if not config["acceptUnset"]:
                ev.fail(
                    f"{path} ({device}): ebs.encrypted is unset; the volume is encrypted only if the account's "
                    "EBS encryption by default is on."
                )
            continue
        if reading is INVALID:
            ev.fail(
                f"{path} ({device}): ebs.encrypted is {describe(encrypted)}, which the provider cannot read as "
                "a boolean (the deployment fails)."
            )
        elif reading is not True:
            ev.fail(f"{path} ({device}): ebs.encrypted is {describe(encrypted)}: the volume is not encrypted.")
        elif config["requireCustomerManagedKey"] and not is_set(ebs.get("kmsKeyId")):
            ev.fail(f"{path} ({device}): ebs.kmsKeyId is not set (customer managed key required).")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({LAUNCH_TEMPLATE}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
