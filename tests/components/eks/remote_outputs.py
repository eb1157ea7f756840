"""Remote components (pulumi-eks) under the recording monitor.

pulumi-eks resources are remote components: the engine constructs them in the pulumi-eks plugin and returns
their outputs. The recorder answers every non-custom registration with empty outputs, so ``oidcProviderArn``
and ``kubeconfigJson`` would resolve to ``None``. Until the recorder asks ``mock_outputs.OUTPUTS`` for remote
components itself, ``remote_component_outputs`` does it for the EKS tests; it steps aside as soon as the
recorder answers a remote registration with outputs of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from scripts.offline import mock_outputs, recorder


@contextmanager
def remote_component_outputs() -> Iterator[None]:
    original = recorder.RecordingMonitor.RegisterResource

    def register(self: recorder.RecordingMonitor, request: Any) -> Any:
        response = original(self, request)
        if not request.remote or len(response.object.fields) > 0:
            return response
        from pulumi.runtime import rpc
        from pulumi.runtime.proto import resource_pb2
        from pulumi.runtime.sync_await import _sync_await

        inputs, _ = recorder.struct_to_plain(request.object)
        region = self._region_of(request.providers.get("aws", ""))
        _, state = mock_outputs.outputs_for(request.type, request.name, response.urn, inputs, region)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=response.urn, id=response.id, object=obj)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recorder.RecordingMonitor, "RegisterResource", register)
        yield
