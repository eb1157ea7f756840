"""``hybrid-burst:lake`` presets: the shared catalog, principals and grants, and what each environment changes."""

from __future__ import annotations

from typing import Any

from .lake import EMR_ON_EKS_JOB

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
        "analysts": {"create": True},
        EMR_ON_EKS_JOB: {"lateBound": True},
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
    ],
}

PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        **_CATALOG,
        "forceDestroy": True,
        "lifecycle": {"exchangeExpirationDays": 1, "resultsExpirationDays": 7, "rawTransitionDays": 30,
                      "logsExpirationDays": 14, "accessLogsExpirationDays": 30, "noncurrentVersionExpirationDays": 7},
    },
    "staging": {
        **_CATALOG,
        "lifecycle": {"exchangeExpirationDays": 1, "resultsExpirationDays": 30, "rawTransitionDays": 90,
                      "logsExpirationDays": 90, "accessLogsExpirationDays": 90},
    },
    "prod": {
        **_CATALOG,
        "requireAdmins": True,
        "lifecycle": {"exchangeExpirationDays": 2, "resultsExpirationDays": 90, "rawTransitionDays": 90,
                      "logsExpirationDays": 365, "accessLogsExpirationDays": 365,
                      "noncurrentVersionExpirationDays": 90},
    },
}
