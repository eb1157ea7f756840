"""The pack's Analyzer servicer: pulumi-policy's own, minus the conversions that dominated the pack's cost.

pulumi-policy 1.21's ``_PolicyAnalyzerServicer`` (``pulumi_policy/policy.py``, ``Analyze``/``AnalyzeStack``) runs
every enabled policy for every request, and *each* policy first converts the request again:
``json_format.MessageToDict`` + ``deserialize_properties`` + ``unknown_checking_proxy`` of the resource's properties
and of its provider's, before the policy can even look at the type. ``Analyze`` therefore converted every resource
26 times (once per resource rule), and ``AnalyzeStack`` converted the whole stack once per stack rule. Measured on
the recorded stacks (``bench/bench_policy.py --per-rule``, docs/performance.md) that was about 95% of the pack's
CPU; the rules' own code was about 5%.

Two changes, both outside the rules and both leaving the SDK's per-policy logic (enforcement levels, config,
violations, the advisory note for unknown values, not-applicable) as it is:

1. **Type dispatch.** A resource rule reads only the types it lists (``Rule.resource_types``;
   ``ResourceRule.validate`` returns at once for any other type, reporting nothing). ``Analyze`` hands each request
   to a stock servicer that holds only the policies for that type (one per distinct set, built up front, all
   configured alike), and answers an empty response for a type no resource rule reads: exactly what the stock loop
   returns for it.
2. **One conversion per message and request.** While a request is served, ``MessageToDict`` inside
   ``pulumi_policy.policy`` returns the dict it already made for the same message object (a thread-local memo for
   that one request; the gRPC server runs requests on several threads). Its result only ever feeds
   ``deserialize_properties``, which builds new containers, so no policy sees another policy's objects.

``tests/policies/hybrid_burst_guardrails/core/test_servicer.py`` compares this servicer's responses with the stock
one's over the recorded stacks and the broken variant. If a pulumi-policy release renames what this module relies
on, that test (and the import below) fail instead of the pack silently changing behaviour.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent import futures
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import grpc
import pulumi_policy.policy as sdk
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy

StockServicer: Any = sdk._PolicyAnalyzerServicer


class _MemoJsonFormat:
    """Stands in for ``google.protobuf.json_format`` inside ``pulumi_policy.policy`` (see the module doc, item 2)."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - json_format's name
        memo: dict[int, tuple[Any, Any]] | None = getattr(self._local, "memo", None)
        if memo is None or args or kwargs:
            return self._real.MessageToDict(message, *args, **kwargs)
        hit = memo.get(id(message))
        if hit is not None and hit[0] is message:
            return hit[1]
        value = self._real.MessageToDict(message)
        memo[id(message)] = (message, value)  # the message is kept alive, so its id is not reused meanwhile
        return value

    @contextmanager
    def per_request(self) -> Iterator[None]:
        outer = getattr(self._local, "memo", None)
        self._local.memo = {}
        try:
            yield
        finally:
            self._local.memo = outer


def _install_memo() -> _MemoJsonFormat:
    """Put the memo in place of ``json_format`` inside ``pulumi_policy.policy`` (once per process)."""
    current = getattr(sdk, "json_format")  # noqa: B009 - not re-exported by the module, so not in its stubs
    if isinstance(current, _MemoJsonFormat):
        return current
    shim = _MemoJsonFormat(current)
    setattr(sdk, "json_format", shim)  # noqa: B010
    return shim


class GuardrailsServicer(StockServicer):  # type: ignore[misc]
    """The stock servicer with type dispatch for ``Analyze`` and one conversion per message (module doc)."""

    def __init__(
        self,
        name: str,
        version: str,
        policies: Sequence[Policy],
        enforcement_level: EnforcementLevel,
        *,
        resource_types: Mapping[str, frozenset[str]],
        description: str | None = None,
        provider: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> None:
        """``resource_types``: for every resource policy's name, the types its rule reads (``Rule.resource_types``)."""
        common: dict[str, Any] = {"description": description, "provider": provider, "tags": list(tags or [])}
        super().__init__(name, version, list(policies), enforcement_level, **common)
        resource_policies = [p for p in policies if isinstance(p, ResourceValidationPolicy)]
        missing = [p.name for p in resource_policies if p.name not in resource_types]
        if missing:
            raise ValueError(f"resource policies without resource types: {missing}")
        by_set: dict[tuple[str, ...], Any] = {}
        self._by_type: dict[str, Any] = {}
        for type_ in sorted({t for p in resource_policies for t in resource_types[p.name]}):
            subset = [p for p in resource_policies if type_ in resource_types[p.name]]
            key = tuple(p.name for p in subset)
            if key not in by_set:
                by_set[key] = StockServicer(name, version, subset, enforcement_level, **common)
            self._by_type[type_] = by_set[key]
        self._children = list(by_set.values())
        self._memo = _install_memo()

    def Configure(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method names
        for child in self._children:
            child.Configure(request, context)
        return super().Configure(request, context)

    def ConfigureStack(self, request: Any, context: Any) -> Any:  # noqa: N802
        for child in self._children:
            child.ConfigureStack(request, context)
        return super().ConfigureStack(request, context)

    def Analyze(self, request: Any, context: Any) -> Any:  # noqa: N802
        child = self._by_type.get(request.type)
        if child is None:
            return analyzer_pb2.AnalyzeResponse()
        with self._memo.per_request():
            return child.Analyze(request, context)

    def AnalyzeStack(self, request: Any, context: Any) -> Any:  # noqa: N802
        with self._memo.per_request():
            return super().AnalyzeStack(request, context)


#: The collector's thresholds for the pack process: the project's plan policy (``scripts/offline/gc_policy.py``). With
#: CPython's default (700, 10, 10), ``AnalyzeStack`` over 5,000 resources spent about half its CPU in the cyclic
#: collector re-scanning the proxies each stack policy builds, and its cost per resource grew with the stack
#: (docs/performance.md, "The policy pack").
GC_THRESHOLDS = (50_000, 20, 100)


def apply_gc_policy() -> None:
    """Set :data:`GC_THRESHOLDS` for this process (the pack process; ``serve`` calls it)."""
    gc.set_threshold(*GC_THRESHOLDS)


def serve(servicer: Any) -> None:
    """Serve ``servicer`` as ``PolicyPack.__init__`` serves its own: same server options, port on stdout, block."""
    apply_gc_policy()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=sdk._GRPC_CHANNEL_OPTIONS,
    )
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.flush()
    try:
        while True:
            time.sleep(24 * 60 * 60)
    except KeyboardInterrupt:
        server.stop(0)
