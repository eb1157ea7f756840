"""A synthetic stack config for the scale benchmark (``bench/bench_scale.py``): the dev stack with a generated lake.

The lake is the part of the platform whose size the config decides: every database, table, tagged column and grant
is a custom resource (Glue ``CatalogDatabase``/``CatalogTable``, Lake Formation ``ResourceLfTags`` and
``Permissions``). ``scale_config(n)`` adds, to the dev preset's catalog, databases of ``TABLES_PER_DATABASE`` tables,
each table with a PII-tagged column and two grants (table SELECT for the EMR runtime role, column-level SELECT without
the PII column for a created reader role), each database with a DESCRIBE grant, until the plan reaches about ``n``
custom resources. Everything else is the dev stack as shipped, so the config passes the same validation (names,
LF-tags, grant references, fleets) as a real one. The EMR side cannot grow with config: EMR allows one primary, one
core and one task instance fleet per cluster, and the fleet planner picks the instance types.
"""

from __future__ import annotations

import copy
from typing import Any

from components.config.lake_presets import PRESETS
from components.config.stack import deep_merge
from scripts.offline.recorder import read_stack_config

BASE_STACK = "dev"
TABLES_PER_DATABASE = 5
PER_TABLE = 5
"""Custom resources per generated table: the table, its column LF-tags, its table LF-tags, a table grant and a
column-level grant (``components/lake/lake_governance.py``)."""
PER_DATABASE = 3
"""Per generated database besides its tables: the database, its LF-tags and a database grant."""
BASE_RESOURCES = 272
"""Custom resources of the dev stack without generated databases (checked by ``bench_scale.py``, which prints the
real count)."""


def _columns(db: int, table: int) -> list[dict[str, Any]]:
    return [
        {"name": "id", "type": "long", "required": True},
        {"name": "email", "type": "string", "lfTags": {"sensitivity": "pii"}},
        {"name": "country", "type": "string"},
        {"name": "amount", "type": "decimal(12,2)"},
        {"name": f"attr_{db}_{table}", "type": "string"},
    ]


def databases_for(resources: int) -> int:
    """How many generated databases bring the dev stack to about ``resources`` custom resources."""
    per_db = PER_DATABASE + TABLES_PER_DATABASE * PER_TABLE
    return max(0, round((resources - BASE_RESOURCES) / per_db))


def scale_config(resources: int, *, stack: str = BASE_STACK) -> dict[str, Any]:
    """The config of ``stack`` with a lake of about ``resources`` custom resources in all (see the module doc)."""
    config = copy.deepcopy(read_stack_config(stack))
    # Lists in a stack file replace the preset's: start from the preset so that its catalog and grants stay.
    preset = copy.deepcopy(PRESETS[str(config["hybrid-burst:environment"])])
    lake = deep_merge(preset, config.get("hybrid-burst:lake") or {})
    count = databases_for(resources)
    if count == 0:
        return config
    lake["lfTags"] = {**lake.get("lfTags", {}), "scale": ["synthetic"]}
    principals = dict(lake.get("principals") or {})
    principals.setdefault("scale-readers", {"create": True, "assumableBy": ["role/hybrid-burst-analysts/*"]})
    databases: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    for d in range(count):
        db = f"scale_db_{d:04d}"
        tables = [f"t_{t:02d}" for t in range(TABLES_PER_DATABASE)]
        databases.append(
            {
                "name": db,
                "zone": "curated" if d % 2 else "raw",
                "lfTags": {"scale": "synthetic", "sensitivity": "internal"},
                "tables": [
                    {
                        "name": name,
                        "columns": _columns(d, t),
                        "partitionBy": ["country"],
                        "lfTags": {"sensitivity": "internal"},
                    }
                    for t, name in enumerate(tables)
                ],
            }
        )
        grants.append({"principal": "scale-readers", "database": db, "permissions": ["DESCRIBE"]})
        for name in tables:
            grants.append(
                {"principal": "emr-runtime", "database": db, "table": name, "permissions": ["SELECT", "DESCRIBE"]}
            )
            grants.append(
                {
                    "principal": "scale-readers",
                    "database": db,
                    "table": name,
                    "excludedColumns": ["email"],
                    "permissions": ["SELECT"],
                }
            )
    lake["principals"] = principals
    lake["databases"] = [*(lake.get("databases") or []), *databases]
    lake["grants"] = [*(lake.get("grants") or []), *grants]
    config["hybrid-burst:lake"] = lake
    return config

