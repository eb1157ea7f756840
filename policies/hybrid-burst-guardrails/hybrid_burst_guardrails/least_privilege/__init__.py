"""Least-privilege family: IAM documents and attachments, trust policies, network exposure, IMDS, Lake Formation,
resource policies, default security groups, Kerberos, the account baseline."""

from hybrid_burst_guardrails.core.rule import Rule

from . import (
    account_baseline_singletons,
    emr_block_public_access,
    emr_cluster_private_subnet,
    emr_kerberos_required,
    iam_no_admin_managed_policies,
    iam_no_passrole_wildcard,
    iam_no_wildcard_actions,
    iam_no_wildcard_resources,
    iam_trust_no_wildcard_principal,
    lakeformation_no_iam_allowed_principals,
    launch_template_imdsv2,
    resource_policy_trusted_principals,
    sg_no_public_ingress,
    vpc_default_security_group_closed,
)

RULES: tuple[Rule, ...] = (
    iam_no_wildcard_actions.RULE,
    iam_no_wildcard_resources.RULE,
    iam_no_passrole_wildcard.RULE,
    iam_no_admin_managed_policies.RULE,
    iam_trust_no_wildcard_principal.RULE,
    sg_no_public_ingress.RULE,
    emr_block_public_access.RULE,
    emr_cluster_private_subnet.RULE,
    launch_template_imdsv2.RULE,
    lakeformation_no_iam_allowed_principals.RULE,
    vpc_default_security_group_closed.RULE,
    resource_policy_trusted_principals.RULE,
    emr_kerberos_required.RULE,
    account_baseline_singletons.RULE,
)

__all__ = ["RULES"]
