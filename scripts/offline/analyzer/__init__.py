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

Modules: ``config`` (parse, reconcile, validate the policy-pack config), ``marshal`` (records ->
protocol messages), ``session`` (the pack process and its client), ``results`` (what an evaluation returns),
``__main__`` (the command line).

Usage from the offline plan::

    from scripts.offline.analyzer import run_pack, mandatory_violations
    result = run_pack(Path("policies/hybrid-burst-guardrails"), plan.resources,
                      config_file=Path("stacks/policy-config.dev.json"), stack="dev")
    for v in mandatory_violations(result): ...
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scripts.offline.wire import UNKNOWN

from .config import (
    ENFORCEMENT_LEVELS,
    PolicyConfigError,
    load_policy_config,
    parse_policy_config,
    reconcile_config,
)
from .results import PREVIEW_NOTE_PREFIX, PackResult, PolicyInfo, Timings, Violation, mandatory_violations
from .session import PackSession, PackStartError, pack_python, run_pack

__all__ = [
    "ENFORCEMENT_LEVELS",
    "PREVIEW_NOTE_PREFIX",
    "UNKNOWN",
    "PackResult",
    "PackSession",
    "PackStartError",
    "PolicyConfigError",
    "PolicyInfo",
    "Timings",
    "Violation",
    "load_policy_config",
    "load_records",
    "mandatory_violations",
    "pack_python",
    "parse_policy_config",
    "reconcile_config",
    "run_pack",
]


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records from JSON: a list of records, or an object with ``resources`` (a recorded plan)."""
    document = json.loads(path.read_text())
    if isinstance(document, Mapping):
        document = document.get("resources", [])
    if not isinstance(document, list):
        raise TypeError(f"{path}: expected a list of records or an object with 'resources'")
    return [dict(r) for r in document]
