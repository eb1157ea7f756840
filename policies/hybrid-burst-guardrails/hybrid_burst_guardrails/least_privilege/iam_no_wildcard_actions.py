"""IAM identity policies do not Allow ``*`` or ``<service>:*`` actions, nor use ``NotAction`` with Allow.

Applies to every identity policy document a resource declares: ``aws:iam/policy:Policy``, ``aws:iam/rolePolicy``,
``aws:iam/userPolicy``, ``aws:iam/groupPolicy`` (``policy``) and ``aws:iam/role:Role`` (``inlinePolicies[].policy``).
Actions are matched case-insensitively, as IAM does; wildcards inside lists count. ``NotAction`` with ``Allow``
grants every action of every service except the listed ones
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import IDENTITY_POLICY_TYPES, identity_documents, is_service_wildcard
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "iam-no-wildcard-actions"
DESCRIPTION = "IAM policies must not Allow '*' or 'service:*' actions, or use NotAction with Allow."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "List the exact actions the principal needs (e.g. s3:GetObject, s3:PutObject); build documents with the "
    "grant helpers in components/security, which scope actions and ARNs."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedServiceWildcards": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[a-z0-9-]+:\\*$"},
        "default": [],
        "description": "Service wildcards tolerated in this stack, e.g. 'cloudwatch:*' (never '*').",
    },
}


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    tolerated = {a.lower() for a in config["allowedServiceWildcards"]}
    for doc in identity_documents(resource_type, props):
        if doc.unknown:
            ev.unknown(doc.path)
            continue
        if doc.error:
            ev.fail(f"{doc.path} is {doc.error}.")
            continue
        for st in doc.statements:
            if st.effect_unknown:
                ev.unknown(join_path(doc.path, "Statement", st.index, "Effect"))
                continue
            if not st.is_allow:
                continue
            if st.has("NotAction"):
                ev.fail(f"{doc.path} statement {st.sid} uses NotAction with Allow (grants all other actions).")
            wild: list[str] = []
            for i, action in enumerate(st.elements("Action")):
                if is_unknown(action):
                    ev.unknown(join_path(doc.path, "Statement", st.index, "Action", i))
                elif isinstance(action, str) and is_service_wildcard(action) and action.lower() not in tolerated:
                    wild.append(action)
            if wild:
                ev.fail(f"{doc.path} statement {st.sid} allows wildcard action(s) {', '.join(sorted(set(wild)))}.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
