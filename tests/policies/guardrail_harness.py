"""Helpers shared by the policy tests: outcomes, pulumi-policy callback harness, and Analyzer-protocol records.

``tests/policies/conftest.py`` puts the pack directory on sys.path (the package ``hybrid_burst_guardrails`` lives
inside ``policies/hybrid-burst-guardrails/``, which is not a valid package name itself).
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hybrid_burst_guardrails.core.rule import Evaluation, ResourceRule, StackResource, StackRule
from hybrid_burst_guardrails.core.unknowns import UNKNOWN, PreviewUnknownError
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "policies" / "hybrid-burst-guardrails"
STACKS = REPO / "stacks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

__all__ = ["PACK_DIR", "REPO", "STACKS", "UNKNOWN", "Expect", "assert_outcome", "record", "run_resource_policy"]


class Expect(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


def assert_outcome(evaluation: Evaluation, expected: Expect, fragment: str = "") -> None:
    """PASS: nothing found or skipped. FAIL: a violation mentions ``fragment``. UNKNOWN: skipped, no false alarm."""
    messages = " | ".join(evaluation.messages)
    paths = " | ".join(u.path for u in evaluation.unknowns)
    if expected is Expect.PASS:
        assert not evaluation.violations, f"unexpected violations: {messages}"
        assert not evaluation.unknowns, f"unexpected unknowns: {paths}"
    elif expected is Expect.FAIL:
        assert evaluation.violations, "expected a violation, got none"
        assert fragment in messages, f"{fragment!r} not in {messages!r}"
    else:
        assert not evaluation.violations, f"an unknown value must not raise a violation: {messages}"
        assert evaluation.unknowns, "expected the check to record the unknown value"
        assert fragment in paths, f"{fragment!r} not in unknown paths {paths!r}"


@dataclass
class PolicyRun:
    """What a pulumi-policy validate callback did: reported messages (with URNs) and the unknown note, if any."""

    reports: list[tuple[str, str | None]] = field(default_factory=list)
    unknown: PreviewUnknownError | None = None

    def report(self, message: str, urn: str | None = None) -> None:
        self.reports.append((message, urn))


def _opts(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def run_resource_policy(
    rule: ResourceRule, resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None
) -> PolicyRun:
    """Call the real ``ResourceValidationPolicy.validate`` with the SDK's unknown-checking proxy, as Analyze does."""
    policy = rule.to_policy()
    args = ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(copy.deepcopy(dict(props))),
        f"urn:pulumi:dev::hybrid-burst::{resource_type}::r",
        "r",
        _opts(),
        None,
        dict(config or {}),
    )
    run = PolicyRun()
    try:
        policy.validate(args, run.report)
    except PreviewUnknownError as exc:
        run.unknown = exc
    return run


def run_stack_policy(
    rule: StackRule, resources: Sequence[StackResource], config: Mapping[str, Any] | None = None
) -> PolicyRun:
    """Call the real ``StackValidationPolicy.validate`` with ``PolicyResource`` objects, as ``AnalyzeStack`` does."""
    policy = rule.to_policy()
    by_urn: dict[str, PolicyResource] = {}
    for r in resources:
        by_urn[r.urn] = PolicyResource(
            r.type,
            unknown_checking_proxy(copy.deepcopy(dict(r.props))),
            r.urn,
            r.name,
            _opts(r.parent),
            None,
            None,
            [],
            {},
        )
    for r in resources:
        target = by_urn[r.urn]
        target.dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
        target.property_dependencies = {
            k: [by_urn[d] for d in v if d in by_urn] for k, v in r.property_dependencies.items()
        }
    run = PolicyRun()
    try:
        policy.validate(StackValidationArgs(list(by_urn.values()), dict(config or {})), run.report)
    except PreviewUnknownError as exc:
        run.unknown = exc
    return run


def record(
    type_: str,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    outputs: Mapping[str, Any] | None = None,
    rid: str | None = None,
    stack: str = "dev",
    parent: str | None = None,
    provider: str | None = None,
    property_dependencies: Mapping[str, Sequence[str]] | None = None,
    custom: bool = True,
    secret_paths: Sequence[str] = (),
) -> dict[str, Any]:
    """A resource in the RECORD_FORMAT.md shape; outputs default to the inputs plus the id (as the mocks do)."""
    urn = f"urn:pulumi:{stack}::hybrid-burst::{type_}::{name}"
    rid = rid if rid is not None else (f"{name}-id" if custom else "")
    ins = dict(inputs or {})
    outs = dict(outputs) if outputs is not None else ({**ins, "id": rid} if custom else {})
    deps = sorted({u for v in (property_dependencies or {}).values() for u in v})
    return {
        "urn": urn,
        "type": type_,
        "name": name,
        "custom": custom,
        "id": rid,
        "parent": parent,
        "provider": provider,
        "region": None,
        "inputs": ins,
        "outputs": outs,
        "dependencies": deps,
        "property_dependencies": {k: list(v) for k, v in (property_dependencies or {}).items()},
        "options": {"protect": False, "ignoreChanges": [], "deleteBeforeReplace": False, "additionalSecretOutputs": []},
        "secret_paths": list(secret_paths),
    }
