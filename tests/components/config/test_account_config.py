"""``hybrid-burst:accountBaseline``: ownership own|shared, the account, and the owner's explicit Lake Formation admins;
every bad value is a ConfigError naming the key (exit 2 through scripts/plan.py: tests/scripts/test_plan.py)."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from scripts.offline.recorder import read_stack_config

ACCOUNT = "111111111111"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/hybrid-burst-deployer"
BASE: dict[str, Any] = {
    "hybrid-burst:environment": "dev",
    "hybrid-burst:network": {"onprem": {"cidr": "10.10.0.0/16"}, "compute": {"cidr": "10.20.0.0/16"}},
}
OWN = {"ownership": "own", "accountId": ACCOUNT, "lakeFormationAdmins": [ADMIN]}
SHARED = {"ownership": "shared", "accountId": ACCOUNT}
KEY = "hybrid-burst:accountBaseline"


def _load(baseline: Any) -> Any:
    return load_stack_config({**BASE, KEY: baseline}, stack="dev")


def _err(baseline: Any) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        _load(baseline)
    return err.value


def test_owner_with_explicit_admins_loads_with_the_owners_defaults() -> None:
    base = _load(OWN).account_baseline
    assert base.owns
    assert base.lake_formation_admins == [ADMIN]
    assert base.block_public_access is True
    assert base.require_imdsv2 is False
    assert base.emr_integration is True


def test_shared_stack_needs_only_the_account() -> None:
    base = _load(SHARED).account_baseline
    assert not base.owns
    assert base.account_id == ACCOUNT


@pytest.mark.parametrize(
    ("baseline", "key", "fragment"),
    [
        pytest.param({**OWN, "lakeFormationAdmins": []}, f"{KEY}.lakeFormationAdmins", "is empty but this stack owns",
                     id="own-without-admins"),
        pytest.param({"ownership": "own", "accountId": ACCOUNT}, f"{KEY}.lakeFormationAdmins", "is empty",
                     id="own-admins-missing"),
        pytest.param({**OWN, "ownership": "mine"}, f"{KEY}.ownership", "own", id="unknown-ownership"),
        pytest.param({"accountId": ACCOUNT}, f"{KEY}.ownership", "", id="ownership-missing"),
        pytest.param({"ownership": "shared"}, f"{KEY}.accountId", "", id="account-missing"),
        pytest.param({**SHARED, "accountId": "1234"}, f"{KEY}.accountId", "12-digit", id="account-not-12-digits"),
        pytest.param({**OWN, "lakeFormationAdmins": ["deployer"]}, f"{KEY}.lakeFormationAdmins",
                     "not 'deployer'", id="deployer-symbol-refused"),
        pytest.param({**OWN, "lakeFormationAdmins": ["arn:aws:sts::111111111111:assumed-role/Admin/me"]},
                     f"{KEY}.lakeFormationAdmins", "not an IAM role/user ARN", id="sts-session-refused"),
        pytest.param({**OWN, "lakeFormationAdmins": ["arn:aws:iam::222222222222:role/admin"]},
                     f"{KEY}.lakeFormationAdmins.0", "not in accountId 111111111111", id="admin-of-another-account"),
        pytest.param({**SHARED, "lakeFormationAdmins": [ADMIN]}, f"{KEY}.lakeFormationAdmins",
                     "shares the account baseline", id="shared-with-admins"),
        pytest.param({**SHARED, "imdsv2Required": True}, f"{KEY}.imdsv2Required", "nothing reads it",
                     id="shared-with-owner-setting"),
        pytest.param({**OWN, "lakeFormationAdmins": [ADMIN, ADMIN]}, f"{KEY}.lakeFormationAdmins.1", "repeats",
                     id="repeated-admin"),
        pytest.param({**OWN, "owner": True}, f"{KEY}.owner", "", id="unknown-key"),
    ],
)
def test_bad_baseline_is_refused_naming_the_key(baseline: dict[str, Any], key: str, fragment: str) -> None:
    err = _err(baseline)
    assert key in err.keys, err
    assert fragment in str(err)


def test_a_stack_file_without_the_section_is_told_what_to_write() -> None:
    with pytest.raises(ConfigError) as err:
        load_stack_config(BASE, stack="dev")
    assert set(err.value.keys) == {f"{KEY}.ownership", f"{KEY}.accountId"}


def test_the_former_keys_are_gone() -> None:
    """Lake Formation admins and the account-wide EMR switches moved to the baseline: the old keys are errors, not
    silently ignored (``deployer`` as an admin is no longer a thing)."""
    raw = read_stack_config("dev")
    for section, extra, key in [
        ("hybrid-burst:lake", {"admins": ["deployer"]}, "hybrid-burst:lake.admins"),
        (
            "hybrid-burst:emr",
            {"settings": {"accountImdsv2Required": True}},
            "hybrid-burst:emr.settings.accountImdsv2Required",
        ),
    ]:
        with pytest.raises(ConfigError) as err:
            load_stack_config({**raw, section: extra}, stack="dev")
        assert key in err.value.keys
