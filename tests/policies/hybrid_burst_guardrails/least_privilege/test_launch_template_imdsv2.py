"""launch-template-imdsv2: httpTokens required; hop limit configurable."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.launch_template_imdsv2 import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

LT = "aws:ec2/launchTemplate:LaunchTemplate"


def lt(**options: Any) -> dict[str, Any]:
    return {"metadataOptions": options}


CASES = [
    pytest.param(
        lt(httpTokens="required", httpEndpoint="enabled", httpPutResponseHopLimit=2),
        None,
        Expect.PASS,
        "",
        id="compliant",
    ),
    pytest.param(lt(httpEndpoint="disabled"), None, Expect.PASS, "", id="imds-disabled"),
    pytest.param(lt(httpTokens="optional"), None, Expect.FAIL, "'optional'", id="non-compliant-optional"),
    pytest.param({"imageId": "ami-123"}, None, Expect.FAIL, "unset (defaults to optional)", id="missing-property"),
    pytest.param(lt(httpTokens=UNKNOWN), None, Expect.UNKNOWN, "httpTokens", id="unknown-tokens"),
    pytest.param({"metadataOptions": UNKNOWN}, None, Expect.UNKNOWN, "metadataOptions", id="unknown-block"),
    pytest.param(
        lt(httpTokens="required", httpPutResponseHopLimit=3), None, Expect.FAIL, "is 3", id="hop-limit-above-default"
    ),
    pytest.param(
        lt(httpTokens="required", httpPutResponseHopLimit=3),
        {"maxHttpPutResponseHopLimit": 3},
        Expect.PASS,
        "",
        id="config-override-hop-limit",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(LT, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, LT, lt(httpTokens="optional")).reports) == 1
    assert run_resource_policy(RULE, LT, lt(httpTokens=UNKNOWN)).unknown is not None
