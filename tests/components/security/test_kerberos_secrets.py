"""KerberosSecrets: KMS-encrypted secrets, generated passwords kept once, grants on exact ARNs (parliament clean)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
from parliament import analyze_policy_string

from components.security import grants
from components.security.kerberos_secrets import KerberosSecrets, KerberosSecretsArgs
from scripts.offline.recorder import Plan
from tests.conftest import in_region

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
T_SECRET = "aws:secretsmanager/secret:Secret"
T_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


def _record(run_program: Callable[..., Plan], **kw: object) -> Plan:
    def program() -> None:
        secrets = KerberosSecrets(
            "kerberos",
            KerberosSecretsArgs(keytab_secret_name="hb/test/keytab", kms_key_arn=KEY, **kw),  # type: ignore[arg-type]
            opts=in_region(),
        )
        pulumi.export("policy", grants.policy_document([secrets.grant_keytab_read(), secrets.grant_keytab_write()]))
        pulumi.export("passwords", secrets.kdc_admin_passwords)

    return run_program(program)


def test_keytab_secret_only_by_default(run_program: Callable[..., Plan]) -> None:
    plan = _record(run_program)
    (keytab,) = plan.of_type(T_SECRET)
    assert keytab.inputs["name"] == "hb/test/keytab"
    assert keytab.inputs["kmsKeyId"] == KEY
    assert keytab.inputs["recoveryWindowInDays"] == 30
    assert plan.of_type(T_VERSION) == [], "the keytab's value is never in the program"


def test_generated_passwords_per_kdc_and_for_the_trust(run_program: Callable[..., Plan]) -> None:
    plan = _record(run_program, kdc_admin_clusters=["onprem", "burst"], cross_realm_trust=True)
    names = sorted(s.name for s in plan.of_type(T_SECRET))
    assert names == ["kerberos-burst-kdc-admin", "kerberos-cross-realm", "kerberos-keytab", "kerberos-onprem-kdc-admin"]
    assert all(s.inputs["kmsKeyId"] == KEY for s in plan.of_type(T_SECRET))
    versions = plan.of_type(T_VERSION)
    assert len(versions) == 3
    values = set()
    for version in versions:
        assert version.options["ignoreChanges"] == ["secretString"], "generated once, kept"
        assert "secretString" in version.secret_paths
        value = version.inputs["secretString"]
        assert len(value) == 32
        assert value.isalnum()
        values.add(value)
    assert len(values) == 3, "each password is its own"


def test_grants_name_the_keytab_secret_only_and_are_parliament_clean(run_program: Callable[..., Plan]) -> None:
    plan = _record(run_program)
    policy = json.loads(plan.outputs["policy"])
    arn = plan.of_type(T_SECRET)[0].outputs["arn"]
    assert {s["Resource"] for s in policy["Statement"]} == {arn}
    assert sorted(a for s in policy["Statement"] for a in s["Action"]) == [
        "secretsmanager:DescribeSecret", "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
    ]
    assert analyze_policy_string(json.dumps(policy)).findings == []
