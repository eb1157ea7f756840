"""launch-template-ebs-encrypted: every mapped EBS volume encrypted, ``encrypted`` read as the provider reads it."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.encryption.launch_template_ebs_encrypted import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

LT = "aws:ec2/launchTemplate:LaunchTemplate"
KEY = "arn:aws:kms:us-east-1:123456789012:key/abcd"


def lt(*ebs: Any) -> dict[str, Any]:
    return {"blockDeviceMappings": [{"deviceName": f"/dev/xvd{chr(97 + i)}", "ebs": e} for i, e in enumerate(ebs)]}


CASES = [
    pytest.param(lt({"encrypted": "true", "kmsKeyId": KEY}), None, Expect.PASS, "", id="compliant"),
    pytest.param(lt({"encrypted": True}), None, Expect.PASS, "", id="compliant-real-boolean"),
    pytest.param(lt({"encrypted": "1"}), None, Expect.PASS, "", id="compliant-string-one"),
    pytest.param({"imageId": "ami-1"}, None, Expect.PASS, "", id="compliant-no-mappings"),
    pytest.param(
        {"blockDeviceMappings": [{"deviceName": "/dev/sdb", "noDevice": ""}]},
        None,
        Expect.PASS,
        "",
        id="compliant-mapping-without-ebs",
    ),
    pytest.param(lt({"encrypted": "false"}), None, Expect.FAIL, "reads as false", id="non-compliant-string-false"),
    pytest.param(lt({"encrypted": "False"}), None, Expect.FAIL, "not encrypted", id="non-compliant-string-False"),
    pytest.param(lt({"encrypted": "0"}), None, Expect.FAIL, "not encrypted", id="non-compliant-string-zero"),
    pytest.param(lt({"encrypted": False}), None, Expect.FAIL, "not encrypted", id="non-compliant-boolean-false"),
    pytest.param(lt({"encrypted": "yes"}), None, Expect.FAIL, "cannot read as a boolean", id="invalid-string"),
    pytest.param(lt({"encrypted": "true"}, {"volumeSize": 100}), None, Expect.FAIL, "/dev/xvdb", id="missing-property"),
    pytest.param(lt({"encrypted": UNKNOWN}), None, Expect.UNKNOWN, "ebs.encrypted", id="unknown-encrypted"),
    pytest.param({"blockDeviceMappings": UNKNOWN}, None, Expect.UNKNOWN, "blockDeviceMappings", id="unknown-list"),
    pytest.param(lt({"volumeSize": 100}), {"acceptUnset": True}, Expect.PASS, "", id="config-override-accept-unset"),
    pytest.param(
        lt({"encrypted": "true"}),
        {"requireCustomerManagedKey": True},
        Expect.FAIL,
        "kmsKeyId",
        id="config-override-require-cmk",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(LT, props, config), expected, fragment)


def test_resource_policy_callback() -> None:
    assert len(run_resource_policy(RULE, LT, lt({"encrypted": "false"})).reports) == 1
    assert run_resource_policy(RULE, LT, lt({"encrypted": UNKNOWN})).unknown is not None
