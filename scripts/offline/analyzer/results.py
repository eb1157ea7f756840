"""What a pack evaluation returns: policies, violations, timings and the result of one run."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

#: pulumi-policy's message when a policy read an unknown value (``UnknownValueError``): an advisory note.
PREVIEW_NOTE_PREFIX = "can't run policy"


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    severity: str
    policy_type: str
    remediation: str
    tags: tuple[str, ...]
    config_schema: dict[str, Any]


@dataclass(frozen=True)
class Violation:
    policy_name: str
    enforcement_level: str
    urn: str
    message: str
    pack: str
    pack_version: str
    description: str
    severity: str
    #: ``analyze`` (a resource's inputs) or ``analyze-stack`` (the stack's outputs).
    phase: str

    @property
    def detail(self) -> str:
        """The rule's own message: pulumi-policy prefixes every message with the policy description and a newline."""
        prefix = f"{self.description}\n"
        return self.message[len(prefix) :] if self.description and self.message.startswith(prefix) else self.message

    @property
    def is_preview_note(self) -> bool:
        """pulumi-policy's advisory note that a value was unknown (not a finding)."""
        return self.message.startswith(PREVIEW_NOTE_PREFIX)


@dataclass(frozen=True)
class Timings:
    """Seconds per protocol phase. ``start_s``/``handshake_s`` are paid once per ``PackSession`` (and repeated in
    every result of that session); ``total_s`` = start-up + handshake + this evaluation."""

    start_s: float
    handshake_s: float
    info_s: float
    configure_s: float
    remediate_s: float
    analyze_s: float
    analyze_stack_s: float
    total_s: float

    @property
    def evaluate_s(self) -> float:
        """Time spent evaluating resources (Remediate + Analyze + AnalyzeStack), without start-up."""
        return self.remediate_s + self.analyze_s + self.analyze_stack_s


@dataclass(frozen=True)
class PackResult:
    pack: str
    version: str
    stack: str
    project: str
    dry_run: bool
    handshake: str
    policies: tuple[PolicyInfo, ...]
    config: dict[str, dict[str, Any]]
    unknown_config_keys: tuple[str, ...]
    resources: int
    analyze_calls: int
    violations: tuple[Violation, ...]
    not_applicable: int
    remediations: int
    timings: Timings
    engine_logs: tuple[str, ...] = ()
    stderr: str = ""

    def mandatory_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]

    def advisory_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "advisory" and not v.is_preview_note]

    def preview_notes(self) -> list[Violation]:
        return [v for v in self.violations if v.is_preview_note]

    def counts(self) -> dict[str, int]:
        return {
            "mandatory": len(self.mandatory_violations()),
            "advisory": len(self.advisory_violations()),
            "preview_notes": len(self.preview_notes()),
            "resources": self.resources,
            "policies": len(self.policies),
        }

    def by_policy(self) -> dict[str, int]:
        return dict(Counter(v.policy_name for v in self.violations if not v.is_preview_note))

    @property
    def ms_per_resource(self) -> float:
        return 1000.0 * self.timings.evaluate_s / self.resources if self.resources else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["counts"] = self.counts()
        out["ms_per_resource"] = self.ms_per_resource
        return out

    def summary(self) -> str:
        c = self.counts()
        mode = "preview" if self.dry_run else "update"
        lines = [
            (
                f"policy pack {self.pack}@{self.version} on stack {self.stack} ({mode}): "
                f"{c['resources']} resources, {c['policies']} policies, {c['mandatory']} mandatory, "
                f"{c['advisory']} advisory, {c['preview_notes']} preview notes "
                f"({self.timings.total_s:.2f}s total, {self.ms_per_resource:.2f} ms/resource)"
            )
        ]
        for v in sorted(self.violations, key=lambda v: (v.enforcement_level != "mandatory", v.policy_name, v.urn)):
            first = v.detail.splitlines()[0] if v.detail else ""
            lines.append(f"  [{v.enforcement_level}] {v.policy_name}: {v.urn or '(stack)'}\n      {first}")
        return "\n".join(lines)


def mandatory_violations(result: PackResult) -> list[Violation]:
    """The violations that fail ``pulumi preview``/``up`` (and the offline check)."""
    return result.mandatory_violations()


def with_urn(violation: Violation, urn: str) -> Violation:
    return Violation(**{**asdict(violation), "urn": urn})
