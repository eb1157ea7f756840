"""Helpers of ``deploy``'s execution layer that need no CLI: policy events, streamed output, the outputs file, and the
preconditions checked before a run (policy-pack virtualenvs, EKS endpoint reachability).
"""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

import yaml

from scripts.ops.deploy_plan import EXIT_AWS, EXIT_OK, ROOT, PolicyViolation

OUTPUTS_DIR = Path("out") / "outputs"
"""Where ``up``/``refresh`` write each stack's outputs, relative to the project: ``out/outputs/<stack>.json``."""
SECRET = "[secret]"  # noqa: S105 - the CLI's placeholder for a secret output, not a password
"""What a secret output is written as (the same placeholder ``pulumi stack output --json`` prints)."""


# --- policy events, streamed output, outputs file (pure helpers of the execution layer) ------------------------
def violations_from_events(events: Iterable[Any]) -> list[PolicyViolation]:
    """Policy violations in ``pulumi.automation.events.EngineEvent``s (their ``policy_event``), in event order."""
    found: list[PolicyViolation] = []
    for event in events:
        policy = getattr(event, "policy_event", None)
        if policy is None:
            continue
        found.append(
            PolicyViolation(
                rule=policy.policy_name,
                pack=policy.policy_pack_name,
                level=policy.enforcement_level,
                resource=policy.resource_urn or "",
                message=" ".join(str(policy.message).split()),
            )
        )
    return found


def mandatory(violations: Iterable[PolicyViolation]) -> list[PolicyViolation]:
    return [v for v in violations if v.level == "mandatory"]


class LinePrinter:
    """Streamed CLI output of parallel stacks, one line at a time, each prefixed with its stack name."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def for_stack(self, stack: str) -> Callable[[str], None]:
        def write(line: str) -> None:
            with self.lock:
                for part in str(line).splitlines() or [""]:
                    print(f"[{stack}] {part}", file=self.stream, flush=True)

        return write


def outputs_path(stack: str, root: Path = ROOT) -> Path:
    return root / OUTPUTS_DIR / f"{stack}.json"


def write_outputs(stack: str, outputs: Mapping[str, Any], root: Path = ROOT) -> Path:
    """Write a stack's outputs as ``pulumi stack output --json`` prints them (a JSON object, output name ->
    value; secret outputs as ``"[secret]"``). ``outputs`` values may be ``OutputValue``s (``.value``, ``.secret``)."""
    plain: dict[str, Any] = {}
    for key, value in outputs.items():
        if hasattr(value, "secret") and hasattr(value, "value"):
            plain[key] = SECRET if value.secret else value.value
        else:
            plain[key] = value
    path = outputs_path(stack, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(plain, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


# --- preconditions -----------------------------------------------------------------------------------------------
def policy_pack_problems(packs: Iterable[Path], root: Path = ROOT) -> list[str]:
    """For each pack whose ``PulumiPolicy.yaml`` declares a virtualenv: it must exist and import pulumi_policy
    (the CLI runs ``<virtualenv>/bin/python`` and never creates it)."""
    problems: list[str] = []
    for pack in packs:
        rel = pack.relative_to(root) if pack.is_relative_to(root) else pack
        try:
            doc = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            problems.append(f"policy pack {rel}: cannot read PulumiPolicy.yaml ({err})")
            continue
        runtime = doc.get("runtime") if isinstance(doc, dict) else None
        options = runtime.get("options") if isinstance(runtime, dict) else None
        venv = options.get("virtualenv") if isinstance(options, dict) else None
        if not venv:
            continue
        python = pack / str(venv) / "bin" / "python"
        fix = (
            f"create it: make pack-venv PACK={rel} (or python3 -m venv {rel}/{venv} && "
            f"{rel}/{venv}/bin/pip install -r {rel}/requirements.txt)"
        )
        if not python.exists():
            problems.append(
                f"policy pack {rel}: PulumiPolicy.yaml declares 'virtualenv: {venv}' but {rel}/{venv}/bin/python "
                f"does not exist (the Pulumi CLI runs it and does not create it); {fix}"
            )
            continue
        done = subprocess.run(
            [str(python), "-c", "import pulumi_policy"], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            problems.append(
                f"policy pack {rel}: {rel}/{venv}/bin/python cannot import pulumi_policy "
                f"({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'exit ' + str(done.returncode)}); "
                f"{fix}"
            )
    return problems


def tcp_reachable(host: str, port: int = 443, timeout: float = 10.0) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds, DNS lookup included (the
    lookup runs in a daemon thread, because ``getaddrinfo`` itself takes no timeout)."""
    outcome: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append(True)
        except OSError:
            outcome.append(False)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(outcome and outcome[0])


@functools.cache
def eks_cluster_name(stack: str) -> str:
    """The EKS cluster name the program gives this stack, from an offline recording of the program (the name is
    derived from config and the stack name, so the mock run yields the real one; no cloud, ~5 s)."""
    from scripts.offline.recorder import record

    return str(record(stack=stack).outputs.get("eks_cluster_name", ""))


def eks_reachability(
    stack: str,
    *,
    root: Path = ROOT,
    clients: Callable[[str, str], Any],
    probe: Callable[[str, int, float], bool] = tcp_reachable,
    timeout: float = 10.0,
) -> tuple[int, str]:
    """Can this machine reach the stack's EKS API endpoint? (exit code, message). ``pulumi up`` of a stack with
    EMR on EKS talks to the Kubernetes API; with a private endpoint, from outside the VPC it would hang."""
    from botocore.exceptions import BotoCoreError, ClientError

    from components.config.stack import load_stack_config
    from scripts.offline.recorder import read_stack_config

    cfg = load_stack_config(read_stack_config(stack, root / "stacks"), stack=stack)
    if not cfg.eks.enabled:
        return EXIT_OK, f"{stack}: EMR on EKS is off; no Kubernetes API to reach"
    name = eks_cluster_name(stack)
    region = cfg.regions.compute
    fix = (
        "run the deploy on the self-hosted runner in the compute VPC (docs/operations.md, 'Private EKS and the deploy "
        "runner'), or open the endpoint to the runner's network: hybrid-burst:eks.endpointPublicAccess: true and "
        "hybrid-burst:eks.publicAccessCidrs: [<runner egress CIDR>]"
    )
    try:
        cluster = clients("eks", region).describe_cluster(name=name)["cluster"]
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            where = (
                "a public endpoint open to " + ", ".join(cfg.eks.public_access_cidrs)
                if cfg.eks.endpoint_public_access
                else "a private endpoint only"
            )
            return EXIT_OK, (
                f"{stack}: EKS cluster {name} does not exist yet in {region} (first deploy); it will have {where}: "
                f"this runner must be able to reach it once created, or the update stops at the job timeout; {fix}"
            )
        return EXIT_AWS, f"{stack}: eks:DescribeCluster {name} in {region} failed: {code or err}"
    except BotoCoreError as err:
        return EXIT_AWS, f"{stack}: eks:DescribeCluster {name} in {region} failed: {err}"
    host = urlparse(str(cluster.get("endpoint", ""))).hostname or ""
    if host and probe(host, 443, timeout):
        return EXIT_OK, f"{stack}: EKS API endpoint {host}:443 reachable from this machine"
    return EXIT_AWS, f"{stack}: EKS API endpoint {host or '(none)'}:443 not reachable within {timeout:g}s; {fix}"
