"""emr-cluster-security-configuration: clusters joined to security configurations defined in the stack."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.encryption.emr_cluster_security_configuration import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_stack_policy

CLUSTER = "aws:emr/cluster:Cluster"
SECCONF = "aws:emr/securityConfiguration:SecurityConfiguration"
KEY = "arn:aws:kms:us-east-1:123456789012:key/abcd"

GOOD: dict[str, Any] = {
    "EncryptionConfiguration": {
        "EnableAtRestEncryption": True,
        "EnableInTransitEncryption": True,
        "AtRestEncryptionConfiguration": {
            "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": KEY},
            "LocalDiskEncryptionConfiguration": {
                "EncryptionKeyProviderType": "AwsKms",
                "AwsKmsKey": KEY,
                "EnableEbsEncryption": True,
            },
        },
        "InTransitEncryptionConfiguration": {
            "TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://certs/bundle.zip"}
        },
    }
}


def secconf(document: Any = GOOD, name: str = "burst-secconf") -> StackResource:
    raw = document if isinstance(document, str) else json.dumps(document)
    return StackResource.of(SECCONF, name, {"name": name, "configuration": raw})


def variant(path: list[str], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is None:
        node.pop(path[-1])
    else:
        node[path[-1]] = value
    return doc


def cluster(name_ref: Any = "burst-secconf", deps: list[str] | None = None) -> StackResource:
    props = {"securityConfiguration": name_ref} if name_ref is not None else {}
    return StackResource.of(CLUSTER, "burst", props, property_dependencies={"securityConfiguration": deps or []})


S = secconf()
AT_REST = ["EncryptionConfiguration", "AtRestEncryptionConfiguration"]

CASES = [
    pytest.param([cluster(), S], None, Expect.PASS, "", id="compliant-by-name"),
    pytest.param([cluster(UNKNOWN, [S.urn]), S], None, Expect.PASS, "", id="compliant-by-property-dependency"),
    pytest.param([cluster(None), S], None, Expect.FAIL, "names no security configuration", id="missing-property"),
    pytest.param([cluster("elsewhere"), S], None, Expect.FAIL, "not defined in this stack", id="not-in-stack"),
    pytest.param(
        [cluster(), secconf(variant(["EncryptionConfiguration", "EnableInTransitEncryption"], False))],
        None,
        Expect.FAIL,
        "EnableInTransitEncryption",
        id="non-compliant-no-transit",
    ),
    pytest.param(
        [cluster(), secconf(variant([*AT_REST, "LocalDiskEncryptionConfiguration", "EnableEbsEncryption"], None))],
        None,
        Expect.FAIL,
        "EBS unencrypted",
        id="non-compliant-no-ebs",
    ),
    pytest.param(
        [cluster(), secconf(variant([*AT_REST, "S3EncryptionConfiguration", "EncryptionMode"], "SSE-S3"))],
        None,
        Expect.FAIL,
        "'SSE-S3'",
        id="non-compliant-sse-s3",
    ),
    pytest.param(
        [cluster(), secconf(variant(["EncryptionConfiguration", "InTransitEncryptionConfiguration"], None))],
        None,
        Expect.FAIL,
        "certificate provider",
        id="non-compliant-no-certificate-provider",
    ),
    pytest.param([cluster(), secconf("{oops")], None, Expect.FAIL, "not valid JSON", id="invalid-json"),
    pytest.param(
        [cluster(), secconf(UNKNOWN)], None, Expect.UNKNOWN, "burst-secconf.configuration", id="unknown-configuration"
    ),
    pytest.param(
        [cluster(UNKNOWN), S], None, Expect.UNKNOWN, "burst.securityConfiguration", id="unknown-name-without-dependency"
    ),
    pytest.param(
        [cluster(), secconf(variant([*AT_REST, "S3EncryptionConfiguration", "EncryptionMode"], "SSE-S3"))],
        {"allowedS3EncryptionModes": ["SSE-S3", "SSE-KMS"]},
        Expect.PASS,
        "",
        id="config-override-allow-sse-s3",
    ),
]


@pytest.mark.parametrize(("resources", "config", "expected", "fragment"), CASES)
def test_check(resources: list[StackResource], config: dict[str, Any] | None, expected: Expect, fragment: str) -> None:
    assert_outcome(RULE.evaluate(resources, config), expected, fragment)


def test_two_clusters_sharing_one_weak_configuration_are_both_reported() -> None:
    weak = secconf(variant(["EncryptionConfiguration", "EnableAtRestEncryption"], False), name="weak")
    a = StackResource.of(CLUSTER, "onprem", {"securityConfiguration": "weak"})
    b = StackResource.of(CLUSTER, "burst", {"securityConfiguration": "weak"})
    assert sorted(v.urn for v in RULE.evaluate([a, b, weak]).violations) == sorted([a.urn, b.urn])


def test_stack_policy_callback() -> None:
    run = run_stack_policy(RULE, [cluster("elsewhere"), S])
    assert len(run.reports) == 1
    assert run.reports[0][1] == cluster().urn
