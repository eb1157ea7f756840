"""AccountBaseline: the account-wide settings of one region, created only by the stack that owns them.

These resources are singletons per account and region: each create or update ``put``s the account's one setting,
so two stacks that both declared them overwrote each other on every ``pulumi up`` (issue 10 item 3;
docs/adr/0007-account-baseline.md). The stack whose config says ``accountBaseline.ownership: own`` builds one
``AccountBaseline`` per region; every other stack of the account builds none.

- Glue Data Catalog encryption: metadata and connection passwords encrypted with the catalog key
  (``PutDataCatalogEncryptionSettings``; https://docs.aws.amazon.com/glue/latest/dg/encrypt-glue-data-catalog.html);
- Lake Formation data-lake settings: the administrators, given explicitly (never the identity running Pulumi), and
  no ``IAMAllowedPrincipals`` defaults on new databases and tables
  (https://docs.aws.amazon.com/lake-formation/latest/dg/change-settings.html), plus EMR's external data filtering;
- EMR block public access with no permitted ports
  (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html);
- optionally the region's EC2 instance-metadata defaults, IMDSv2 only
  (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html).

Every singleton is ``retain_on_delete``: destroying (or handing over) the owning stack leaves the account's settings
in place for the stacks that share them, instead of resetting the Lake Formation admins and turning catalog
encryption off under them (https://www.pulumi.com/docs/iac/concepts/resources/options/retainondelete/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.lake.principals import EMR_SESSION_TAG

CATALOG_ENCRYPTION = "catalog-encryption"
LAKE_SETTINGS = "lake-settings"
EMR_BLOCK_PUBLIC_ACCESS = "emr-block-public-access"
IMDSV2 = "imdsv2"
ROLES = (CATALOG_ENCRYPTION, LAKE_SETTINGS, EMR_BLOCK_PUBLIC_ACCESS, IMDSV2)
"""The singletons by role: each child is named ``<name>-<role>``."""


@dataclass(frozen=True, kw_only=True)
class AccountBaselineArgs:
    account_id: pulumi.Input[str]
    """The account whose settings these are (Lake Formation's external-data-filtering allow list). Required."""
    catalog_kms_key_arn: pulumi.Input[str] | None = None
    """Key encrypting the region's Glue Data Catalog metadata and connection passwords. Default: none - the
    region's catalog encryption is not managed here (the on-prem proxy region has no catalog)."""
    lake_formation_admins: Sequence[str] = ()
    """Lake Formation administrators of the region: IAM role/user ARNs (config
    ``accountBaseline.lakeFormationAdmins``). Default: none - the region's Lake Formation settings are not managed
    here. Never a placeholder for the deployer: an admin list is a decision, so it is written down."""
    lake_formation_emr_integration: bool = True
    """With Lake Formation settings: let EMR filter Lake Formation data for this account (external data
    filtering, session tag ``Amazon EMR``). Default: on, so that an EMR security configuration with Lake Formation on
    finds the account ready; the filtering itself only happens for clusters that turn it on."""
    emr_block_public_access: bool = True
    """EMR block public access with no permitted port ranges (EMR's own default permits port 22). Default: on."""
    require_imdsv2: bool = False
    """Set the region's account-wide instance-metadata defaults to IMDSv2-only. Default: off (the EMR security
    configurations already require IMDSv2 on the clusters' nodes)."""
    moved_from: Mapping[str, Sequence[pulumi.Alias]] = field(default_factory=dict)
    """Former addresses of the singletons, by role (``catalog-encryption``, ``lake-settings``,
    ``emr-block-public-access``, ``imdsv2``): a stack that created them elsewhere before moves them here instead of
    deleting and recreating them (https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/). Default:
    none (a new stack)."""


class AccountBaseline(pulumi.ComponentResource):
    """The account's singletons in the region of the provider in ``opts``."""

    catalog_encryption: aws.glue.DataCatalogEncryptionSettings | None
    """The Glue catalog encryption settings (None when not managed here): databases wait for them."""
    lake_formation_settings: aws.lakeformation.DataLakeSettings | None
    """The Lake Formation settings (None when not managed here): registrations, LF-tags and grants wait for them."""
    lake_formation_admins: list[str]
    catalog_encryption_id: pulumi.Output[str] | None
    lake_formation_settings_id: pulumi.Output[str] | None
    block_public_access_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: AccountBaselineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:platform:AccountBaseline", name, None, opts)
        unknown = sorted(set(args.moved_from) - set(ROLES))
        if unknown:
            raise ValueError(f"AccountBaselineArgs.moved_from: unknown roles {unknown}; use {list(ROLES)}")
        for admin in args.lake_formation_admins:
            if not admin.startswith("arn:") or ":iam::" not in admin:
                raise ValueError(f"AccountBaselineArgs.lake_formation_admins: {admin!r} is not an IAM ARN")

        def child(role: str) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(
                parent=self, retain_on_delete=True, aliases=list(args.moved_from.get(role, ()))
            )

        self.catalog_encryption = None
        self.catalog_encryption_id = None
        if args.catalog_kms_key_arn is not None:
            Settings = aws.glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsArgs  # noqa: N806
            AtRest = aws.glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsEncryptionAtRestArgs  # noqa: N806
            Passwords = (  # noqa: N806
                aws.glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsConnectionPasswordEncryptionArgs
            )
            self.catalog_encryption = aws.glue.DataCatalogEncryptionSettings(
                f"{name}-{CATALOG_ENCRYPTION}",
                data_catalog_encryption_settings=Settings(
                    encryption_at_rest=AtRest(
                        catalog_encryption_mode="SSE-KMS", sse_aws_kms_key_id=args.catalog_kms_key_arn
                    ),
                    connection_password_encryption=Passwords(
                        return_connection_password_encrypted=True, aws_kms_key_id=args.catalog_kms_key_arn
                    ),
                ),
                opts=child(CATALOG_ENCRYPTION),
            )
            self.catalog_encryption_id = self.catalog_encryption.id

        self.lake_formation_admins = list(args.lake_formation_admins)
        self.lake_formation_settings = None
        self.lake_formation_settings_id = None
        if args.lake_formation_admins:
            emr = args.lake_formation_emr_integration
            self.lake_formation_settings = aws.lakeformation.DataLakeSettings(
                f"{name}-{LAKE_SETTINGS}",
                admins=list(args.lake_formation_admins),
                # Empty lists clear the IAMAllowedPrincipals "Super" default on new databases and tables, so Lake
                # Formation permissions, not IAM alone, govern access.
                create_database_default_permissions=[],
                create_table_default_permissions=[],
                allow_external_data_filtering=emr,
                external_data_filtering_allow_lists=[args.account_id] if emr else None,
                authorized_session_tag_value_lists=[EMR_SESSION_TAG] if emr else None,
                opts=child(LAKE_SETTINGS),
            )
            self.lake_formation_settings_id = self.lake_formation_settings.id

        self.block_public_access_id = None
        if args.emr_block_public_access:
            bpa = aws.emr.BlockPublicAccessConfiguration(
                f"{name}-{EMR_BLOCK_PUBLIC_ACCESS}",
                block_public_security_group_rules=True,
                # No permitted ranges: EMR's default allows port 22; we allow nothing.
                permitted_public_security_group_rule_ranges=[],
                opts=child(EMR_BLOCK_PUBLIC_ACCESS),
            )
            self.block_public_access_id = bpa.id
        if args.require_imdsv2:
            aws.ec2.InstanceMetadataDefaults(
                f"{name}-{IMDSV2}", http_tokens="required", http_endpoint="enabled", opts=child(IMDSV2)
            )

        self.register_outputs(
            {
                "catalog_encryption_id": self.catalog_encryption_id,
                "lake_formation_settings_id": self.lake_formation_settings_id,
                "block_public_access_id": self.block_public_access_id,
            }
        )
