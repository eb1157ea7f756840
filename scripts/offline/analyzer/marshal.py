"""Records -> Analyzer protocol messages, as the engine marshals them (``KeepUnknowns``, ``KeepSecrets``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from scripts.offline.wire import SECRET, SIG

from .config import LEVEL_NAMES
from .results import Violation

SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
POLICY_TYPES = {
    analyzer_pb2.POLICY_TYPE_UNKNOWN: "unknown",
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}


class _Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


RecordLike = _Record | Mapping[str, Any]


def as_dict(record: RecordLike) -> dict[str, Any]:
    if isinstance(record, Mapping):
        return dict(record)
    return record.to_dict()


def _struct(props: Mapping[str, Any] | None, secret_paths: Iterable[str] = ()) -> struct_pb2.Struct:
    secrets = set(secret_paths)
    wrapped = {k: ({SIG: SECRET, "value": v} if k in secrets else v) for k, v in (props or {}).items()}
    out = struct_pb2.Struct()
    out.update(wrapped)
    return out


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _seconds(value: object) -> float:
    """A Go duration string (``"1h30m"``, the SDK's customTimeouts form) or a number, in seconds."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(value))
    return 0.0


def _options(record: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    opts = record.get("options") or {}
    timeouts = opts.get("customTimeouts") or {}
    message = analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(opts.get("protect", False)),
        ignoreChanges=list(opts.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(opts.get("deleteBeforeReplace", False)),
        deleteBeforeReplaceDefined="deleteBeforeReplace" in opts,
        additionalSecretOutputs=list(opts.get("additionalSecretOutputs") or []),
        aliases=list(opts.get("aliases") or []),
        parent=record.get("parent") or "",
    )
    if timeouts:
        message.customTimeouts.CopyFrom(
            analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
                create=_seconds(timeouts.get("create")),
                update=_seconds(timeouts.get("update")),
                delete=_seconds(timeouts.get("delete")),
            )
        )
    return message


def _provider_urn(reference: str | None) -> str | None:
    """A provider reference is ``<provider urn>::<provider id>``."""
    return reference.rsplit("::", 1)[0] if reference else None


class Marshaller:
    """Builds the Analyze/AnalyzeStack messages for a list of records."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records = records
        self.by_urn = {r["urn"]: r for r in records}

    def provider(self, record: Mapping[str, Any]) -> analyzer_pb2.AnalyzerProviderResource | None:
        urn = _provider_urn(record.get("provider"))
        prov = self.by_urn.get(urn) if urn else None
        if prov is None:
            return None
        return analyzer_pb2.AnalyzerProviderResource(
            type=prov["type"], urn=prov["urn"], name=prov["name"], properties=_struct(prov.get("inputs"))
        )

    def analyze_request(self, record: Mapping[str, Any], inputs: struct_pb2.Struct | None = None) -> Any:
        request = analyzer_pb2.AnalyzeRequest(
            type=record["type"],
            urn=record["urn"],
            name=record["name"],
            properties=inputs
            if inputs is not None
            else _struct(record.get("inputs"), record.get("secret_paths") or ()),
            options=_options(record),
        )
        provider = self.provider(record)
        if provider is not None:
            request.provider.CopyFrom(provider)
        return request

    def stack_resource(self, record: Mapping[str, Any]) -> Any:
        prop_deps = {
            k: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(v))
            for k, v in (record.get("property_dependencies") or {}).items()
            if v  # the engine skips properties without dependencies
        }
        resource = analyzer_pb2.AnalyzerResource(
            type=record["type"],
            urn=record["urn"],
            name=record["name"],
            properties=_struct(record.get("outputs"), record.get("secret_paths") or ()),
            options=_options(record),
            parent=record.get("parent") or "",
            dependencies=list(record.get("dependencies") or []),
            propertyDependencies=prop_deps,
        )
        provider = self.provider(record)
        if provider is not None:
            resource.provider.CopyFrom(provider)
        return resource


def violation(diag: Any, phase: str, pack_version: str) -> Violation:
    return Violation(
        policy_name=diag.policyName,
        enforcement_level=LEVEL_NAMES.get(diag.enforcementLevel, str(diag.enforcementLevel)),
        urn=diag.urn,
        message=diag.message,
        pack=diag.policyPackName,
        pack_version=pack_version or diag.policyPackVersion,
        description=diag.description,
        severity=SEVERITY_NAMES.get(diag.severity, "unspecified"),
        phase=phase,
    )
