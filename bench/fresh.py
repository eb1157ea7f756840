"""Fresh-process measurements shared by the plan benchmarks (``bench_plan.py --floor``, ``bench_scale.py``).

Each measurement is one new interpreter (``python bench/fresh.py <kind> [...]``) that applies the project's GC
policy (``scripts/offline/gc_policy.py``, the same for every kind), imports the recorder and the SDKs, records one
program and prints one JSON line. The parent reads the child's CPU time from ``getrusage(RUSAGE_CHILDREN)`` (user +
system of the whole process: interpreter start, imports, recording), so a busy machine changes wall time but hardly
the figures. Kinds:

- ``stack <name>``: the project's program (``__main__.py``) for ``stacks/Pulumi.<name>.yaml``;
- ``floor <n>``: ``n`` plain ``aws.s3.BucketV2`` resources on one explicit provider (the SDK's floor);
- ``empty``: the floor program with no bucket (the fixed cost: interpreter, imports, one provider);
- ``imports <m1,m2,...>``: the empty program after importing the provider SDK modules listed (the service modules
  of ``pulumi_aws``, ``pulumi_eks``, ...; a ``stack`` child reports the ones its program loaded as ``sdk_modules``):
  the part of a stack's fixed cost that is the provider SDKs' import, not the program;
- ``scale <n>``: the dev stack with a lake config generated to reach about ``n`` custom resources
  (``bench/scale_config.py``).
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DUMP_ENV = "HB_BENCH_DUMP"


@dataclass(frozen=True)
class Sample:
    kind: str
    arg: str
    cpu_s: float
    """User + system CPU of the whole child process."""
    record_cpu_s: float
    """CPU of the ``record()`` call alone (the child's ``time.process_time``)."""
    resources: int
    """Custom resources recorded (providers and components excluded)."""
    peak_mib: float
    """Peak resident set size of the child (``ru_maxrss``)."""
    policy: str
    sdk_modules: tuple[str, ...] = ()
    """Provider SDK modules (``pulumi_*`` except ``pulumi`` itself) loaded when the child finished."""


SDK_PREFIXES = ("pulumi_aws.", "pulumi_eks", "pulumi_kubernetes")


def sdk_modules() -> list[str]:
    """The provider SDK modules this process has really loaded (``pulumi_aws`` loads service modules lazily: a
    module object stays a stub until first used)."""
    return sorted(
        name
        for name, mod in list(sys.modules.items())
        if name.startswith(SDK_PREFIXES) and type(mod) is types.ModuleType and hasattr(mod, "__path__")
    )


def import_sdk_modules(names: list[str]) -> None:
    """Import and load each module (touching an attribute makes a lazy module execute)."""
    for name in names:
        getattr(importlib.import_module(name), "__hb_load__", None)


def run(
    kind: str,
    arg: str = "",
    *,
    gc_policy: str | None = None,
    python: str = sys.executable,
    dump: Path | None = None,
) -> Sample:
    """One fresh process; ``gc_policy`` sets ``HB_GC_POLICY`` for it (None: the project's default); ``dump``: the
    child also writes the recorded resources there as JSON (after measuring; for a run whose figures are unused)."""
    env = dict(os.environ)
    if gc_policy is not None:
        env["HB_GC_POLICY"] = gc_policy
    env.pop(DUMP_ENV, None)
    if dump is not None:
        env[DUMP_ENV] = str(dump)
    env.setdefault("PYTHONHASHSEED", "0")
    # As on a developer's machine: the project's modules are compiled once and then loaded from __pycache__ (with
    # PYTHONDONTWRITEBYTECODE every process would recompile them, ~0.2 s that is not the program's cost).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [python, str(Path(__file__).resolve()), kind, *([arg] if arg else [])],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} {arg} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(
        kind,
        arg,
        cpu,
        data["record_cpu_s"],
        data["resources"],
        data["peak_kib"] / 1024,
        data["policy"],
        tuple(data.get("sdk_modules", ())),
    )


def warm_up(python: str = sys.executable) -> None:
    """One unmeasured run that writes the project's bytecode caches."""
    run("stack", "dev", python=python)


def floor_program(n: int) -> Any:
    """``n`` plain buckets on one explicit provider: what the SDK costs per resource with nothing around it."""

    def program() -> None:
        import pulumi
        import pulumi_aws as aws

        provider = aws.Provider("floor", region="us-east-1")
        opts = pulumi.ResourceOptions(provider=provider)
        for i in range(n):
            aws.s3.BucketV2(f"bucket-{i}", opts=opts)

    return program


def _child(argv: list[str]) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from scripts.offline import gc_policy

    chosen = gc_policy.apply()
    import warnings

    from scripts.offline import recorder

    gc_policy.freeze_imports()
    warnings.simplefilter("ignore")  # BucketV2 is deprecated in pulumi-aws 7: the warning is not what we measure
    kind = argv[0]
    start = time.process_time()
    if kind == "stack":
        plan = recorder.record(stack=argv[1])
    elif kind == "floor":
        plan = recorder.record(floor_program(int(argv[1])), stack="floor", config={})
    elif kind == "empty":
        plan = recorder.record(floor_program(0), stack="floor", config={})
    elif kind == "imports":
        import_sdk_modules([m for m in argv[1].split(",") if m] if len(argv) > 1 else [])
        plan = recorder.record(floor_program(0), stack="floor", config={})
    elif kind == "scale":
        sys.path.insert(0, str(ROOT / "bench"))
        from scale_config import scale_config

        plan = recorder.record(stack="dev", config=scale_config(int(argv[1])))
    else:
        print(f"unknown kind {kind!r}", file=sys.stderr)
        return 2
    record_cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if os.environ.get(DUMP_ENV):
        Path(os.environ[DUMP_ENV]).write_text(json.dumps([r.to_dict() for r in plan.resources]))
    print(
        json.dumps(
            {
                "record_cpu_s": record_cpu,
                "resources": len(plan.custom_resources),
                "peak_kib": peak,
                "policy": chosen,
                "sdk_modules": sdk_modules(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
