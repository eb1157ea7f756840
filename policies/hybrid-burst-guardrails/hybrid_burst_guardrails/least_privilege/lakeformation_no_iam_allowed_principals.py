"""Lake Formation does not keep the ``IAMAllowedPrincipals`` defaults for new databases and tables.

With the defaults, every new database and table grants ``ALL`` to ``IAM_ALLOWED_PRINCIPALS``: IAM policies alone
decide access and Lake Formation grants are bypassed
(https://docs.aws.amazon.com/lake-formation/latest/dg/change-settings.html). pulumi-aws 7.51.1
``aws:lakeformation/dataLakeSettings:DataLakeSettings``: ``createDatabaseDefaultPermissions[]`` and
``createTableDefaultPermissions[]``, each ``{principal, permissions[]}``; the provider docs: "To enforce metadata and
underlying data access control only by IAM ... set ``principal`` to ``IAM_ALLOWED_PRINCIPALS``". Leaving both
properties unset is compliant here (the settings resource declares no IAM-only default).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, join_path

RULE_ID = "lakeformation-no-iam-allowed-principals"
DESCRIPTION = "Lake Formation must not grant default permissions to IAM_ALLOWED_PRINCIPALS."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Set create_database_default_permissions=[] and create_table_default_permissions=[] on "
    "aws.lakeformation.DataLakeSettings and grant access with aws.lakeformation.Permissions."
)
CONFIG_SCHEMA: ConfigSchema = {}

SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS"


def check(_resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    for key in ("createDatabaseDefaultPermissions", "createTableDefaultPermissions"):
        raw = props.get(key)
        if is_unknown(raw):
            ev.unknown(key)
            continue
        for i, item in enumerate(as_list(raw)):
            entry = as_mapping(item)
            if entry is None:
                if is_unknown(item):
                    ev.unknown(join_path(key, i))
                continue
            principal, permissions = entry.get("principal"), entry.get("permissions")
            if is_unknown(principal) or is_unknown(permissions):
                ev.unknown(join_path(key, i))
            elif principal == IAM_ALLOWED_PRINCIPALS and as_list(permissions):
                ev.fail(f"{key}[{i}] grants {as_list(permissions)} to IAM_ALLOWED_PRINCIPALS.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({SETTINGS}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
