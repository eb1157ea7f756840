"""One explicit ``aws.Provider`` per region, tagging everything through ``default_tags``."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import StackConfig


@dataclass(frozen=True)
class RegionalProviders:
    onprem: aws.Provider | None
    """The on-prem proxy region's provider; None with ``onprem.mode: external`` (no on-prem region)."""
    compute: aws.Provider
    """The burst compute region's provider."""


def default_tags(cfg: StackConfig) -> dict[str, str]:
    return {
        "project": "hybrid-burst",
        "stack": cfg.stack,
        "environment": cfg.environment,
        "managed-by": "pulumi",
    }


def build_providers(cfg: StackConfig) -> RegionalProviders:
    """Providers are the only place a region is named; every component receives one through ``opts``."""

    def provider(side: str, region: str) -> aws.Provider:
        return aws.Provider(
            side,
            region=region,
            # The provider refuses credentials of any other account, so the account a stack's config names (and
            # whose baseline it owns or shares) is the account it deploys to
            # (https://www.pulumi.com/registry/packages/aws/api-docs/provider/#allowed_account_ids).
            allowed_account_ids=[cfg.account_baseline.account_id],
            default_tags=aws.ProviderDefaultTagsArgs(tags={**default_tags(cfg), "side": side}),
            opts=pulumi.ResourceOptions(),
        )

    return RegionalProviders(
        onprem=provider("onprem", cfg.regions.onprem) if cfg.regions.onprem is not None else None,
        compute=provider("compute", cfg.regions.compute),
    )
