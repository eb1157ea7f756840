"""Run the Pulumi program under mocks and record every resource registration.

Why not the stock ``pulumi.runtime.set_mocks``/``MockMonitor`` (pulumi 3.272):
- ``set_mocks`` creates and finishes a root Stack at once, so ``pulumi.export`` calls made later by the program
  are lost; we run the program inside ``run_in_stack`` as the language host does.
- ``MockMonitor`` deserializes inputs into SDK objects, which can hang when an input holds a resource reference;
  we convert the wire ``Struct`` into plain JSON ourselves (resource references become URNs).
- ``MockMonitor`` gives resources parented to the stack a ``pulumi:pulumi:Stack$`` type prefix in their URNs,
  which the engine does not; we build URNs the way the engine does.
- We record what the engine receives: type, name, camelCase inputs, parent, provider, dependencies, property
  dependencies and options (protect, ignoreChanges, ...), plus the region of the explicit provider.

What this cannot know, and says so in every plan: provider defaults (a property the program leaves unset shows
as absent, not as the AWS default), and computed values (ids, ARNs, DNS names are realistic placeholders from
``mock_outputs``).
"""

from __future__ import annotations

import json
import logging
import runpy
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2

from components.config.stack_file import read_stack_file

from . import mock_outputs
from .aliases import alias_urns
from .layout import PROJECT, ROOT, STACKS_DIR, stack_file, stacks
from .recordings import RECORDINGS, offline_private_key, recording_kind
from .wire import ARCHIVE as _ARCHIVE
from .wire import ASSET as _ASSET
from .wire import OUTPUT as _OUTPUT
from .wire import RESOURCE as _RESOURCE
from .wire import SECRET as _SECRET
from .wire import SIG as _SIG
from .wire import UNKNOWN

LIMITS = (
    "Offline plan: resources were registered under Pulumi's mocks, not by the engine. It cannot know "
    "provider defaults (a property left unset shows as absent, not as the value AWS would choose) or computed "
    "values (ids, ARNs, DNS names and endpoints are realistic placeholders). Replacements, diffs against a "
    "deployed stack and provider-side validation need `pulumi preview` with credentials."
)


@dataclass(frozen=True)
class RecordedResource:
    """One ``RegisterResource`` call as the engine would see it (see RECORD_FORMAT.md)."""

    urn: str
    type: str
    name: str
    custom: bool
    id: str
    parent: str | None
    provider: str | None
    region: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    options: dict[str, Any]
    secret_paths: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    """Former URNs of this resource (its ``aliases`` option, resolved as the engine would; RECORD_FORMAT.md)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def provider_urn(self) -> str | None:
        return self.provider.rsplit("::", 1)[0] if self.provider else None


@dataclass
class Plan:
    """Everything one run of the program registered, in registration order."""

    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    seconds: float = 0.0

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {len(found)} among {names}")
        return found[0]

    def get(self, urn: str) -> RecordedResource | None:
        """The resource with this URN, or None (the root stack is not a recorded resource)."""
        index = self.__dict__.get("_index")
        if index is None or len(index) != len(self.resources):
            index = {r.urn: r for r in self.resources}
            self.__dict__["_index"] = index
        return index.get(urn)

    def by_urn(self, urn: str) -> RecordedResource:
        found = self.get(urn)
        if found is None:
            raise LookupError(urn)
        return found

    def children(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]

    def descendants(self, parent: RecordedResource) -> list[RecordedResource]:
        out: list[RecordedResource] = []
        todo = [parent.urn]
        while todo:
            urn = todo.pop()
            kids = [r for r in self.resources if r.parent == urn]
            out.extend(kids)
            todo.extend(k.urn for k in kids)
        return out

    def component_of(self, res: RecordedResource) -> RecordedResource | None:
        """The nearest ancestor that is one of our components (type ``hybrid-burst:*``)."""
        anc = self.get(res.parent) if res.parent else None
        while anc is not None:  # the root stack is not recorded: reaching it ends the walk
            if anc.type.startswith(f"{PROJECT}:"):
                return anc
            anc = self.get(anc.parent) if anc.parent else None
        return None

    @property
    def custom_resources(self) -> list[RecordedResource]:
        return [r for r in self.resources if r.custom and not r.type.startswith("pulumi:providers:")]


def plain(value: Any, secrets: set[str] | None = None, path: str = "") -> Any:
    """Convert a ``Struct`` JSON value into plain JSON: unwrap secrets and outputs, resources -> URN."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET:
            if secrets is not None:
                secrets.add(path.split(".", maxsplit=1)[0] if path else path)
            return plain(value.get("value"), secrets, path)
        if sig == _RESOURCE:
            return value.get("urn")
        if sig == _OUTPUT:
            if value.get("secret") and secrets is not None:
                secrets.add(path.split(".", maxsplit=1)[0])
            return plain(value["value"], secrets, path) if "value" in value else UNKNOWN
        if sig in (_ASSET, _ARCHIVE):
            kind = "asset" if sig == _ASSET else "archive"
            return {kind: {k: v for k, v in value.items() if k not in {_SIG, "text"}} or {"text": "..."}}
        return {k: plain(v, secrets, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, secrets, path) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def struct_to_plain(struct: struct_pb2.Struct) -> tuple[dict[str, Any], list[str]]:
    secrets: set[str] = set()
    raw = json_format.MessageToDict(struct)
    return plain(raw, secrets), sorted(s for s in secrets if s)


class RecordingMonitor:
    """A resource monitor for ``pulumi.runtime`` that records registrations and answers like a mock engine."""

    def __init__(self, stack: str, project: str = PROJECT) -> None:
        from pulumi.runtime.mocks import MockMonitor, Mocks

        self.stack = stack
        self.project = project
        self.records: list[RecordedResource] = []
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}
        self._provider_region: dict[str, str | None] = {}
        self._types: dict[str, str] = {}

        class _NoMocks(Mocks):
            def call(self, args: Any) -> Any:  # noqa: ARG002
                return {}, None

            def new_resource(self, args: Any) -> Any:  # noqa: ARG002
                return "", {}

        # Only for the SDK feature probes (GetDeploymentInfo, SupportsFeature) and package registration.
        self._base = MockMonitor(_NoMocks())

    # -- helpers -----------------------------------------------------------------------------------------
    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent and parent != self.stack_urn:
            parent_type = parent.split("::")[2]
            type_ = f"{parent_type}${type_}"
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    def _region_of(self, provider_ref: str) -> str | None:
        if not provider_ref:
            return None
        return self._provider_region.get(provider_ref.rsplit("::", 1)[0])

    # -- the ResourceMonitor service ---------------------------------------------------------------------
    def SupportsFeature(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        return self._base.SupportsFeature(request)

    def GetDeploymentInfo(self, request: Any) -> Any:  # noqa: N802
        return self._base.GetDeploymentInfo(request)

    def RegisterPackage(self, request: Any) -> Any:  # noqa: N802
        return self._base.RegisterPackage(request)

    def RegisterStackTransform(self, request: Any) -> Any:  # noqa: N802
        return self._base.RegisterStackTransform(request)

    def RegisterStackInvokeTransform(self, request: Any) -> Any:  # noqa: N802
        return self._base.RegisterStackInvokeTransform(request)

    def RegisterResourceHook(self, request: Any) -> Any:  # noqa: N802
        return self._base.RegisterResourceHook(request)

    def RegisterErrorHook(self, request: Any) -> Any:  # noqa: N802
        return self._base.RegisterErrorHook(request)

    def SignalAndWaitForShutdown(self, request: Any) -> Any:  # noqa: N802
        return self._base.SignalAndWaitForShutdown(request)

    def Invoke(self, request: Any) -> Any:  # noqa: N802
        from pulumi.runtime import rpc
        from pulumi.runtime.proto import resource_pb2
        from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

        _ensure_event_loop()
        args, _ = struct_to_plain(request.args)
        fn = mock_outputs.INVOKES.get(request.tok)
        if fn is None:
            raise NotImplementedError(
                f"the offline plan has no mock answer for invoke {request.tok}; add one to "
                "scripts/offline/mock_outputs.py INVOKES (or build the value in the program)"
            )
        region = self._region_of(request.provider) or "us-east-1"
        ret = _sync_await(rpc.serialize_properties(fn(args, region), {}))
        return resource_pb2.ResourceInvokeResponse(failures=None, **{"return": ret})

    def ReadResource(self, request: Any) -> Any:  # noqa: N802
        raise NotImplementedError(
            f"the program reads an existing resource ({request.type} {request.name}); the offline plan cannot "
            "look it up - pass its attributes through stack config instead"
        )

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802
        from pulumi.runtime import rpc
        from pulumi.runtime.proto import resource_pb2
        from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)

        _ensure_event_loop()
        inputs, secret_paths = struct_to_plain(request.object)
        region: str | None
        if request.type.startswith("pulumi:providers:"):
            region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
            self._provider_region[urn] = region
        else:
            region = self._region_of(request.provider)

        if request.custom:
            rid, state = mock_outputs.outputs_for(request.type, request.name, urn, inputs, region)
        elif request.remote and request.type in mock_outputs.OUTPUTS:
            # Remote components (pulumi-eks) are built by their plugin, which is not here: answer with the
            # mock's outputs, in the region of the aws provider the component was given.
            aws_ref = request.providers.get("aws", "")
            region = self._region_of(aws_ref) or region
            _, state = mock_outputs.outputs_for(request.type, request.name, urn, inputs, region)
            rid = ""
        else:
            rid, state = "", {}
        if request.type.startswith("pulumi:providers:"):
            rid = f"{self.stack}-{request.name}-provider"

        prop_deps = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
        options = {
            "protect": bool(request.protect) if request.HasField("protect") else False,
            "retainOnDelete": bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
            "ignoreChanges": list(request.ignoreChanges),
            "replaceOnChanges": list(request.replaceOnChanges),
            "deleteBeforeReplace": bool(request.deleteBeforeReplace),
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            "customTimeouts": json_format.MessageToDict(request.customTimeouts)
            if request.HasField("customTimeouts")
            else {},
        }
        record = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            id=rid,
            parent=request.parent or None,
            provider=request.provider or None,
            region=region,
            inputs=inputs,
            outputs={**state, "id": rid} if request.custom else {},
            dependencies=list(request.dependencies),
            property_dependencies=prop_deps,
            options=options,
            secret_paths=secret_paths,
            aliases=alias_urns(request, stack=self.stack, project=self.project, stack_urn=self.stack_urn),
        )
        self.records.append(record)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=obj)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        from google.protobuf import empty_pb2

        if request.urn == self.stack_urn:
            outputs, _ = struct_to_plain(request.outputs)
            self.stack_outputs = outputs
        return empty_pb2.Empty()


class _Engine:
    """The engine service the SDK logs to; warnings and errors are kept for the plan report."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def Log(self, request: Any) -> None:  # noqa: N802
        from pulumi.runtime.proto import engine_pb2

        level = {engine_pb2.WARNING: "warning", engine_pb2.ERROR: "error"}.get(request.severity)
        if level:
            self.messages.append((level, request.message))


def available_stacks() -> list[str]:
    return stacks()


def read_stack_config(stack: str, stacks_dir: Path = STACKS_DIR) -> dict[str, Any]:
    """The ``config:`` mapping of ``<stacks_dir>/Pulumi.<stack>.yaml``, read by ``components.config.stack_file``."""
    path = stack_file(stack, stacks_dir)
    if not path.exists():
        raise FileNotFoundError(f"no stack file {path}; known stacks: {', '.join(available_stacks())}")
    return read_stack_file(path).config  # strict: StackFileError (a ConfigError) names the file and the line


def _as_pulumi_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi hands config to programs as strings; objects and lists as JSON text."""
    out: dict[str, str] = {}
    for key, value in config.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = json.dumps(value)
    return out


def record(
    program: Callable[[], Any] | None = None,
    *,
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
    preview: bool = False,
) -> Plan:
    """Run ``program`` (default: the project's ``__main__.py``) under the recording monitor.

    ``config`` defaults to the stack file's ``config:`` mapping. Exceptions raised by the program propagate
    (a ``ConfigError`` before any resource leaves ``Plan.resources`` empty).
    """
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.mocks import MockSettings
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    cfg = read_stack_config(stack) if config is None else dict(config)
    RECORDINGS[recording_kind(program, stack, config, cfg)] += 1
    monitor = RecordingMonitor(stack)
    engine = _Engine()
    from google.protobuf import empty_pb2

    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    rt_settings.ROOT.set(None)
    rt_settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=engine,
            project=PROJECT,
            stack=stack,
            dry_run=preview,
            organization="organization",
            root_directory=str(ROOT),
            callbacks=None,
        )
    )
    set_all_config(_as_pulumi_config(cfg), [])
    rt_settings.SETTINGS.outputs.clear()

    def run() -> None:
        from components.emr.security_configuration import private_keys_from

        with private_keys_from(offline_private_key):
            if program is None:
                runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
            else:
                program()

    logging.getLogger("pulumi").setLevel(logging.ERROR)
    start = time.perf_counter()
    try:
        _sync_await(run_in_stack(run))
    except Exception as err:
        # The partial plan (what was registered before the failure) travels with the exception, so callers can
        # show it and tests can prove that a config error registered nothing.
        err.plan = Plan(  # type: ignore[attr-defined]
            stack=stack,
            resources=monitor.records,
            outputs=monitor.stack_outputs,
            seconds=time.perf_counter() - start,
        )
        raise
    finally:
        rt_settings.ROOT.set(None)
        set_all_config({}, [])
    seconds = time.perf_counter() - start
    return Plan(stack=stack, resources=monitor.records, outputs=monitor.stack_outputs, seconds=seconds)
