"""Where the project's stack and policy files live: the one place that knows their names.

- ``stacks/Pulumi.<stack>.yaml``: a stack's config (``Pulumi.yaml`` sets ``stackConfigDir: stacks``). A stack named
  ``example-<scenario>`` is an example (terraform-aws-modules' ``examples/``): planned offline like any other
  (``scripts/plan.py --all``), never previewed against real state or deployed (the workflows' matrices and
  ``scripts/ops/deploy`` take ``deployed_stacks``).
- ``stacks/policy-config.<stack>.json``: the policy-pack config passed with ``--policy-pack-config`` for that stack.
- ``policies/<pack>/PulumiPolicy.yaml``: one directory per policy pack.

Every function takes the directory it looks in (default: this repository), so a copy of the tree (another git
revision, a test's temporary directory) answers the same questions.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "hybrid-burst"
STACKS_DIR = ROOT / "stacks"
POLICIES_DIR = ROOT / "policies"

_PREFIX, _SUFFIX = "Pulumi.", ".yaml"


def stack_file(stack: str, stacks_dir: Path = STACKS_DIR) -> Path:
    """``<stacks_dir>/Pulumi.<stack>.yaml``."""
    return stacks_dir / f"{_PREFIX}{stack}{_SUFFIX}"


def stacks(stacks_dir: Path = STACKS_DIR) -> list[str]:
    """The stacks that have a stack file in ``stacks_dir``, sorted."""
    return sorted(p.name.removeprefix(_PREFIX).removesuffix(_SUFFIX) for p in stacks_dir.glob(f"{_PREFIX}*{_SUFFIX}"))


EXAMPLE_PREFIX = "example-"


def is_example(stack: str) -> bool:
    """An example stack: planned offline, never deployed."""
    return stack.startswith(EXAMPLE_PREFIX)


def deployed_stacks(stacks_dir: Path = STACKS_DIR) -> list[str]:
    """The stacks CI previews and the deploy workflow offers: every stack file but the examples, sorted."""
    return [s for s in stacks(stacks_dir) if not is_example(s)]


def policy_config(stack: str, stacks_dir: Path = STACKS_DIR) -> Path:
    """``<stacks_dir>/policy-config.<stack>.json``."""
    return stacks_dir / f"policy-config.{stack}.json"


def policy_packs(policies_dir: Path = POLICIES_DIR) -> list[Path]:
    """Every policy pack directory (one holding a ``PulumiPolicy.yaml``) under ``policies_dir``, sorted."""
    return sorted(p.parent for p in policies_dir.glob("*/PulumiPolicy.yaml"))
