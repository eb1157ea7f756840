"""AccountBaseline as a component: what each region's baseline holds, explicit Lake Formation admins, retained
singletons, former addresses as aliases."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest

from components.platform.account_baseline import AccountBaseline, AccountBaselineArgs
from scripts.offline.recorder import Plan, record
from tests.conftest import in_region

ACCOUNT = "123456789012"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/lake-admin"
GLUE = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
LF = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
BPA = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"
IMDS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults"


def test_compute_region_holds_catalog_encryption_lake_settings_and_block_public_access(
    run_program: Callable[..., Plan],
) -> None:
    plan = run_program(
        lambda: AccountBaseline(
            "compute-account-baseline",
            AccountBaselineArgs(account_id=ACCOUNT, catalog_kms_key_arn=KEY, lake_formation_admins=[ADMIN]),
            opts=in_region(),
        )
    )
    enc = plan.one(GLUE).inputs["dataCatalogEncryptionSettings"]
    assert enc["encryptionAtRest"] == {"catalogEncryptionMode": "SSE-KMS", "sseAwsKmsKeyId": KEY}
    assert enc["connectionPasswordEncryption"] == {"returnConnectionPasswordEncrypted": True, "awsKmsKeyId": KEY}
    lf = plan.one(LF).inputs
    assert lf["admins"] == [ADMIN]
    assert lf["createDatabaseDefaultPermissions"] == []
    assert lf["createTableDefaultPermissions"] == []
    assert lf["externalDataFilteringAllowLists"] == [ACCOUNT]
    assert lf["authorizedSessionTagValueLists"] == ["Amazon EMR"]
    bpa = plan.one(BPA).inputs
    assert bpa["blockPublicSecurityGroupRules"] is True
    assert not bpa.get("permittedPublicSecurityGroupRuleRanges")
    assert plan.of_type(IMDS) == [], "IMDSv2 account defaults are opt-in"
    for r in plan.custom_resources:
        assert r.options["retainOnDelete"] is True, r.name
        assert r.name.startswith("compute-account-baseline-"), r.name


def test_a_region_without_catalog_or_admins_holds_only_the_emr_and_ec2_settings(
    run_program: Callable[..., Plan],
) -> None:
    plan = run_program(
        lambda: AccountBaseline(
            "onprem-account-baseline",
            AccountBaselineArgs(account_id=ACCOUNT, require_imdsv2=True, lake_formation_emr_integration=False),
            opts=in_region("onprem", "us-west-1"),
        )
    )
    assert sorted(r.type for r in plan.custom_resources) == sorted([BPA, IMDS])
    assert plan.one(IMDS).inputs["httpTokens"] == "required"
    assert {r.region for r in plan.custom_resources} == {"us-west-1"}


def test_emr_integration_off_leaves_external_filtering_off(run_program: Callable[..., Plan]) -> None:
    plan = run_program(
        lambda: AccountBaseline(
            "b",
            AccountBaselineArgs(account_id=ACCOUNT, lake_formation_admins=[ADMIN], lake_formation_emr_integration=False,
                                emr_block_public_access=False),
            opts=in_region(),
        )
    )
    lf = plan.one(LF).inputs
    assert lf["allowExternalDataFiltering"] is False
    assert "externalDataFilteringAllowLists" not in lf
    assert plan.of_type(BPA) == []


def test_former_addresses_become_aliases(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        AccountBaseline(
            "b",
            AccountBaselineArgs(
                account_id=ACCOUNT,
                moved_from={
                    "emr-block-public-access": [pulumi.Alias(name="old-bpa", parent=pulumi.ROOT_STACK_RESOURCE)]
                },
            ),
            opts=in_region(),
        )

    plan = run_program(program, stack="moves")
    assert plan.one(BPA).aliases == [
        "urn:pulumi:moves::hybrid-burst::aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration::old-bpa"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"moved_from": {"bpa": []}}, "unknown roles", id="unknown-role"),
        pytest.param({"lake_formation_admins": ["deployer"]}, "not an IAM ARN", id="admin-not-an-arn"),
    ],
)
def test_bad_args_are_refused(args: dict[str, object], message: str) -> None:
    pulumi.runtime.settings.ROOT.set(None)
    with pytest.raises(ValueError, match=message):
        record(
            lambda: AccountBaseline("b", AccountBaselineArgs(account_id=ACCOUNT, **args), opts=in_region()),  # type: ignore[arg-type]
            stack="test",
            config={},
        )
