"""Stack files: every stack is planned; example stacks (``example-*``) are never deployed (issue 13)."""

from __future__ import annotations

import pytest

from scripts.offline import layout
from scripts.ops import deploy_plan


def test_examples_are_stacks_but_not_deployed_stacks() -> None:
    assert "example-external" in layout.stacks()
    assert layout.is_example("example-external")
    assert not layout.is_example("prod")
    assert layout.deployed_stacks() == [s for s in layout.stacks() if not s.startswith("example-")]
    assert set(layout.deployed_stacks()) >= {"dev", "staging", "prod"}
    for stack in layout.stacks():
        assert layout.policy_config(stack).exists(), f"{stack} has its policy config"


def test_deploy_lists_and_accepts_deployed_stacks_only() -> None:
    assert deploy_plan.known_stacks() == layout.deployed_stacks()
    with pytest.raises(deploy_plan.PlanError, match="is an example"):
        deploy_plan.stack_environment("example-external")
    assert deploy_plan.stack_environment("dev") == "dev"
