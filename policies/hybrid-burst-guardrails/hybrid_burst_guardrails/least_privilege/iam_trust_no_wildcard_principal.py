"""Role trust policies do not let anyone assume the role.

An ``Allow`` statement in ``aws:iam/role:Role.assumeRolePolicy`` with ``Principal: "*"`` or a wildcard in any
principal type (``{"AWS": "*"}``, ``{"AWS": ["*"]}``), or with ``NotPrincipal``, must carry a ``Condition`` that
narrows who may assume it (``aws:PrincipalOrgID``, ``sts:ExternalId``, ``aws:SourceArn``...). See
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html ("we strongly recommend
that you do not use a wildcard ... unless you use a condition").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import ROLE_TYPE, parse_document
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import contains_unknown, is_unknown
from hybrid_burst_guardrails.core.values import as_list, join_path

RULE_ID = "iam-trust-no-wildcard-principal"
DESCRIPTION = "Role trust policies must not allow a wildcard principal without a condition."
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Name the exact principals (service principals such as elasticmapreduce.amazonaws.com, the EKS OIDC provider "
    "ARN, account roles) or add a Condition such as aws:PrincipalOrgID or sts:ExternalId."
)
CONFIG_SCHEMA: ConfigSchema = {}


def _wildcard(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in as_list(v) for v in principal.values())
    return False


def check(_resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    raw = props.get("assumeRolePolicy")
    if raw is None:
        return ev
    doc = parse_document("assumeRolePolicy", raw)
    if doc.unknown:
        ev.unknown(doc.path)
        return ev
    if doc.error:
        ev.fail(f"assumeRolePolicy is {doc.error}.")
        return ev
    for st in doc.statements:
        base = join_path(doc.path, "Statement", st.index)
        if st.effect_unknown:
            ev.unknown(join_path(base, "Effect"))
            continue
        if not st.is_allow:
            continue
        principal = st.raw.get("Principal")
        if contains_unknown(principal):
            ev.unknown(join_path(base, "Principal"))
            continue
        condition = st.raw.get("Condition")
        if is_unknown(condition):
            ev.unknown(join_path(base, "Condition"))
            continue
        # A non-empty Condition counts even if some of its values are still unknown (e.g. an org id).
        conditioned = isinstance(condition, Mapping) and len(condition) > 0
        if st.has("NotPrincipal") and not conditioned:
            ev.fail(f"Trust statement {st.sid} uses NotPrincipal with Allow and no Condition.")
        elif _wildcard(principal) and not conditioned:
            ev.fail(f"Trust statement {st.sid} lets any principal ({principal!r}) assume the role, with no Condition.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({ROLE_TYPE}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
