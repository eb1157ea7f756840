"""``hybrid-burst:lake``: presets load, and bad grants/catalog are rejected naming the key (Lake Formation admins:
``tests/components/config/test_account_config.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, deep_merge, load_stack_config
from components.config.lake import LakeConfig
from components.config.lake_presets import PRESETS

BASE: dict[str, Any] = {
    "hybrid-burst:environment": "dev",
    "hybrid-burst:network": {"onprem": {"cidr": "10.10.0.0/16"}, "compute": {"cidr": "10.20.0.0/16"}},
    "hybrid-burst:accountBaseline": {
        "ownership": "own",
        "accountId": "111111111111",
        "lakeFormationAdmins": ["arn:aws:iam::111111111111:role/hybrid-burst-deployer"],
    },
}


def _lake(lake: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        load_stack_config({**BASE, "hybrid-burst:lake": lake}, stack="dev")
    return err.value


def _grant(**kw: Any) -> dict[str, Any]:
    return {"grants": [{"principal": "analysts", "database": "demo", "permissions": ["SELECT"], **kw}]}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_presets_validate(env: str) -> None:
    lake = LakeConfig.model_validate(PRESETS[env])
    assert {d.name for d in lake.databases} >= {"tpcds", "demo"}


def test_dev_loads_with_its_stack_file() -> None:
    cfg = load_stack_config(BASE, stack="dev")
    assert cfg.lake.force_destroy is True
    assert cfg.lake.database("demo").table("customers") is not None


def test_grant_to_unknown_table_names_the_key() -> None:
    err = _lake(_grant(table="orders"))
    assert err.keys == ["hybrid-burst:lake.grants.0.table"]
    assert "'orders' is not a table of database 'demo'" in str(err)


def test_grant_on_column_not_in_schema_names_the_key() -> None:
    err = _lake(_grant(table="customers", excludedColumns=["email", "ssn"]))
    assert err.keys == ["hybrid-burst:lake.grants.0.excludedColumns.1"]
    assert "'ssn' is not a column of demo.customers" in str(err)


def test_grant_to_unknown_database_and_principal() -> None:
    assert _lake(_grant(database="sales", permissions=["DESCRIBE"])).keys == ["hybrid-burst:lake.grants.0.database"]
    err = _lake({"grants": [{"principal": "interns", "database": "demo", "permissions": ["DESCRIBE"]}]})
    assert err.keys == ["hybrid-burst:lake.grants.0.principal"]


def test_column_grants_admit_select_only() -> None:
    err = _lake(_grant(table="customers", columns=["email"], permissions=["INSERT"]))
    assert err.keys == ["hybrid-burst:lake.grants.0.permissions"]


def test_tags_and_tag_grants_must_use_defined_values() -> None:
    err = _lake({"tagGrants": [{"principal": "analysts", "expression": {"sensitivity": ["secret"]},
                                "permissions": ["SELECT"]}]})
    assert err.keys == ["hybrid-burst:lake.tagGrants.0.expression.sensitivity"]


def test_standard_ia_transition_needs_30_days() -> None:
    err = _lake({"lifecycle": {"rawTransitionStorageClass": "STANDARD_IA", "rawTransitionDays": 7}})
    assert err.keys == ["hybrid-burst:lake.lifecycle.rawTransitionDays"]


def test_principal_needs_exactly_one_source() -> None:
    err = _lake({"principals": {"analysts": {"create": True, "lateBound": True}}})
    assert err.keys == ["hybrid-burst:lake.principals.analysts.arn"]


def test_emr_runtime_is_built_in() -> None:
    err = _lake({"principals": {"emr-runtime": {"create": True, "assumableBy": ["role/hybrid-burst-analysts/*"]}}})
    assert err.keys == ["hybrid-burst:lake.principals.emr-runtime"]


@pytest.mark.parametrize("prefix", ["/tpcds/", "tpcds", "tpcds//x/", "../tpcds/", "TPCDS/"])
def test_location_grant_prefix_is_a_relative_prefix(prefix: str) -> None:
    err = _lake({"locationGrants": [{"principal": "emr-runtime", "zone": "raw", "prefix": prefix}]})
    assert "locationGrants.0.prefix" in str(err)
    assert "e.g. tpcds/" in str(err)


def test_location_grant_prefix_accepted_and_repeats_rejected() -> None:
    grant = {"principal": "emr-runtime", "zone": "raw", "prefix": "tpcds/store_sales/"}
    lake = LakeConfig.model_validate({**PRESETS["dev"], "locationGrants": [grant]})
    assert lake.location_grants[0].prefix == "tpcds/store_sales/"
    whole = {"principal": "emr-runtime", "zone": "raw"}
    instance = {"principal": "emr-instance", "zone": "raw", "prefix": "tpcds/"}
    cfg = load_stack_config({**BASE, "hybrid-burst:lake": {"locationGrants": [whole, grant, instance]}}, stack="dev")
    assert len(cfg.lake.location_grants) == 3, "a zone and a prefix under it are two locations"
    err = _lake({"locationGrants": [instance, grant, dict(grant)]})
    assert err.keys == ["hybrid-burst:lake.locationGrants.2"]
    assert "repeats" in str(err)


def _writer_problems(config: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_stack_config(deep_merge(BASE, config), stack="dev")
    return [line for line in str(err.value).splitlines() if "lake pipeline" in line]


def test_every_pipeline_principal_can_create_its_tables() -> None:
    """dev runs Spark steps as the instance role: without its CREATE_TABLE and raw/tpcds/ location the config fails
    naming both keys and the fix; turning Lake Formation on moves the need to the runtime role, which has both."""
    grants = [g for g in PRESETS["dev"]["grants"] if g["principal"] != "emr-instance"]
    problems = _writer_problems({"hybrid-burst:lake": {"grants": grants, "locationGrants": []}})
    assert len(problems) == 2
    assert "lake.grants: gives emr-instance no CREATE_TABLE on database tpcds" in problems[0]
    assert "lake.locationGrants: gives emr-instance no data location covering raw/tpcds/" in problems[1]
    assert "prefix: tpcds/" in problems[1]
    governed = load_stack_config(deep_merge(BASE, {"hybrid-burst:emr": {"settings": {"lakeFormation": True}},
                                                   "hybrid-burst:lake": {"grants": grants}}), stack="dev")
    assert governed.emr.settings.lake_formation


def test_pipeline_database_is_the_pipelines() -> None:
    from components.config.pipeline import PIPELINE_DATABASE
    from components.lake.lake_pipeline import PIPELINE_DATABASE as PIPELINE
    from jobs.tpcds_to_iceberg import parse_args

    assert PIPELINE_DATABASE == PIPELINE == parse_args(["--source-root", "s3://b/t"]).database


@pytest.mark.parametrize(
    ("principal", "fragment"),
    [
        pytest.param({"create": True}, "would trust the whole account", id="created-without-assumable-by"),
        pytest.param({"create": True, "assumableBy": ["role/*"]}, "every role of the account", id="whole-account"),
        pytest.param({"create": True, "assumableBy": ["arn:aws:iam::111111111111:role/x"]}, "write role/",
                     id="full-arn-not-a-suffix"),
        pytest.param({"arn": "arn:aws:iam::111111111111:role/x", "assumableBy": ["role/auditors/*"]},
                     "only a created role", id="assumable-by-without-create"),
    ],
)
def test_a_created_principal_names_who_may_assume_it(principal: dict[str, Any], fragment: str) -> None:
    """Issue 14 item 1: lake-analysts trusted the whole account; a created role now needs aws:PrincipalArn patterns."""
    err = _lake({"principals": {"auditors": principal}})
    assert err.keys[0].startswith("hybrid-burst:lake.principals.auditors.assumableBy"), err.keys
    assert fragment in str(err)


def test_the_presets_analysts_role_is_narrowed() -> None:
    for env, preset in PRESETS.items():
        analysts = LakeConfig.model_validate(preset).principals["analysts"]
        assert analysts.assumable_by == ["role/hybrid-burst-analysts/*"], env
