"""No AdministratorAccess or other full-access AWS managed policies are attached to roles, users or groups.

Where attachments live (pulumi-aws 7.51.1 getters): ``policyArn`` on ``aws:iam/rolePolicyAttachment``,
``aws:iam/userPolicyAttachment``, ``aws:iam/groupPolicyAttachment`` and ``aws:iam/policyAttachment``;
``policyArns`` on the ``...PolicyAttachmentsExclusive`` resources; ``managedPolicyArns`` on ``aws:iam/role:Role``.
AWS managed policies have ARNs ``arn:<partition>:iam::aws:policy/[<path>/]<name>`` in every partition (``aws``,
``aws-cn``, ``aws-us-gov``). An ARN that is unknown during preview comes from a resource of this stack (a customer
managed policy, judged by the document rules); AWS managed ARNs are constants or data-source results, which are
known during preview, so an unknown ARN is skipped without a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list

RULE_ID = "iam-no-admin-managed-policies"
DESCRIPTION = "AdministratorAccess and other full-access AWS managed policies must not be attached."
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Detach the managed policy and grant only what the workload needs with a scoped inline or customer managed "
    "policy (for EMR: AmazonEMRServicePolicy_v2 for the service role plus scoped S3/Glue/KMS grants)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "deniedPolicyNames": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"],
        "description": "AWS managed policy names (or name prefixes ending in '*') that must never be attached.",
    },
    "denyFullAccessPolicies": {
        "type": "boolean",
        "default": True,
        "description": "Also deny every AWS managed policy whose name contains 'FullAccess'.",
    },
    "allowedPolicyNames": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Exceptions to the rules above (exact AWS managed policy names).",
    },
}

_AWS_MANAGED = re.compile(r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")

SINGLE_ARN_TYPES = frozenset(
    {
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
    }
)
ARN_LIST_TYPES = {
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
}


def _denied(name: str, config: Config) -> bool:
    if name in set(config["allowedPolicyNames"]):
        return False
    for denied in config["deniedPolicyNames"]:
        if name == denied or (denied.endswith("*") and name.startswith(denied[:-1])):
            return True
    # AdministratorAccess-Amplify, AdministratorAccess-AWSElasticBeanstalk: admin variants by AWS naming.
    if name.startswith("AdministratorAccess") and "AdministratorAccess" in config["deniedPolicyNames"]:
        return True
    return bool(config["denyFullAccessPolicies"]) and "FullAccess" in name


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    prop = "policyArn" if resource_type in SINGLE_ARN_TYPES else ARN_LIST_TYPES[resource_type]
    raw = props.get(prop)
    if is_unknown(raw):
        return ev  # computed in this stack: a customer managed policy (see module docstring)
    for arn in as_list(raw):
        if not isinstance(arn, str) or is_unknown(arn):
            continue
        match = _AWS_MANAGED.match(arn)
        if match and _denied(match.group("name"), config):
            ev.fail(f"{prop} attaches the AWS managed policy {match.group('name')} ({arn}).")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=SINGLE_ARN_TYPES | frozenset(ARN_LIST_TYPES),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
