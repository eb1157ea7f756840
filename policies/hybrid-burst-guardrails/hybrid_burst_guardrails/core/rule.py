"""The rule model: a pure check plus metadata, wrapped into pulumi-policy's validation policies.

Each rule module exports ``RULE_ID``, ``DESCRIPTION``, ``SEVERITY``, ``REMEDIATION``, ``CONFIG_SCHEMA`` and a pure
``check``; ``RULE`` bundles them. A *resource* rule's check receives one resource's plain properties (its inputs,
from ``Analyze``); a *stack* rule's check receives every relevant resource of the stack (their outputs, from
``AnalyzeStack``) and can join resources (a bucket and its separate encryption configuration).

Unit tests call ``RULE.evaluate(...)`` (defaults merged, no server); ``RULE.to_policy()`` gives the
``ResourceValidationPolicy``/``StackValidationPolicy`` the pack serves.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .unknowns import PreviewUnknownError, to_plain

#: JSON-schema fragments per config property, each with a ``default`` (the CLI fills defaults from it).
ConfigSchema = Mapping[str, Mapping[str, Any]]
Config = Mapping[str, Any]


class Family(enum.StrEnum):
    """The concerns of the pack; each rule belongs to exactly one."""

    ENCRYPTION = "encryption"
    LEAST_PRIVILEGE = "least-privilege"
    SPOT = "spot"
    OBSERVABILITY = "observability"


@dataclass(frozen=True)
class Violation:
    """One finding. ``urn`` attributes a stack-rule finding to a resource (ignored for resource rules)."""

    message: str
    urn: str | None = None


@dataclass(frozen=True)
class Unknown:
    """A value a check needed but could not read yet (``path`` names it, e.g. ``ingress[0].cidrBlocks``)."""

    path: str
    urn: str | None = None


@dataclass
class Evaluation:
    """What a check decided: violations, and the values it had to skip because they were unknown."""

    violations: list[Violation] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)

    def fail(self, message: str, urn: str | None = None) -> None:
        self.violations.append(Violation(message, urn))

    def unknown(self, path: str, urn: str | None = None) -> None:
        self.unknowns.append(Unknown(path, urn))

    @property
    def compliant(self) -> bool:
        return not self.violations

    @property
    def messages(self) -> list[str]:
        return [v.message for v in self.violations]


@dataclass(frozen=True)
class StackResource:
    """A resource as a stack rule sees it: plain outputs plus the links the engine sends with ``AnalyzeStack``."""

    urn: str
    type: str
    name: str
    props: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def deps_of(self, prop: str) -> tuple[str, ...]:
        """URNs the top-level property ``prop`` depends on (``propertyDependencies`` in the proto)."""
        return self.property_dependencies.get(prop, ())

    @classmethod
    def of(
        cls,
        type_: str,
        name: str,
        props: Mapping[str, Any] | None = None,
        *,
        urn: str | None = None,
        property_dependencies: Mapping[str, Sequence[str]] | None = None,
        stack: str = "dev",
        project: str = "hybrid-burst",
    ) -> StackResource:
        """Build one by hand (tests, fixtures), with a top-level URN ``urn:pulumi:<stack>::<project>::<type>::<name>``.

        Resources parented to a component get a different URN from the engine; pass ``urn`` for those.
        """
        return cls(
            urn=urn or f"urn:pulumi:{stack}::{project}::{type_}::{name}",
            type=type_,
            name=name,
            props=dict(props or {}),
            property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()},
        )

    @classmethod
    def from_policy_resource(cls, resource: PolicyResource) -> StackResource:
        return cls(
            urn=resource.urn,
            type=resource.resource_type,
            name=resource.name,
            props=to_plain(resource.props),
            parent=resource.parent.urn if resource.parent is not None else resource.opts.parent,
            dependencies=tuple(d.urn for d in resource.dependencies),
            property_dependencies={k: tuple(d.urn for d in deps) for k, deps in resource.property_dependencies.items()},
        )


ResourceCheck = Callable[[str, Mapping[str, Any], Config], Evaluation]
StackCheck = Callable[[Sequence[StackResource], Config], Evaluation]

_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Metadata every rule carries (exported by its module and listed in ``docs/policies.md``)."""

    id: str
    family: Family
    description: str
    severity: Severity
    remediation: str
    config_schema: ConfigSchema = field(default_factory=dict)
    #: Resource types the rule reads. Resource rules run only on these; stack rules receive only these.
    resource_types: frozenset[str]
    #: The rule's own level when no config names it; ``None``: the pack's default (mandatory). A stack's
    #: ``"all"`` overrides it (the CLI applies ``all`` to every policy), so stack files name such rules explicitly.
    default_enforcement: EnforcementLevel | None = None

    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config_schema.items() if "default" in v}

    def effective_config(self, given: Config | None = None) -> dict[str, Any]:
        """Schema defaults, then the given config (the CLI does the same before ``Configure``)."""
        merged = self.defaults()
        for key, value in (given or {}).items():
            if key != "enforcementLevel" and value is not None:
                merged[key] = value
        return merged

    def format(self, violation: Violation) -> str:
        return f"{violation.message}\nRemediation: {self.remediation}"

    def _policy_kwargs(self) -> dict[str, Any]:
        schema = (
            PolicyConfigSchema(properties={k: dict(v) for k, v in self.config_schema.items()})
            if self.config_schema
            else None
        )
        return {
            "name": self.id,
            "description": self.description,
            "config_schema": schema,
            "severity": self.severity,
            "tags": [self.family.value],
            "remediation_steps": self.remediation,
            # None: the pack's default (mandatory) applies unless --policy-pack-config says otherwise.
            "enforcement_level": self.default_enforcement,
        }

    def _raise_for_unknowns(self, evaluation: Evaluation) -> None:
        if evaluation.unknowns:
            raise PreviewUnknownError(self.id, [u.path for u in evaluation.unknowns])

    def to_policy(self) -> Policy:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class ResourceRule(Rule):
    """A rule over one resource's inputs (``Analyze``)."""

    check: ResourceCheck

    def evaluate(self, resource_type: str, props: Mapping[str, Any], config: Config | None = None) -> Evaluation:
        """Run the check on ``props`` (plain dict or SDK proxy); an unrelated type yields an empty evaluation."""
        if resource_type not in self.resource_types:
            return Evaluation()
        return self.check(resource_type, to_plain(props), self.effective_config(config))

    def validate(self, args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        """The pulumi-policy callback: report violations, then surface unknowns as the SDK's advisory note."""
        if args.resource_type not in self.resource_types:
            return
        evaluation = self.evaluate(args.resource_type, args.props, args.get_config())
        for violation in evaluation.violations:
            report_violation(self.format(violation), None)
        self._raise_for_unknowns(evaluation)

    def to_policy(self) -> ResourceValidationPolicy:
        return ResourceValidationPolicy(validate=self.validate, **self._policy_kwargs())


@dataclass(frozen=True, kw_only=True)
class StackRule(Rule):
    """A rule over the whole stack's outputs (``AnalyzeStack``), for facts that span resources."""

    check: StackCheck

    def evaluate(self, resources: Sequence[StackResource], config: Config | None = None) -> Evaluation:
        relevant = [r for r in resources if r.type in self.resource_types]
        return self.check(relevant, self.effective_config(config))

    def validate(self, args: StackValidationArgs, report_violation: ReportViolation) -> None:
        # Convert only the types this rule reads: AnalyzeStack carries every resource of the stack.
        relevant = [
            StackResource.from_policy_resource(r) for r in args.resources if r.resource_type in self.resource_types
        ]
        evaluation = self.check(relevant, self.effective_config(args.get_config()))
        for violation in evaluation.violations:
            report_violation(self.format(violation), violation.urn)
        self._raise_for_unknowns(evaluation)

    def to_policy(self) -> StackValidationPolicy:
        return StackValidationPolicy(validate=self.validate, **self._policy_kwargs())


def severity_rank(severity: Severity) -> int:
    return _SEVERITY_RANK[severity]


__all__ = [
    "Config",
    "ConfigSchema",
    "EnforcementLevel",
    "Evaluation",
    "Family",
    "ResourceRule",
    "Rule",
    "Severity",
    "StackResource",
    "StackRule",
    "Unknown",
    "Violation",
    "severity_rank",
]
