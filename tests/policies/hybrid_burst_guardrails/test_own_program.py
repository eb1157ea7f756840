"""Records our own program (``__main__.py``) for the dev stack with the offline recorder and runs the pack on it."""

from __future__ import annotations

import pytest

from scripts.offline.analyzer import PackSession
from scripts.offline.layout import policy_config
from tests import plan_cache
from tests.policies.guardrail_harness import REPO


@pytest.mark.slow
def test_pack_analyzes_every_resource_of_the_recorded_dev_stack(preview_pack: PackSession) -> None:
    if not (REPO / "__main__.py").exists():
        pytest.skip("the program's __main__.py does not exist yet")
    plan = plan_cache.recorded("dev")
    assert plan.resources, "the dev stack registered no resources"
    result = preview_pack.evaluate(plan.resources, config_file=policy_config("dev"))

    assert result.resources == len(plan.resources)
    assert result.unknown_config_keys == ()
    assert result.mandatory_violations() == [], "dev is advisory: nothing may block"
    urns = {r.urn for r in plan.resources}
    assert all(v.urn in urns for v in result.violations), "every finding points at a recorded resource"
    # Under mocks every value is known, so no rule may fall back to a preview note.
    assert result.preview_notes() == []
