"""``hybrid-burst:accountBaseline``: who owns the account-wide settings, and what they are.

Some AWS settings exist once per account and region, not per stack: the Glue Data Catalog's encryption settings
(``PutDataCatalogEncryptionSettings``), Lake Formation's data-lake settings (``PutDataLakeSettings``: the admin list
and the default permissions of new databases and tables), EMR block public access
(``PutBlockPublicAccessConfiguration``) and EC2's instance-metadata defaults (``ModifyInstanceMetadataDefaults``).
Each call replaces the account's setting, so two stacks of one account that both declare them overwrite each other
on every ``pulumi up`` (issue 10 item 3). Exactly one stack per account owns them (``ownership: own``); every other
stack of that account says ``ownership: shared`` and declares none of them (docs/adr/0007-account-baseline.md).

Lake Formation administrators are explicit IAM role/user ARNs of the account, never "whoever runs pulumi up": the
deploy role of every stack of the account that manages grants must be listed in the owning stack, because only
Lake Formation administrators may grant.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .types import AccountId, StrictModel

Ownership = Literal["own", "shared"]

# Lake Formation admins are IAM users or roles (an STS assumed-role session ARN is not accepted), in the account
# whose settings they administer (DataLakeAdmins: "a list of AWS Lake Formation principals", IAM users and roles
# of the account: https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_DataLakeSettings.html).
_IAM_PRINCIPAL_RE = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::(?P<account>\d{12}):(?:role|user)/[\w+=,.@/-]+$")
# PutDataLakeSettings: DataLakeAdmins holds 0-30 principals (API reference, DataLakeSettings.DataLakeAdmins).
MAX_LAKE_FORMATION_ADMINS = 30


class AccountBaselineConfig(StrictModel):
    """Ownership of the account-wide singletons, the account they belong to, and their settings (owner only)."""

    ownership: Ownership
    """``own``: this stack creates and manages the account's singletons (Glue catalog encryption, Lake Formation
    settings and admins, EMR block public access in both regions, optional IMDSv2 defaults); ``shared``: another
    stack of the same account does, and this stack declares none of them. Required: no default is safe, since the
    right answer depends on the other stacks of the account (exactly one owner per account)."""
    account_id: AccountId
    """The 12-digit AWS account this stack deploys to: the providers refuse any other (``allowedAccountIds``), and
    stacks of one account are checked for a single owner. Required."""
    lake_formation_admins: list[str] = Field(default_factory=list)
    """Lake Formation administrators (``ownership: own`` only): IAM role/user ARNs of ``accountId``. Required and
    non-empty when this stack owns the baseline; list the deploy role of every stack of the account (only admins
    can grant) and the people's admin role. Never derived from the identity running ``pulumi up``. Default: none."""
    emr_block_public_access: bool | None = None
    """EMR block public access with no permitted ports, in both regions (``ownership: own`` only).
    Default: on in the owning stack; must be unset in a sharing stack."""
    imdsv2_required: bool | None = None
    """Set both regions' account-wide EC2 instance-metadata defaults to IMDSv2-only (``ownership: own`` only).
    Default: off in the owning stack (the EMR security configurations already require IMDSv2 on the clusters);
    must be unset in a sharing stack."""
    lake_formation_emr_integration: bool | None = None
    """Let EMR filter Lake Formation data for this account (external data filtering, session tag
    ``Amazon EMR``) (``ownership: own`` only). Default: on in the owning stack; must be unset in a sharing stack."""

    @field_validator("lake_formation_admins")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        for i, admin in enumerate(value):
            if not _IAM_PRINCIPAL_RE.match(admin):
                raise ValueError(
                    f"entry {i} ({admin!r}) is not an IAM role/user ARN; write arn:aws:iam::<account>:role/<name> "
                    "(not an sts assumed-role session, not 'deployer': Lake Formation admins are named explicitly)"
                )
        if len(value) > MAX_LAKE_FORMATION_ADMINS:
            raise ValueError(f"lists {len(value)} admins; Lake Formation accepts at most {MAX_LAKE_FORMATION_ADMINS}")
        return value

    @model_validator(mode="after")
    def _by_ownership(self) -> AccountBaselineConfig:
        if self.ownership == "own":
            if not self.lake_formation_admins:
                raise ValueError(
                    "@lakeFormationAdmins: is empty but this stack owns the account baseline (ownership: own); "
                    "list the IAM role ARNs that administer Lake Formation, including the role every stack of "
                    f"account {self.account_id} deploys with (only admins can grant), e.g. "
                    f"arn:aws:iam::{self.account_id}:role/hybrid-burst-deployer"
                )
            for i, admin in enumerate(self.lake_formation_admins):
                m = _IAM_PRINCIPAL_RE.match(admin)
                if m and m.group("account") != self.account_id:
                    raise ValueError(
                        f"@lakeFormationAdmins.{i}: {admin!r} is in account {m.group('account')}, not in "
                        f"accountId {self.account_id}; Lake Formation admins are principals of the account itself"
                    )
            return self
        owner_only = {
            "lakeFormationAdmins": self.lake_formation_admins or None,
            "emrBlockPublicAccess": self.emr_block_public_access,
            "imdsv2Required": self.imdsv2_required,
            "lakeFormationEmrIntegration": self.lake_formation_emr_integration,
        }
        for key, value in owner_only.items():
            if value is not None:
                raise ValueError(
                    f"@{key}: is set but this stack shares the account baseline (ownership: shared), so nothing "
                    "reads it; set it in the stack of the account that has ownership: own, and remove it here"
                )
        return self

    @property
    def owns(self) -> bool:
        return self.ownership == "own"

    @property
    def block_public_access(self) -> bool:
        return self.emr_block_public_access is not False

    @property
    def require_imdsv2(self) -> bool:
        return bool(self.imdsv2_required)

    @property
    def emr_integration(self) -> bool:
        return self.lake_formation_emr_integration is not False


PRESETS: dict[str, dict[str, object]] = {"dev": {}, "staging": {}, "prod": {}}
"""No preset: ownership and the account are facts of the deployment, written in each stack file."""
