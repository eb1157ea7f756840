"""The account baseline's singletons exist in the stack that owns them, and only there.

Glue Data Catalog encryption settings, Lake Formation data-lake settings and EMR block public access are one per
account and region (``aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings``,
``aws:lakeformation/dataLakeSettings:DataLakeSettings``,
``aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration``; each ``put``s the account's setting, so
two stacks in one account overwrite each other, issue 10 item 3). Exactly one stack per account owns them
(``hybrid-burst:accountBaseline.ownership: own | shared`` in the stack config; this rule's ``accountBaseline`` must
say the same, and a test of the project keeps the two equal; docs/adr/0007-account-baseline.md):

- ``accountBaseline: "own"`` (the rule's default): a stack that uses a service must declare that service's
  singleton (when it is in ``requiredSingletons``), so the guardrails the other rules judge
  (``glue-catalog-encryption``, ``lakeformation-no-iam-allowed-principals``, ``emr-block-public-access``) are really
  in place: Glue catalog databases/tables/crawlers/connections need the catalog encryption settings, Lake Formation
  permissions/resources/LF-tags need the data-lake settings, EMR clusters need block public access;
- ``accountBaseline: "shared"``: another stack owns them; this rule does not demand them, and (while
  ``forbidInSharedStacks`` is on) reports any the stack declares anyway, since applying it would overwrite the
  owner's setting.

The check is per stack, not per region: a stack that spans regions declares EMR block public access per region
(our stacks do), which the rule does not count.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule

RULE_ID = "account-baseline-singletons"
DESCRIPTION = (
    "The stack that owns the account baseline must declare the account-wide singletons (Glue catalog encryption, "
    "Lake Formation settings, EMR block public access); a stack that shares it must not."
)
SEVERITY = Severity.HIGH
REMEDIATION = (
    "In the owning stack (accountBaseline: own) declare aws.glue.DataCatalogEncryptionSettings, "
    "aws.lakeformation.DataLakeSettings and aws.emr.BlockPublicAccessConfiguration; in every other stack of the "
    "account set accountBaseline.ownership: shared in the stack config and accountBaseline: shared in this rule's "
    "config, and drop them (hybrid-burst: only the owner builds AccountBaseline)."
)
SINGLETONS: dict[str, str] = {
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": "Glue Data Catalog encryption settings",
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": "Lake Formation data-lake settings",
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": "EMR block public access",
}
#: singleton type -> the types that show the stack uses its service.
USERS: dict[str, frozenset[str]] = {
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": frozenset(
        {
            "aws:glue/catalogDatabase:CatalogDatabase",
            "aws:glue/catalogTable:CatalogTable",
            "aws:glue/crawler:Crawler",
            "aws:glue/connection:Connection",
        }
    ),
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": frozenset(
        {
            "aws:lakeformation/permissions:Permissions",
            "aws:lakeformation/resource:Resource",
            "aws:lakeformation/lfTag:LfTag",
            "aws:lakeformation/resourceLfTags:ResourceLfTags",
            "aws:lakeformation/dataCellsFilter:DataCellsFilter",
        }
    ),
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": frozenset({"aws:emr/cluster:Cluster"}),
}
CONFIG_SCHEMA: ConfigSchema = {
    "accountBaseline": {
        "type": "string",
        "enum": ["own", "shared"],
        "default": "own",
        "description": "own: this stack owns the account's singletons and must declare them; shared: another does.",
    },
    "requiredSingletons": {
        "type": "array",
        "items": {"type": "string", "enum": sorted(SINGLETONS)},
        "default": sorted(SINGLETONS),
        "description": "Singleton types the owning stack must declare (each once the stack uses its service).",
    },
    "forbidInSharedStacks": {
        "type": "boolean",
        "default": True,
        "description": "With accountBaseline shared, report singletons the stack declares anyway.",
    },
}


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    present: dict[str, list[StackResource]] = {}
    for r in resources:
        present.setdefault(r.type, []).append(r)
    if config["accountBaseline"] == "own":
        for type_ in config["requiredSingletons"]:
            users = [r for t in sorted(USERS[type_]) for r in present.get(t, [])]
            if users and not present.get(type_):
                ev.fail(
                    f"The stack owns the account baseline (accountBaseline: own) and uses the service "
                    f"({users[0].name}, {users[0].type.rsplit(':', 1)[-1]}) but declares no {SINGLETONS[type_]} "
                    f"({type_}): the account keeps whatever was set before, or AWS's defaults."
                )
        return ev
    if config["forbidInSharedStacks"]:
        for type_, label in SINGLETONS.items():
            for r in present.get(type_, []):
                ev.fail(
                    f"{r.name} sets the account's {label} although this stack shares the baseline "
                    "(accountBaseline: shared): it would overwrite the owning stack's setting.",
                    r.urn,
                )
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset(SINGLETONS).union(*USERS.values()),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
