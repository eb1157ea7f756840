"""The account baseline: built only in the stack that owns the account's singletons (``accountBaseline.ownership:
own``), one ``AccountBaseline`` per region; a sharing stack builds none (docs/adr/0007-account-baseline.md).

Until this layer existed every stack declared the singletons inside other components (Glue catalog encryption in
``DataCatalog``, Lake Formation settings in ``LakeGovernance``, EMR block public access in ``EmrRegionGuardrails``).
Their former addresses become ``pulumi.Alias`` entries, so an owning stack deployed before moves them under the
baseline on its next ``pulumi up`` instead of deleting and recreating them
(https://www.pulumi.com/docs/iac/operations/stack-management/refactoring-with-aliases/, "Re-parenting a
resource"). A stack that becomes ``shared`` drops them from its state; being ``retain_on_delete`` they stay in the
account for the owner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.platform.account_baseline import (
    CATALOG_ENCRYPTION,
    EMR_BLOCK_PUBLIC_ACCESS,
    IMDSV2,
    LAKE_SETTINGS,
    AccountBaseline,
    AccountBaselineArgs,
)

from .sites import Sites

# Where the singletons lived before the baseline (component type, component name, child name).
_FORMER_GUARDRAILS = ("hybrid-burst:emr:EmrRegionGuardrails", "{side}-emr-guardrails")
_FORMER_CATALOG = ("hybrid-burst:lake:DataCatalog", "lake-catalog", "lake-catalog-encryption")
_FORMER_LAKE = ("hybrid-burst:lake:LakeGovernance", "lake", "lake-settings")


@dataclass(frozen=True)
class AccountBaselines:
    """Side -> that region's baseline (only in the owning stack)."""

    by_side: Mapping[str, AccountBaseline]

    @property
    def catalog_dependencies(self) -> list[pulumi.Resource]:
        """What the Glue databases wait for: the catalog encryption settings."""
        return [b.catalog_encryption for b in self.by_side.values() if b.catalog_encryption is not None]

    @property
    def lake_dependencies(self) -> list[pulumi.Resource]:
        """What Lake Formation registrations, LF-tags and grants wait for: the data-lake settings (admins)."""
        return [b.lake_formation_settings for b in self.by_side.values() if b.lake_formation_settings is not None]


def _alias(component_type: str, component_name: str, child_name: str) -> pulumi.Alias:
    parent = pulumi.resource.create_urn(component_name, component_type)
    return pulumi.Alias(name=child_name, parent=parent)


def former_addresses(side: str, *, compute: bool) -> dict[str, Sequence[pulumi.Alias]]:
    """The singletons' addresses before the baseline, as aliases by role."""
    guardrails_type, guardrails_name = _FORMER_GUARDRAILS
    guardrails = guardrails_name.format(side=side)
    moved: dict[str, Sequence[pulumi.Alias]] = {
        EMR_BLOCK_PUBLIC_ACCESS: [_alias(guardrails_type, guardrails, f"{guardrails}-emr-block-public-access")],
        IMDSV2: [_alias(guardrails_type, guardrails, f"{guardrails}-imdsv2")],
    }
    if compute:
        moved[CATALOG_ENCRYPTION] = [_alias(*_FORMER_CATALOG)]
        moved[LAKE_SETTINGS] = [_alias(*_FORMER_LAKE)]
    return moved


def build_account_baseline(
    cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], *, catalog_kms_key_arn: pulumi.Input[str]
) -> AccountBaselines:
    """The owning stack's baseline per region (the compute region also holds the catalog and Lake Formation
    settings); empty in a sharing stack."""
    base = cfg.account_baseline
    if not base.owns:
        return AccountBaselines(by_side={})
    by_side: dict[str, AccountBaseline] = {}
    for site in sites:
        compute = site.side == sites.compute.side
        by_side[site.side] = AccountBaseline(
            f"{site.side}-account-baseline",
            AccountBaselineArgs(
                account_id=account_id,
                catalog_kms_key_arn=catalog_kms_key_arn if compute else None,
                lake_formation_admins=base.lake_formation_admins if compute else (),
                lake_formation_emr_integration=base.emr_integration,
                emr_block_public_access=base.block_public_access,
                require_imdsv2=base.require_imdsv2,
                moved_from=former_addresses(site.side, compute=compute),
            ),
            opts=pulumi.ResourceOptions(provider=site.provider),
        )
    return AccountBaselines(by_side=by_side)
