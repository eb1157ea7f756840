"""IAM identity policies do not Allow ``iam:PassRole`` on every role.

``iam:PassRole`` on ``*`` (or on ``arn:<partition>:iam::<account>:role/*``) lets the principal hand any role,
including admin roles, to a service it controls: a classic privilege escalation
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html). Any action pattern that covers
``iam:PassRole`` counts (``iam:PassRole``, ``iam:Pass*``, ``iam:*``, ``*``); a condition on ``iam:PassedToService``
narrows the service but not the roles, so it does not make ``*`` acceptable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import IDENTITY_POLICY_TYPES, action_covers, identity_documents
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "iam-no-passrole-wildcard"
DESCRIPTION = "IAM policies must not allow iam:PassRole on all roles."
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Scope iam:PassRole to the exact role ARNs the principal hands over (EMR service and instance roles, the "
    "EMR on EKS job execution role), with a Condition on iam:PassedToService."
)
CONFIG_SCHEMA: ConfigSchema = {}

_ALL_ROLES = re.compile(r"^arn:[^:]+:iam::[^:]*:role/\*$")


def _every_role(resource: object) -> bool:
    return isinstance(resource, str) and (resource == "*" or bool(_ALL_ROLES.match(resource)))


def check(resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    for doc in identity_documents(resource_type, props):
        if doc.unknown:
            ev.unknown(doc.path)
            continue
        for st in doc.statements:
            base = join_path(doc.path, "Statement", st.index)
            if st.effect_unknown:
                ev.unknown(join_path(base, "Effect"))
                continue
            if not st.is_allow:
                continue
            actions = st.elements("Action")
            passes = [
                a for a in actions if isinstance(a, str) and not is_unknown(a) and action_covers(a, "iam:PassRole")
            ]
            if not passes:
                if any(is_unknown(a) for a in actions):
                    ev.unknown(join_path(base, "Action"))
                continue
            resources = st.elements("Resource")
            broad = sorted({r for r in resources if _every_role(r)})
            if broad:
                ev.fail(f"{doc.path} statement {st.sid} allows {', '.join(sorted(set(passes)))} on {', '.join(broad)}.")
            elif any(is_unknown(r) for r in resources):
                ev.unknown(join_path(base, "Resource"))
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
