"""Principals and conditions of resource-based policies: who a statement lets in, and whether a condition narrows it.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
(``"*"`` and ``{"AWS": "*"}`` mean everyone, anonymous included; an account is named by its 12-digit id or
``arn:aws:iam::<id>:root``; roles, users and assumed-role sessions carry their account in the ARN).
Condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(``aws:SourceAccount``, ``aws:SourceArn``, ``aws:PrincipalOrgID``, ``aws:PrincipalAccount``; SNS's own default
topic policy uses ``AWS:SourceOwner``, https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
Condition keys are case-insensitive; operators are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .unknowns import is_unknown
from .values import as_list

_ACCOUNT = re.compile(r"^\d{12}$")

#: Operators that *require* the key to match a value (``...IfExists`` and ``Not...`` variants do not).
POSITIVE_OPERATORS: frozenset[str] = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}
)
#: Condition keys whose values are account ids (checked against the own/trusted accounts).
ACCOUNT_KEYS: frozenset[str] = frozenset({"aws:sourceaccount", "aws:principalaccount", "aws:sourceowner"})
ARN_KEYS: frozenset[str] = frozenset({"aws:sourcearn"})


def account_of_arn(value: object) -> str | None:
    """The account field of an ARN (``arn:aws:kms:us-east-1:123456789012:key/..``), if it is a literal account id."""
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) >= 5 and _ACCOUNT.match(parts[4]):
        return parts[4]
    return None


def account_of_queue_url(value: object) -> str | None:
    """``https://sqs.<region>.amazonaws.com/<account>/<name>`` -> account."""
    if not isinstance(value, str):
        return None
    parts = value.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 and _ACCOUNT.match(parts[-2]) else None


def account_of_principal(value: str) -> str | None:
    """``123456789012`` or ``arn:aws:iam::123456789012:root|role/..|user/..``, ``arn:aws:sts::..`` -> account."""
    if _ACCOUNT.match(value):
        return value
    return account_of_arn(value)


@dataclass
class Principals:
    """What a statement's ``Principal`` names."""

    wildcard: bool = False
    accounts: set[str] = field(default_factory=set)
    unknown: bool = False
    #: AWS principal strings whose account could not be read (malformed or a wildcard inside an ARN).
    unreadable: list[str] = field(default_factory=list)


def read_principals(principal: object) -> Principals:
    out = Principals()
    if is_unknown(principal):
        out.unknown = True
        return out
    if principal == "*":
        out.wildcard = True
        return out
    if not isinstance(principal, Mapping):
        return out
    for kind, raw in principal.items():
        for value in as_list(raw):
            if is_unknown(value):
                out.unknown = True
            elif value == "*":
                out.wildcard = True
            elif kind == "AWS" and isinstance(value, str):
                account = account_of_principal(value)
                if account is None:
                    out.unreadable.append(value)
                else:
                    out.accounts.add(account)
    return out


@dataclass
class Constraint:
    """What a statement's ``Condition`` says about the caller, for the keys that narrow a wildcard principal."""

    #: Positive conditions on a narrowing key (``aws:SourceAccount = <id>``...), key -> values.
    narrowing: dict[str, list[object]] = field(default_factory=dict)
    unknown: bool = False

    @property
    def narrows(self) -> bool:
        return bool(self.narrowing)

    def accounts(self) -> tuple[set[str], bool]:
        """Accounts the narrowing values name (ids and ARN account fields), and whether some were unknown."""
        found: set[str] = set()
        unknown = False
        for key, values in self.narrowing.items():
            for value in values:
                if is_unknown(value):
                    unknown = True
                elif key in ACCOUNT_KEYS and isinstance(value, str) and _ACCOUNT.match(value):
                    found.add(value)
                elif key in ARN_KEYS and (account := account_of_arn(value)) is not None:
                    found.add(account)
        return found, unknown


def read_condition(condition: object, keys: Iterable[str]) -> Constraint:
    """Positive conditions on ``keys`` (case-insensitive) whose values are not ``*`` (nor an ARN with ``*`` account)."""
    out = Constraint()
    if is_unknown(condition):
        out.unknown = True
        return out
    if not isinstance(condition, Mapping):
        return out
    wanted = {k.lower() for k in keys}
    for operator, block in condition.items():
        if is_unknown(block):
            out.unknown = True
            continue
        if operator not in POSITIVE_OPERATORS or not isinstance(block, Mapping):
            continue
        for key, raw in block.items():
            name = str(key).lower()
            if name not in wanted:
                continue
            values = [v for v in as_list(raw) if v != "*" and not _wildcard_account_arn(name, v)]
            if values:
                out.narrowing.setdefault(name, []).extend(values)
    return out


def _wildcard_account_arn(key: str, value: object) -> bool:
    """``aws:SourceArn`` = ``arn:aws:sns:us-east-1:*:topic`` names no account: it narrows nothing by account."""
    if key not in ARN_KEYS or not isinstance(value, str) or not value.startswith("arn:"):
        return False
    parts = value.split(":", 5)
    return len(parts) >= 5 and ("*" in parts[4] or "?" in parts[4])


__all__ = [
    "ACCOUNT_KEYS",
    "Constraint",
    "Principals",
    "account_of_arn",
    "account_of_principal",
    "account_of_queue_url",
    "read_condition",
    "read_principals",
]
