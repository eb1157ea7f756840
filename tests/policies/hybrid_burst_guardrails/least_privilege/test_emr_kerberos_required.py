"""emr-kerberos-required: security configurations authenticate with a cluster-dedicated or external KDC."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.emr_kerberos_required import RULE
from pulumi_policy import EnforcementLevel

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

SC = "aws:emr/securityConfiguration:SecurityConfiguration"
ENCRYPTION = {"EncryptionConfiguration": {"EnableAtRestEncryption": True, "EnableInTransitEncryption": True}}
DEDICATED = {
    "Provider": "ClusterDedicatedKdc",
    "ClusterDedicatedKdcConfiguration": {
        "TicketLifetimeInHours": 24,
        "CrossRealmTrustConfiguration": {
            "Realm": "CORP.EXAMPLE.COM",
            "Domain": "corp.example.com",
            "AdminServer": "kdc.corp.example.com",
            "KdcServer": "kdc.corp.example.com",
        },
    },
}
EXTERNAL = {
    "Provider": "ExternalKdc",
    "ExternalKdcConfiguration": {"KdcServerType": "Single_KDC", "AdminServer": "kdc:749", "KdcServer": "kdc:88"},
}


def sc(kerberos: Any = None, raw: Any = None) -> dict[str, Any]:
    if raw is not None:
        return {"configuration": raw}
    document: dict[str, Any] = dict(ENCRYPTION)
    if kerberos is not None:
        document["AuthenticationConfiguration"] = {"KerberosConfiguration": kerberos}
    return {"name": "burst-sec", "configuration": json.dumps(document)}


CASES = [
    pytest.param(sc(DEDICATED), None, Expect.PASS, "", id="compliant-cluster-dedicated-kdc"),
    pytest.param(sc(EXTERNAL), None, Expect.PASS, "", id="compliant-external-kdc"),
    pytest.param(sc(), None, Expect.FAIL, "no AuthenticationConfiguration.KerberosConfiguration", id="non-compliant"),
    pytest.param(
        sc({"Provider": "ClusterDedicatedKdc"}),
        None,
        Expect.FAIL,
        "ClusterDedicatedKdcConfiguration is missing",
        id="non-compliant-provider-without-settings",
    ),
    pytest.param(sc({"Provider": "Ldap"}), None, Expect.FAIL, "'Ldap'", id="non-compliant-unknown-provider"),
    pytest.param({"name": "x"}, None, Expect.FAIL, "no AuthenticationConfiguration", id="missing-property"),
    pytest.param(sc(raw="{oops"), None, Expect.FAIL, "not valid JSON", id="invalid-json"),
    pytest.param(sc(raw=UNKNOWN), None, Expect.UNKNOWN, "configuration", id="unknown-configuration"),
    pytest.param(
        sc({"Provider": UNKNOWN, "ClusterDedicatedKdcConfiguration": {}}),
        None,
        Expect.UNKNOWN,
        "Provider",
        id="unknown-provider",
    ),
    pytest.param(
        sc(DEDICATED),
        {"allowedProviders": ["ExternalKdc"]},
        Expect.FAIL,
        "'ClusterDedicatedKdc'",
        id="config-override-external-only",
    ),
]


@pytest.mark.parametrize(("props", "config", "expected", "fragment"), CASES)
def test_check(props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(SC, props, config), expected, fragment)


def test_advisory_by_default_until_a_stack_makes_it_mandatory() -> None:
    assert RULE.to_policy().enforcement_level == EnforcementLevel.ADVISORY
    assert len(run_resource_policy(RULE, SC, sc()).reports) == 1


@pytest.mark.parametrize(("stack", "expected"), [("prod", Expect.PASS), ("example-external", Expect.PASS),
                                                 ("dev", Expect.FAIL)])
def test_the_shipped_stacks_security_configurations(stack: str, expected: Expect) -> None:
    """Issue 13: prod (proxy, Kerberos on) and the external example pass on every security configuration; dev
    (Kerberos optional, off) fails, which is why dev's policy config disables the rule."""
    from tests import plan_cache

    configurations = plan_cache.recorded(stack).of_type(SC)
    assert configurations
    for resource in configurations:
        assert_outcome(RULE.evaluate(SC, resource.inputs, None), expected, "" if expected is Expect.PASS else
                       "no AuthenticationConfiguration")
