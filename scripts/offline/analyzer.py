"""Run a policy pack the way the Pulumi CLI does, over the Analyzer gRPC protocol, on recorded resources.

What the CLI does, and this module reproduces (pulumi 3.272 / pulumi-policy 1.21; sources:
``sdk/go/common/resource/plugin/analyzer_plugin.go`` ``NewPolicyAnalyzer``/``Analyze``/``AnalyzeStack``,
``pkg/resource/analyzer/config.go`` ``ReconcilePolicyPackConfig``, ``pkg/resource/deploy/step_generator.go``
``AnalyzeResources``, and the installed ``pulumi/policy/__main__.py`` and ``pulumi_policy/policy.py``):

1. start ``python -u -m pulumi.policy <engine-address> .`` with cwd = the pack directory and ``PULUMI_CONFIG``,
   ``PULUMI_PROJECT``, ``PULUMI_STACK``, ``PULUMI_ORGANIZATION``, ``PULUMI_DRY_RUN`` in the environment; the first
   line on stdout is the pack's gRPC port. The engine address serves the ``Engine`` service (``Log``); we serve a
   minimal one. (pulumi-policy 1.21 does not dial it: its ``pulumi.log`` calls print to stderr, which we keep.)
2. ``Handshake`` (Python packs answer UNIMPLEMENTED, which the CLI tolerates), ``ConfigureStack`` (stack, project,
   organization, dry run, stack config), ``GetAnalyzerInfo``;
3. ``Configure`` with the reconciled config: every policy's own enforcement level and schema defaults, then the
   pack's initial config, then the ``--policy-pack-config`` file (``all`` first, then per policy), validated
   against each policy's JSON schema;
4. per resource in registration order: ``Remediate`` (optional here) and ``Analyze`` on its **inputs**;
5. one ``AnalyzeStack`` with every resource's **outputs**, parent, dependencies, property dependencies and provider.

Properties are marshalled as the engine does (``KeepUnknowns``, ``KeepSecrets``): unknowns are the string sentinel
``04da6b54-...`` and secrets (``secret_paths`` of a record) are wrapped in the secret signature object.

Records follow ``scripts/offline/RECORD_FORMAT.md`` (``RecordedResource`` objects or their ``to_dict()`` form).

Usage from the offline plan::

    from scripts.offline.analyzer import run_pack, mandatory_violations
    result = run_pack(Path("policies/hybrid-burst-guardrails"), plan.resources,
                      config_file=Path("stacks/policy-config.dev.json"), stack="dev")
    for v in mandatory_violations(result): ...
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent import futures
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - the SDK's secret signature, not a credential
_MAX_MESSAGE = 400 * 1024 * 1024  # the SDK's own limit (pulumi_policy/policy.py _MAX_RPC_MESSAGE_SIZE)
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]

ENFORCEMENT_LEVELS: dict[str, analyzer_pb2.EnforcementLevel.ValueType] = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_LEVEL_NAMES = {v: k for k, v in ENFORCEMENT_LEVELS.items()}
_SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_POLICY_TYPES = {
    analyzer_pb2.POLICY_TYPE_UNKNOWN: "unknown",
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}
#: pulumi-policy's message when a policy read an unknown value (``UnknownValueError``): an advisory note.
PREVIEW_NOTE_PREFIX = "can't run policy"


class PackStartError(RuntimeError):
    """The pack process exited or printed no port."""


class PolicyConfigError(ValueError):
    """The policy-pack config file is malformed or does not match a policy's schema (the CLI refuses it too)."""


class _Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


RecordLike = _Record | Mapping[str, Any]


# --- results ------------------------------------------------------------------------------------------------
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


# --- policy-pack config (pkg/resource/analyzer/config.go) -----------------------------------------------------
def parse_policy_config(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"all": "mandatory", "id": {"enforcementLevel": ..., ...}}`` -> ``{name: {enforcementLevel, properties}}``."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in document.items():
        level: str | None = None
        properties: dict[str, Any] = {}
        if isinstance(value, str):
            level = value
        elif isinstance(value, Mapping):
            properties = {k: v for k, v in value.items() if k != "enforcementLevel"}
            raw_level = value.get("enforcementLevel")
            if raw_level is not None and not isinstance(raw_level, str):
                raise PolicyConfigError(f"{key}: enforcementLevel must be a string, got {raw_level!r}")
            level = raw_level
        else:
            raise PolicyConfigError(f"parsing {key!r}: {value!r} is not a valid value; must be a string or object")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            raise PolicyConfigError(
                f"parsing enforcement level for {key!r}: {level!r} is not a valid enforcement level"
            )
        if level is None and not properties:
            continue
        out[key] = {"enforcementLevel": level, "properties": properties}
    return out


def load_policy_config(path: Path) -> dict[str, dict[str, Any]]:
    text = path.read_text()
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PolicyConfigError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise PolicyConfigError(f"{path}: the policy-pack config must be a JSON object")
    return parse_policy_config(document)


def reconcile_config(
    policies: Sequence[PolicyInfo],
    initial: Mapping[str, Mapping[str, Any]],
    given: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Defaults, then the pack's initial config, then the given config; returns (config, unknown keys)."""
    result: dict[str, dict[str, Any]] = {}
    for policy in policies:
        defaults = {k: v["default"] for k, v in policy.config_schema.get("properties", {}).items() if "default" in v}
        result[policy.name] = {"enforcementLevel": policy.enforcement_level, "properties": defaults}
    for layer in (initial, given):
        all_level = (layer.get("all") or {}).get("enforcementLevel")
        if all_level:
            for existing in result.values():
                existing["enforcementLevel"] = all_level
        for name, given_entry in layer.items():
            target = result.setdefault(name, {"enforcementLevel": None, "properties": {}})
            if given_entry.get("enforcementLevel"):
                target["enforcementLevel"] = given_entry["enforcementLevel"]
            target["properties"] = {**target["properties"], **dict(given_entry.get("properties") or {})}
    known = {p.name for p in policies} | {"all"}
    unknown = sorted(k for k in result if k not in known)
    _validate_config(policies, result)
    return result, unknown


def _validate_config(policies: Sequence[PolicyInfo], config: Mapping[str, Mapping[str, Any]]) -> None:
    import jsonschema  # the CLI validates with gojsonschema; jsonschema is its Python equivalent

    errors: list[str] = []
    for policy in policies:
        if not policy.config_schema:
            continue
        schema: dict[str, Any] = {"type": "object", **policy.config_schema}
        validator = jsonschema.Draft7Validator(schema)
        props = config.get(policy.name, {}).get("properties") or {}
        errors.extend(f"{policy.name}: {e.message}" for e in validator.iter_errors(props))
    if errors:
        raise PolicyConfigError("policy pack configuration is invalid:\n  " + "\n  ".join(errors))


# --- marshalling ----------------------------------------------------------------------------------------------
def _as_dict(record: RecordLike) -> dict[str, Any]:
    if isinstance(record, Mapping):
        return dict(record)
    return record.to_dict()


def _struct(props: Mapping[str, Any] | None, secret_paths: Iterable[str] = ()) -> struct_pb2.Struct:
    secrets = set(secret_paths)
    wrapped = {k: ({_SIG: _SECRET_SIG, "value": v} if k in secrets else v) for k, v in (props or {}).items()}
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


class _Marshaller:
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


def _violation(diag: Any, phase: str, pack_version: str) -> Violation:
    return Violation(
        policy_name=diag.policyName,
        enforcement_level=_LEVEL_NAMES.get(diag.enforcementLevel, str(diag.enforcementLevel)),
        urn=diag.urn,
        message=diag.message,
        pack=diag.policyPackName,
        pack_version=pack_version or diag.policyPackVersion,
        description=diag.description,
        severity=_SEVERITY_NAMES.get(diag.severity, "unspecified"),
        phase=phase,
    )


# --- the pack process -----------------------------------------------------------------------------------------
class _Engine(engine_pb2_grpc.EngineServicer):
    """The minimal Engine service the pack may call back (``Log``)."""

    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request: Any, _context: Any) -> Any:  # noqa: N802 - gRPC method name
        level = engine_pb2.LogSeverity.Name(request.severity).lower()
        self.logs.append(f"{level}: {request.message}")
        return empty_pb2.Empty()

    def GetRootResource(self, _request: Any, _context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, _request: Any, _context: Any) -> Any:  # noqa: N802
        return engine_pb2.SetRootResourceResponse()


def _read_policy_yaml(pack_dir: Path) -> dict[str, Any]:
    import yaml

    path = pack_dir / "PulumiPolicy.yaml"
    if not path.exists():
        raise PackStartError(f"{pack_dir} has no PulumiPolicy.yaml")
    doc = yaml.safe_load(path.read_text()) or {}
    return doc if isinstance(doc, dict) else {}


def pack_python(pack_dir: Path) -> str:
    """The interpreter the CLI would use: the pack's ``virtualenv`` (runtime option) if it exists, else ours."""
    runtime = _read_policy_yaml(pack_dir).get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str):
        for candidate in (Path(venv) / "bin" / "python", Path(venv) / "Scripts" / "python.exe"):
            path = candidate if candidate.is_absolute() else pack_dir / candidate
            if path.exists():
                return str(path)
    return sys.executable


class PackSession:
    """One running pack process and its Analyzer client; reusable for several evaluations.

    ``PULUMI_DRY_RUN`` and the stack are fixed per process, as with the CLI.
    """

    def __init__(
        self,
        pack_dir: Path,
        *,
        stack: str,
        project: str = "hybrid-burst",
        organization: str = "organization",
        dry_run: bool = True,
        stack_config: Mapping[str, str] | None = None,
        python: str | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.stack = stack
        self.project = project
        self.organization = organization
        self.dry_run = dry_run
        self.stack_config = dict(stack_config or {})
        self.python = python or pack_python(self.pack_dir)
        self.startup_timeout = startup_timeout
        self.version = str(_read_policy_yaml(self.pack_dir).get("version") or "")
        self._engine = _Engine()
        self._engine_server: grpc.Server | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._stderr: list[str] = []
        self.start_s = 0.0
        self.handshake = ""
        self.handshake_s = 0.0

    # lifecycle
    def __enter__(self) -> PackSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        began = time.perf_counter()
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self._engine, self._engine_server)
        engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
        self._engine_server.start()
        env = {
            **os.environ,
            "PULUMI_CONFIG": json.dumps(self.stack_config),
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_ORGANIZATION": self.organization,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        }
        self._proc = subprocess.Popen(
            [self.python, "-u", "-m", "pulumi.policy", f"127.0.0.1:{engine_port}", "."],
            cwd=self.pack_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        port = self._await_port()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self.start_s = time.perf_counter() - began
        t0 = time.perf_counter()
        self.handshake = self._handshake()
        self.handshake_s = time.perf_counter() - t0

    def _await_port(self) -> int:
        assert self._proc is not None
        assert self._proc.stdout is not None
        assert self._proc.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout, stderr = self._proc.stdout, self._proc.stderr

        def pump_stdout() -> None:
            for raw in iter(stdout.readline, b""):
                lines.put(raw.decode(errors="replace").strip())

        def pump_stderr() -> None:
            for raw in iter(stderr.readline, b""):
                self._stderr.append(raw.decode(errors="replace").rstrip())

        threading.Thread(target=pump_stdout, daemon=True).start()
        threading.Thread(target=pump_stderr, daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                first = lines.get(timeout=0.05)
            except queue.Empty:
                if self._proc.poll() is not None:
                    time.sleep(0.1)  # let the stderr pump finish
                    raise PackStartError(
                        f"policy pack {self.pack_dir.name} exited with {self._proc.returncode} before printing its "
                        "port:\n" + "\n".join(self._stderr[-40:])
                    ) from None
                continue
            if first.isdigit():
                return int(first)
            raise PackStartError(f"policy pack {self.pack_dir.name} printed {first!r} instead of its gRPC port")
        self.close()
        raise PackStartError(f"policy pack {self.pack_dir.name} printed no port within {self.startup_timeout}s")

    def _handshake(self) -> str:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address="127.0.0.1", root_directory=str(self.pack_dir), program_directory=str(self.pack_dir)
        )
        try:
            self.stub.Handshake(request)
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                return "unimplemented"
            raise
        return "ok"

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=5)
            self._proc = None
        if self._engine_server is not None:
            self._engine_server.stop(grace=None)
            self._engine_server = None

    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise RuntimeError("the pack session is not started")
        return self._stub

    @property
    def stderr(self) -> str:
        return "\n".join(self._stderr)

    # protocol steps
    def configure_stack(self) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=self.stack,
            project=self.project,
            organization=self.organization,
            dry_run=self.dry_run,
            config=self.stack_config,
        )
        self.stub.ConfigureStack(request)

    def analyzer_info(self) -> tuple[Any, tuple[PolicyInfo, ...]]:
        info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        policies = tuple(
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement_level=_LEVEL_NAMES.get(p.enforcementLevel, "advisory"),
                severity=_SEVERITY_NAMES.get(p.severity, "unspecified"),
                policy_type=_POLICY_TYPES.get(p.policy_type, "unknown"),
                remediation=p.remediation_steps,
                tags=tuple(p.tags),
                config_schema=json_format.MessageToDict(p.configSchema) if p.HasField("configSchema") else {},
            )
            for p in info.policies
        )
        return info, policies

    def configure(self, config: Mapping[str, Mapping[str, Any]]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in config.items():
            policy_config = analyzer_pb2.PolicyConfig(
                enforcementLevel=ENFORCEMENT_LEVELS[entry.get("enforcementLevel") or "advisory"]
            )
            if entry.get("properties"):
                policy_config.properties.update(dict(entry["properties"]))
            request.policyConfig[name].CopyFrom(policy_config)
        self.stub.Configure(request)

    def evaluate(
        self,
        records: Iterable[RecordLike],
        *,
        config_file: Path | None = None,
        config: Mapping[str, Any] | None = None,
        remediate: bool = False,
    ) -> PackResult:
        """Run the engine's call order on ``records``; ``config`` (a parsed config document) overrides the file."""
        began = time.perf_counter()
        plain = [_as_dict(r) for r in records]
        marshal = _Marshaller(plain)

        t0 = time.perf_counter()
        self.configure_stack()
        info, policies = self.analyzer_info()
        info_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        initial = {
            k: {
                "enforcementLevel": _LEVEL_NAMES.get(v.enforcementLevel) if v.enforcementLevel else None,
                "properties": json_format.MessageToDict(v.properties),
            }
            for k, v in info.initialConfig.items()
        }
        given = parse_policy_config(config) if config is not None else {}
        if config is None and config_file is not None:
            given = load_policy_config(config_file)
        reconciled, unknown_keys = reconcile_config(policies, initial, given)
        self.configure(reconciled)
        configure_s = time.perf_counter() - t0

        version = self.version or info.version
        violations: list[Violation] = []
        not_applicable = remediations = 0
        remediate_s = analyze_s = 0.0
        for record in plain:
            inputs: struct_pb2.Struct | None = None
            if remediate:
                t0 = time.perf_counter()
                response = self.stub.Remediate(marshal.analyze_request(record))
                remediate_s += time.perf_counter() - t0
                not_applicable += len(response.not_applicable)
                for remediation in response.remediations:
                    remediations += 1
                    if remediation.HasField("properties"):
                        inputs = remediation.properties
            t0 = time.perf_counter()
            response = self.stub.Analyze(marshal.analyze_request(record, inputs))
            analyze_s += time.perf_counter() - t0
            not_applicable += len(response.not_applicable)
            # The engine attributes Analyze diagnostics to the analyzed resource (their urn field is empty).
            found = (_violation(d, "analyze", version) for d in response.diagnostics)
            violations.extend(v if v.urn else _with_urn(v, record["urn"]) for v in found)

        t0 = time.perf_counter()
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[marshal.stack_resource(r) for r in plain])
        response = self.stub.AnalyzeStack(stack_request)
        analyze_stack_s = time.perf_counter() - t0
        not_applicable += len(response.not_applicable)
        violations.extend(_violation(d, "analyze-stack", version) for d in response.diagnostics)

        timings = Timings(
            start_s=self.start_s,
            handshake_s=self.handshake_s,
            info_s=info_s,
            configure_s=configure_s,
            remediate_s=remediate_s,
            analyze_s=analyze_s,
            analyze_stack_s=analyze_stack_s,
            total_s=self.start_s + self.handshake_s + (time.perf_counter() - began),
        )
        return PackResult(
            pack=info.name,
            version=version,
            stack=self.stack,
            project=self.project,
            dry_run=self.dry_run,
            handshake=self.handshake,
            policies=policies,
            config=reconciled,
            unknown_config_keys=tuple(unknown_keys),
            resources=len(plain),
            analyze_calls=len(plain),
            violations=tuple(violations),
            not_applicable=not_applicable,
            remediations=remediations,
            timings=timings,
            engine_logs=tuple(self._engine.logs),
            stderr=self.stderr,
        )


def _with_urn(violation: Violation, urn: str) -> Violation:
    return Violation(**{**asdict(violation), "urn": urn})


def run_pack(
    pack_dir: Path,
    records: Iterable[RecordLike],
    *,
    config_file: Path | None,
    stack: str,
    project: str = "hybrid-burst",
    dry_run: bool = True,
    remediate: bool = False,
    organization: str = "organization",
    stack_config: Mapping[str, str] | None = None,
    python: str | None = None,
) -> PackResult:
    """Start ``pack_dir`` as the CLI does, send ``records`` in the engine's order, stop it; see the module doc."""
    with PackSession(
        pack_dir,
        stack=stack,
        project=project,
        organization=organization,
        dry_run=dry_run,
        stack_config=stack_config,
        python=python,
    ) as session:
        return session.evaluate(records, config_file=config_file, remediate=remediate)


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records from JSON: a list of records, or an object with ``resources`` (a recorded plan)."""
    document = json.loads(path.read_text())
    if isinstance(document, Mapping):
        document = document.get("resources", [])
    if not isinstance(document, list):
        raise TypeError(f"{path}: expected a list of records or an object with 'resources'")
    return [dict(r) for r in document]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a policy pack over recorded resources (Analyzer protocol).")
    parser.add_argument("records", type=Path, help="JSON list of recorded resources (RECORD_FORMAT.md)")
    parser.add_argument("--pack", type=Path, default=Path("policies/hybrid-burst-guardrails"))
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--config", type=Path, default=None, help="--policy-pack-config file")
    parser.add_argument("--update", action="store_true", help="PULUMI_DRY_RUN=false (default: preview)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run_pack(
        args.pack, load_records(args.records), config_file=args.config, stack=args.stack, dry_run=not args.update
    )
    print(json.dumps(result.to_dict(), indent=2) if args.json else result.summary())
    return 1 if result.mandatory_violations() else 0


if __name__ == "__main__":
    sys.exit(main())
