"""The pack process and its Analyzer client: start it as the CLI does, then run the engine's call order."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

from .config import ENFORCEMENT_LEVELS, LEVEL_NAMES, load_policy_config, parse_policy_config, reconcile_config
from .marshal import POLICY_TYPES, SEVERITY_NAMES, Marshaller, RecordLike, as_dict, violation
from .results import PackResult, PolicyInfo, Timings, Violation, with_urn

_MAX_MESSAGE = 400 * 1024 * 1024  # the SDK's own limit (pulumi_policy/policy.py _MAX_RPC_MESSAGE_SIZE)
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]


class PackStartError(RuntimeError):
    """The pack process exited or printed no port."""


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
        self._lines: queue.Queue[str] = queue.Queue()
        self._began = 0.0
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
        """Start the pack process and connect to it (``spawn`` then ``connect``)."""
        self.spawn()
        self.connect()

    def spawn(self) -> None:
        """Start the engine service and the pack process without waiting for it (``connect`` waits): a caller
        with other work to do (``scripts/plan.py`` recording the program) lets the pack boot meanwhile."""
        if self._proc is not None:
            return
        self._began = time.perf_counter()
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
        self._pump_output()

    def connect(self) -> None:
        """Wait for the spawned pack to print its port, open the channel and handshake (once)."""
        if self._stub is not None:
            return
        self.spawn()
        port = self._await_port()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self.start_s = time.perf_counter() - self._began
        t0 = time.perf_counter()
        self.handshake = self._handshake()
        self.handshake_s = time.perf_counter() - t0

    def _pump_output(self) -> None:
        """Read the pack's stdout (its port first) and stderr from the start, so a chatty pack never blocks on a
        full pipe while the caller is busy elsewhere."""
        assert self._proc is not None
        assert self._proc.stdout is not None
        assert self._proc.stderr is not None
        stdout, stderr, lines = self._proc.stdout, self._proc.stderr, self._lines

        def pump_stdout() -> None:
            for raw in iter(stdout.readline, b""):
                lines.put(raw.decode(errors="replace").strip())

        def pump_stderr() -> None:
            for raw in iter(stderr.readline, b""):
                self._stderr.append(raw.decode(errors="replace").rstrip())

        threading.Thread(target=pump_stdout, daemon=True).start()
        threading.Thread(target=pump_stderr, daemon=True).start()

    def _await_port(self) -> int:
        assert self._proc is not None
        lines = self._lines
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
                enforcement_level=LEVEL_NAMES.get(p.enforcementLevel, "advisory"),
                severity=SEVERITY_NAMES.get(p.severity, "unspecified"),
                policy_type=POLICY_TYPES.get(p.policy_type, "unknown"),
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
        plain = [as_dict(r) for r in records]
        marshal = Marshaller(plain)

        t0 = time.perf_counter()
        self.configure_stack()
        info, policies = self.analyzer_info()
        info_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        initial = {
            k: {
                "enforcementLevel": LEVEL_NAMES.get(v.enforcementLevel) if v.enforcementLevel else None,
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
            found = (violation(d, "analyze", version) for d in response.diagnostics)
            violations.extend(v if v.urn else with_urn(v, record["urn"]) for v in found)

        t0 = time.perf_counter()
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[marshal.stack_resource(r) for r in plain])
        response = self.stub.AnalyzeStack(stack_request)
        analyze_stack_s = time.perf_counter() - t0
        not_applicable += len(response.not_applicable)
        violations.extend(violation(d, "analyze-stack", version) for d in response.diagnostics)

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
