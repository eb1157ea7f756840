"""The Pulumi wire format's sentinels, defined once (the recorder decodes them, the analyzer client encodes them).

Values from the Pulumi SDK (``pulumi/runtime/rpc.py``: ``UNKNOWN``, ``_special_sig_key``, ``_special_secret_sig``,
``_special_resource_sig``, ``_special_output_value_sig``, ``_special_asset_sig``, ``_special_archive_sig``), which
match the engine's ``sdk/go/common/resource/properties.go``.
"""

from __future__ import annotations

#: An unknown (computed during a preview) value.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The key whose value says which special object a ``Struct`` map is.
SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - the SDK's secret signature, not a password
RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
ASSET = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7"
