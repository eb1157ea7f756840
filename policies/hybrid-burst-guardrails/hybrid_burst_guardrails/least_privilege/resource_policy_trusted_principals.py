"""Resource policies (KMS keys, SNS topics, S3 buckets, SQS queues) let in no one beyond the trusted accounts.

An ``Allow`` statement is a finding when it names:

- a wildcard principal (``"*"``, ``{"AWS": "*"}``) not narrowed by a positive condition on one of
  ``constrainingConditionKeys`` (default ``aws:SourceAccount``, ``aws:SourceArn``, ``aws:PrincipalOrgID``,
  ``aws:PrincipalAccount``, and ``aws:SourceOwner``, which SNS's default topic policy uses). ``StringEquals``,
  ``StringEqualsIgnoreCase``, ``StringLike``, ``ArnEquals`` and ``ArnLike`` narrow; ``...IfExists`` and ``Not...``
  do not (they pass when the key is absent), nor does the value ``*``;
- another account (a 12-digit id, ``arn:aws:iam::<id>:root``, a role/user ARN), directly or through the narrowing
  condition (``aws:SourceAccount = <other id>``), unless it is in ``trustedAccountIds``;
- ``NotPrincipal`` (everyone but the listed principals).

The stack's own accounts (its root is fine) are ``ownAccountIds`` plus the account fields of the ARNs of the stack's
keys, topics and queues (``arn`` outputs, a ``TopicPolicy``'s ``arn``, a ``KeyPolicy``'s ``keyId``, a
``QueuePolicy``'s ``queueUrl``). During preview those ARNs are unknown for new resources: an account principal
that cannot be classified is then a preview note, not a violation. Service principals and federated principals
are not account principals and pass. ``Deny`` statements never grant access.

Property names (pulumi-aws 7.51.1): ``policy`` on ``aws:kms/key:Key``, ``aws:kms/keyPolicy:KeyPolicy`` (+ ``keyId``),
``aws:sns/topic:Topic``, ``aws:sns/topicPolicy:TopicPolicy`` (+ ``arn``), ``aws:s3/bucket:Bucket``,
``aws:s3/bucketV2:BucketV2``, ``aws:s3/bucketPolicy:BucketPolicy``, ``aws:sqs/queue:Queue``,
``aws:sqs/queuePolicy:QueuePolicy`` (+ ``queueUrl``); a document is a JSON string or an object.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import parse_document
from hybrid_burst_guardrails.core.principals import (
    account_of_arn,
    account_of_queue_url,
    read_condition,
    read_principals,
)
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "resource-policy-trusted-principals"
DESCRIPTION = (
    "KMS key, SNS topic, S3 bucket and SQS queue policies must not allow a wildcard principal without a narrowing "
    "condition, nor accounts outside the stack's own and the trusted ones."
)
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Name the exact principals (service principals, roles of this account). Where a service needs Principal '*' "
    "add a Condition such as StringEquals aws:SourceAccount=<this account> or ArnLike aws:SourceArn=<source ARN>, "
    "or aws:PrincipalOrgID=<org id>. Put partner accounts that must have access in the rule's trustedAccountIds."
)
_ACCOUNT_LIST = {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}, "default": []}
CONFIG_SCHEMA: ConfigSchema = {
    "ownAccountIds": {
        **_ACCOUNT_LIST,
        "description": "The stack's own accounts, in addition to those read from its keys', topics' and queues' ARNs.",
    },
    "trustedAccountIds": {
        **_ACCOUNT_LIST,
        "description": "Other accounts that resource policies may name (cross-account access allowed by config).",
    },
    "constrainingConditionKeys": {
        "type": "array",
        "items": {"type": "string"},
        "default": [
            "aws:SourceAccount",
            "aws:SourceArn",
            "aws:PrincipalOrgID",
            "aws:PrincipalAccount",
            "aws:SourceOwner",
        ],
        "description": "Condition keys that narrow a wildcard principal (with a positive operator and a value).",
    },
}

#: type -> the property holding the document.
DOCUMENTS: dict[str, str] = {
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
}


def own_accounts(resources: Sequence[StackResource], config: Config) -> set[str]:
    """Configured accounts plus the account fields of the stack's key/topic/queue ARNs."""
    accounts = set(config["ownAccountIds"])
    for r in resources:
        for key in ("arn", "keyId"):
            account = account_of_arn(r.props.get(key))
            if account:
                accounts.add(account)
        for key in ("queueUrl", "url"):
            account = account_of_queue_url(r.props.get(key))
            if account:
                accounts.add(account)
    return accounts


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    own = own_accounts(resources, config)
    trusted = own | set(config["trustedAccountIds"])
    keys = list(config["constrainingConditionKeys"])
    for r in resources:
        prop = DOCUMENTS.get(r.type)
        if prop is None or r.props.get(prop) in (None, ""):
            continue
        doc = parse_document(prop, r.props.get(prop))
        if doc.unknown:
            ev.unknown(f"{r.name}.{prop}", r.urn)
            continue
        if doc.error:
            ev.fail(f"{r.name}: {prop} is {doc.error}.", r.urn)
            continue
        for st in doc.statements:
            where = f"{r.name}: {join_path(prop, 'Statement', st.index)} ({st.sid})"
            if st.effect_unknown:
                ev.unknown(f"{where} Effect", r.urn)
                continue
            if not st.is_allow:
                continue
            if st.has("NotPrincipal"):
                ev.fail(f"{where} allows everyone except the NotPrincipal list (NotPrincipal with Allow).", r.urn)
                continue
            principals = read_principals(st.raw.get("Principal"))
            constraint = read_condition(st.raw.get("Condition"), keys)
            if principals.unknown:
                ev.unknown(f"{where} Principal", r.urn)
            if principals.wildcard:
                if constraint.unknown and not constraint.narrows:
                    ev.unknown(f"{where} Condition", r.urn)
                elif not constraint.narrows:
                    ev.fail(
                        f"{where} allows any principal ('*') with no narrowing condition on {', '.join(keys)}.",
                        r.urn,
                    )
                else:
                    named, unknown_values = constraint.accounts()
                    _judge_accounts(ev, where, r.urn, named, own=own, trusted=trusted, how="through its condition")
                    if unknown_values:
                        ev.unknown(f"{where} Condition values", r.urn)
            _judge_accounts(ev, where, r.urn, principals.accounts, own=own, trusted=trusted, how="as a principal")
            for value in principals.unreadable:
                ev.fail(f"{where} names the principal {value!r}, whose account cannot be read.", r.urn)
    return ev


def _judge_accounts(
    ev: Evaluation, where: str, urn: str, named: set[str], *, own: set[str], trusted: set[str], how: str
) -> None:
    foreign = sorted(named - trusted)
    if not foreign:
        return
    if not own:
        ev.unknown(f"{where} account(s) {', '.join(foreign)} (the stack's own account is not known yet)", urn)
        return
    ev.fail(
        f"{where} lets in account(s) {', '.join(foreign)} {how}; the stack's own account(s): {', '.join(sorted(own))}. "
        "Add them to trustedAccountIds if that access is intended.",
        urn,
    )


RULE = StackRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset(DOCUMENTS),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
