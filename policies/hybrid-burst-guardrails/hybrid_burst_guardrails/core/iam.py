"""IAM policy documents: where they live on our resource types, and a tolerant parser.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html (``Statement`` is an
object or a list; ``Action``/``NotAction``/``Resource``/``NotResource`` are a string or a list; ``Principal`` is
``"*"`` or a map of principal type to a string or list).

Property names (pulumi-aws 7.51.1, ``pulumi_aws/iam/*.py`` getters): ``aws:iam/policy:Policy``,
``aws:iam/rolePolicy:RolePolicy``, ``aws:iam/userPolicy:UserPolicy`` and ``aws:iam/groupPolicy:GroupPolicy`` carry
``policy``; ``aws:iam/role:Role`` carries ``inlinePolicies[].policy`` (identity) and ``assumeRolePolicy`` (trust).
A document is a JSON string; a dict is accepted too.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .unknowns import is_unknown
from .values import as_list, join_path

POLICY_TYPES: frozenset[str] = frozenset(
    {
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    }
)
ROLE_TYPE = "aws:iam/role:Role"
IDENTITY_POLICY_TYPES: frozenset[str] = POLICY_TYPES | {ROLE_TYPE}


@dataclass(frozen=True)
class Statement:
    index: int
    raw: Mapping[str, Any]

    @property
    def sid(self) -> str:
        sid = self.raw.get("Sid")
        return sid if isinstance(sid, str) and not is_unknown(sid) else f"#{self.index}"

    @property
    def effect(self) -> object:
        return self.raw.get("Effect")

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def effect_unknown(self) -> bool:
        return is_unknown(self.effect)

    def elements(self, key: str) -> list[Any]:
        return as_list(self.raw.get(key))

    def has(self, key: str) -> bool:
        return key in self.raw and self.raw.get(key) is not None


@dataclass(frozen=True)
class Document:
    """A parsed document, or why it could not be parsed (``unknown`` during preview, or invalid JSON)."""

    path: str
    statements: list[Statement] = field(default_factory=list)
    unknown: bool = False
    error: str | None = None


def parse_document(path: str, value: object) -> Document:
    if is_unknown(value):
        return Document(path, unknown=True)
    doc: object = value
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError as exc:
            return Document(path, error=f"not valid JSON ({exc})")
    if not isinstance(doc, Mapping):
        return Document(path, error="not a JSON object")
    raw_statements = doc.get("Statement")
    if is_unknown(raw_statements):
        return Document(path, unknown=True)
    statements = [Statement(i, s) for i, s in enumerate(as_list(raw_statements)) if isinstance(s, Mapping)]
    return Document(path, statements=statements)


def identity_documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[Document]:
    """Every identity-based policy document a resource declares (not trust policies)."""
    if resource_type in POLICY_TYPES:
        if props.get("policy") is not None:
            yield parse_document("policy", props.get("policy"))
    elif resource_type == ROLE_TYPE:
        inline = props.get("inlinePolicies")
        if is_unknown(inline):
            yield Document("inlinePolicies", unknown=True)
            return
        for i, entry in enumerate(as_list(inline)):
            if isinstance(entry, Mapping) and entry.get("policy") is not None:
                yield parse_document(join_path("inlinePolicies", i, "policy"), entry.get("policy"))


def action_covers(pattern: str, action: str) -> bool:
    """Does the action pattern in a statement (``iam:Pass*``, ``*``) cover ``action``? Case-insensitive, as IAM."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def pattern_within(pattern: str, allowed: str) -> bool:
    """Is every action ``pattern`` matches also matched by ``allowed``? (``ec2:DescribeVpcs`` within ``ec2:Describe*``).

    Treats ``*`` in ``pattern`` literally, which is exact for the prefix-wildcard patterns IAM allows.
    """
    return fnmatch.fnmatchcase(pattern.lower(), allowed.lower())


def is_service_wildcard(action: str) -> bool:
    """``*`` or ``<service>:*``."""
    if action == "*":
        return True
    service, sep, name = action.partition(":")
    return bool(sep) and bool(service) and name == "*"


def is_wildcard_resource(resource: str) -> bool:
    """``*``, or an ARN whose resource part is only ``*`` (``arn:aws:s3:::*``: every bucket of every account)."""
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and parts[5] == "*"
