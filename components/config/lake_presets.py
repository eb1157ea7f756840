"""``hybrid-burst:lake`` presets: the shared catalog, principals and grants, and what each environment changes."""

from __future__ import annotations

from typing import Any

from .lake import EMR_INSTANCE, EMR_ON_EKS_JOB

# The lake's shared schema: TPC-DS (tables created by the benchmark's data preparation) and a demo database
# with one Iceberg table whose PII columns are tagged, so column-level governance is visible in every stack.
_CATALOG: dict[str, Any] = {
    "lfTags": {
        "domain": ["benchmark", "demo"],
        "sensitivity": ["public", "internal", "pii"],
    },
    "databases": [
        {
            "name": "tpcds",
            "description": "TPC-DS benchmark data (tables created by the data preparation job)",
            "zone": "raw",
            "lfTags": {"domain": "benchmark", "sensitivity": "public"},
        },
        {
            "name": "demo",
            "description": "Demo curated data (Iceberg)",
            "zone": "curated",
            "lfTags": {"domain": "demo", "sensitivity": "internal"},
            "tables": [
                {
                    "name": "customers",
                    "description": "Customer dimension (Iceberg v2)",
                    "columns": [
                        {"name": "customer_id", "type": "long", "required": True},
                        {"name": "full_name", "type": "string", "lfTags": {"sensitivity": "pii"}},
                        {"name": "email", "type": "string", "lfTags": {"sensitivity": "pii"}},
                        {"name": "country", "type": "string"},
                        {"name": "segment", "type": "string"},
                        {"name": "lifetime_value", "type": "decimal(12,2)"},
                        {"name": "signup_date", "type": "date"},
                    ],
                    "partitionBy": ["country"],
                }
            ],
        },
    ],
    "principals": {
        # Analysts' role: assumable only by roles under the IAM path /hybrid-burst-analysts/ (narrowed from the whole
        # account, issue 14 item 1); list your people's roles there or set assumableBy in the stack file.
        "analysts": {"create": True, "assumableBy": ["role/hybrid-burst-analysts/*"]},
        EMR_ON_EKS_JOB: {"lateBound": True},
        EMR_INSTANCE: {"lateBound": True},
    },
    "grants": [
        # Analysts read customers without PII; the runtime role may create TPC-DS tables (data preparation).
        {"principal": "analysts", "database": "demo", "permissions": ["DESCRIBE"]},
        {
            "principal": "analysts",
            "database": "demo",
            "table": "customers",
            "excludedColumns": ["full_name", "email"],
            "permissions": ["SELECT"],
        },
        {"principal": "emr-runtime", "database": "tpcds", "permissions": ["DESCRIBE", "CREATE_TABLE"]},
        {"principal": "emr-runtime", "database": "demo", "table": "customers",
         "permissions": ["SELECT", "DESCRIBE", "INSERT", "DELETE"]},
        {"principal": EMR_ON_EKS_JOB, "database": "demo", "table": "customers",
         "columns": ["customer_id", "country", "segment", "lifetime_value"], "permissions": ["SELECT"]},
    ],
    "tagGrants": [
        # Every benchmark table (current and future) is readable by both engines' roles and the analysts.
        {"principal": "emr-runtime", "expression": {"domain": ["benchmark"], "sensitivity": ["public"]},
         "permissions": ["SELECT", "DESCRIBE"]},
        {"principal": EMR_ON_EKS_JOB, "expression": {"domain": ["benchmark"], "sensitivity": ["public"]},
         "permissions": ["SELECT", "DESCRIBE"]},
        {"principal": "analysts", "expression": {"domain": ["benchmark"], "sensitivity": ["public"]},
         "permissions": ["SELECT", "DESCRIBE"]},
    ],
    "locationGrants": [
        {"principal": "emr-runtime", "zone": "raw"},
        {"principal": "emr-runtime", "zone": "curated"},
        # The EMR on EKS job writes the pipeline's tables under the tpcds database's location only.
        {"principal": EMR_ON_EKS_JOB, "zone": "raw", "prefix": "tpcds/"},
    ],
}
# Appended after the grants above (grant resources are named by position): what the pipeline's engines need.
# - The EMR on EKS job creates the TPC-DS Iceberg tables (submit_job.py, the job template).
# - The burst instance role is what Trino on EMR runs as (EMR's Lake Formation integration covers Spark only):
#   it sees the benchmark tables, whose raw-zone files it already reads with IAM (public data, no column filter
#   to bypass); never the demo database, whose curated files it cannot read.
_ENGINE_GRANTS: list[dict[str, Any]] = [
    {"principal": EMR_ON_EKS_JOB, "database": "tpcds", "permissions": ["DESCRIBE", "CREATE_TABLE"]},
]
_ENGINE_TAG_GRANTS: list[dict[str, Any]] = [
    {"principal": EMR_INSTANCE, "expression": {"domain": ["benchmark"], "sensitivity": ["public"]},
     "permissions": ["SELECT", "DESCRIBE"]},
]


def _catalog(*, instance_writes: bool) -> dict[str, Any]:
    """The shared catalog; ``instance_writes`` when the burst cluster's Spark steps run as its instance role
    (EMR's Lake Formation integration off: ``fill_lake`` then submits without a runtime role), which then creates
    the TPC-DS tables like the runtime role does in governed stacks."""
    instance_db = ["DESCRIBE", "CREATE_TABLE"] if instance_writes else ["DESCRIBE"]
    locations = [{"principal": EMR_INSTANCE, "zone": "raw", "prefix": "tpcds/"}] if instance_writes else []
    return {
        **_CATALOG,
        "grants": [*_CATALOG["grants"], *_ENGINE_GRANTS,
                   {"principal": EMR_INSTANCE, "database": "tpcds", "permissions": instance_db}],
        "tagGrants": [*_CATALOG["tagGrants"], *_ENGINE_TAG_GRANTS],
        "locationGrants": [*_CATALOG["locationGrants"], *locations],
    }


PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        # Lake Formation integration off on dev's burst cluster (components/config/emr_cluster.py PRESETS).
        **_catalog(instance_writes=True),
        "forceDestroy": True,
        "lifecycle": {"exchangeExpirationDays": 1, "resultsExpirationDays": 7, "rawTransitionDays": 30,
                      "logsExpirationDays": 14, "accessLogsExpirationDays": 30, "noncurrentVersionExpirationDays": 7},
    },
    "staging": {
        **_catalog(instance_writes=False),
        "lifecycle": {"exchangeExpirationDays": 1, "resultsExpirationDays": 30, "rawTransitionDays": 90,
                      "logsExpirationDays": 90, "accessLogsExpirationDays": 90},
    },
    "prod": {
        **_catalog(instance_writes=False),
        "lifecycle": {"exchangeExpirationDays": 2, "resultsExpirationDays": 90, "rawTransitionDays": 90,
                      "logsExpirationDays": 365, "accessLogsExpirationDays": 365,
                      "noncurrentVersionExpirationDays": 90},
    },
}
