"""The IAM document parser and action/resource matching used by the least-privilege rules."""

from __future__ import annotations

import pytest
from hybrid_burst_guardrails.core.iam import (
    action_covers,
    identity_documents,
    is_service_wildcard,
    is_wildcard_resource,
    parse_document,
)
from hybrid_burst_guardrails.core.unknowns import UNKNOWN


def test_parse_accepts_single_statement_object() -> None:
    doc = parse_document("p", '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}')
    assert [s.is_allow for s in doc.statements] == [True]


@pytest.mark.parametrize(("value", "unknown", "error"), [(UNKNOWN, True, None), ("[]", False, "not a JSON object")])
def test_parse_reports_unknown_and_invalid(value: str, unknown: bool, error: str | None) -> None:
    doc = parse_document("p", value)
    assert doc.unknown is unknown
    assert doc.error == error


@pytest.mark.parametrize(
    ("pattern", "action", "covered"),
    [
        ("iam:Pass*", "iam:PassRole", True),
        ("*", "iam:PassRole", True),
        ("IAM:PASSROLE", "iam:PassRole", True),
        ("iam:Get*", "iam:PassRole", False),
    ],
)
def test_action_covers(pattern: str, action: str, covered: bool) -> None:
    assert action_covers(pattern, action) is covered


@pytest.mark.parametrize(("action", "wild"), [("*", True), ("s3:*", True), ("s3:Get*", False), ("s3", False)])
def test_service_wildcard(action: str, wild: bool) -> None:
    assert is_service_wildcard(action) is wild


@pytest.mark.parametrize(
    ("resource", "wild"),
    [("*", True), ("arn:aws:s3:::*", True), ("arn:aws:s3:::lake/*", False), ("arn:aws:iam::1:role/x", False)],
)
def test_wildcard_resource(resource: str, wild: bool) -> None:
    assert is_wildcard_resource(resource) is wild


def test_identity_documents_skip_trust_policy() -> None:
    role = {"assumeRolePolicy": "{}", "inlinePolicies": [{"name": "a", "policy": "{}"}]}
    assert [d.path for d in identity_documents("aws:iam/role:Role", role)] == ["inlinePolicies[0].policy"]
