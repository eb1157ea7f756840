"""The account baseline (issue 10 item 3): the account-wide singletons are registered by the one stack that owns the
account's baseline, under ``AccountBaseline``, and by no other stack of that account.

- two stacks in one account, under the mocks: the owner registers each singleton (EMR block public access once per
  region), the sharing stack none (each passes ``account-baseline-singletons`` with its own policy config:
  tests/policies/hybrid_burst_guardrails/least_privilege/test_account_baseline_singletons.py);
- the shipped stacks: exactly one owner per account, policy configs that agree with the stack configs, and no two
  stacks of one account that would collide on account-scoped catalog names;
- the move: every singleton carries its former URN as an alias, so a deployed owner moves it instead of deleting
  and recreating it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from components.config import load_stack_config
from components.config.stack import StackConfig, deep_merge
from scripts.offline.layout import policy_config
from scripts.offline.recorder import Plan, available_stacks, read_stack_config
from tests import plan_cache
from tests.stacks import proxy_stacks

SINGLETONS = (
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
    "aws:lakeformation/dataLakeSettings:DataLakeSettings",
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration",
)
"""The types the policy rule ``account-baseline-singletons`` knows (its tests check it against the pack)."""
RULE_ID = "account-baseline-singletons"
IMDS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults"
ACCOUNT_WIDE = (*SINGLETONS, IMDS)
BASELINE = "hybrid-burst:platform:AccountBaseline"
KEY = "hybrid-burst:accountBaseline"


def _config(stack: str) -> StackConfig:
    return load_stack_config(read_stack_config(stack), stack=stack)


def _policy_entry(stack: str) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(policy_config(stack).read_text())[RULE_ID]
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def _singletons(plan: Plan) -> list[Any]:
    return [r for r in plan.resources if r.type in ACCOUNT_WIDE]


def sharing_stack_config(owner: str = "dev") -> dict[str, Any]:
    """A second stack in ``owner``'s account that shares its baseline (other CIDRs, same everything else)."""
    raw = dict(read_stack_config(owner))
    raw[KEY] = {"ownership": "shared", "accountId": raw[KEY]["accountId"]}
    raw["hybrid-burst:network"] = deep_merge(
        raw["hybrid-burst:network"], {"onprem": {"cidr": "10.70.0.0/16"}, "compute": {"cidr": "10.80.0.0/16"}}
    )
    return raw


@pytest.fixture(scope="module")
def two_stacks_one_account() -> tuple[Plan, Plan]:
    """dev as shipped (owns its account's baseline) and a second stack of the same account that shares it."""
    return plan_cache.recorded("dev"), plan_cache.recorded("sandbox", sharing_stack_config())


def test_only_the_owning_stack_registers_the_singletons(two_stacks_one_account: tuple[Plan, Plan]) -> None:
    owner, sharer = two_stacks_one_account
    assert _singletons(sharer) == [], [r.urn for r in _singletons(sharer)]
    assert not sharer.of_type(BASELINE)
    regions = {r.region for r in owner.of_type("aws:emr/cluster:Cluster")}
    for type_ in SINGLETONS:
        found = owner.of_type(type_)
        per_region = {r.region for r in found}
        expected = regions if type_.startswith("aws:emr/") else {_config("dev").regions.compute}
        assert per_region == expected, (type_, [r.urn for r in found])
        assert len(found) == len(expected), (type_, [r.urn for r in found])
        for r in found:
            parent = owner.get(r.parent) if r.parent else None
            assert parent is not None, r.urn
            assert parent.type == BASELINE, r.urn
            assert r.options["retainOnDelete"] is True, f"{r.name}: destroying the owner must not reset the account"


def test_the_sharing_stack_still_governs_its_lake(two_stacks_one_account: tuple[Plan, Plan]) -> None:
    """Its grants and catalog exist and wait for nothing it does not declare (the owner set the account up)."""
    owner, sharer = two_stacks_one_account
    assert sharer.of_type("aws:lakeformation/permissions:Permissions")
    assert sharer.of_type("aws:glue/catalogDatabase:CatalogDatabase")
    own_settings = {r.urn for r in _singletons(owner)}
    for r in sharer.resources:
        assert not own_settings & set(r.dependencies), r.urn
    settings = owner.one("aws:lakeformation/dataLakeSettings:DataLakeSettings")
    for perm in owner.of_type("aws:lakeformation/permissions:Permissions"):
        assert settings.urn in perm.dependencies, f"{perm.name} must wait for the owner's admins"


def test_shipped_stacks_have_exactly_one_owner_per_account() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    stacks_of: dict[str, list[str]] = defaultdict(list)
    for stack in available_stacks():
        base = _config(stack).account_baseline
        stacks_of[base.account_id].append(stack)
        if base.owns:
            owners[base.account_id].append(stack)
    for account, stacks in stacks_of.items():
        assert len(owners[account]) == 1, f"account {account} ({stacks}): owners {owners[account]}, want exactly one"


@pytest.mark.parametrize("stack", available_stacks())
def test_policy_config_agrees_with_the_stack_config(stack: str) -> None:
    """The rule cannot read the stack config: its per-stack config says the same ownership."""
    ownership = _config(stack).account_baseline.ownership
    assert _policy_entry(stack)["accountBaseline"] == ownership


def test_stacks_sharing_an_account_do_not_collide_on_account_scoped_names() -> None:
    """Glue databases and LF-tag keys are per account and region as well: two stacks of one account in the same
    compute region must not both create one (docs/adr/0007-account-baseline.md)."""
    seen: dict[tuple[str, str, str], str] = {}
    for stack in available_stacks():
        cfg = _config(stack)
        scope = (cfg.account_baseline.account_id, cfg.regions.compute)
        names = [("database", d.name) for d in cfg.lake.databases] + [("lf-tag", k) for k in cfg.lake.lf_tags]
        for kind, name in names:
            other = seen.setdefault((*scope, f"{kind}:{name}"), stack)
            assert other == stack, f"{stack} and {other} both create {kind} {name} in account {scope[0]}, {scope[1]}"


# The singletons' URNs before the account baseline (recorded with ``scripts/plan.py --diff base-s19``): deployed
# stacks hold these in their state.
FORMER = {
    "compute-account-baseline-catalog-encryption": "hybrid-burst:lake:DataCatalog$"
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings::lake-catalog-encryption",
    "compute-account-baseline-lake-settings": "hybrid-burst:lake:LakeGovernance$"
    "aws:lakeformation/dataLakeSettings:DataLakeSettings::lake-settings",
    "compute-account-baseline-emr-block-public-access": "hybrid-burst:emr:EmrRegionGuardrails$"
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration::compute-emr-guardrails-emr-block-public-access",
    "onprem-account-baseline-emr-block-public-access": "hybrid-burst:emr:EmrRegionGuardrails$"
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration::onprem-emr-guardrails-emr-block-public-access",
}


@pytest.mark.parametrize("stack", available_stacks())
def test_every_moved_singleton_names_its_former_urn(stack: str) -> None:
    plan = plan_cache.recorded(stack)
    moved = {r.name: r.aliases for r in _singletons(plan)}
    # External mode (issue 13) builds no on-prem region, so no on-prem singletons.
    former = {name: tail for name, tail in FORMER.items() if stack in proxy_stacks() or not name.startswith("onprem-")}
    assert set(moved) == set(former)
    for name, tail in former.items():
        assert f"urn:pulumi:{stack}::hybrid-burst::{tail}" in moved[name], name
