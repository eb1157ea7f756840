"""Pack-level tests: the pack started as the CLI starts it, driven over the Analyzer gRPC protocol.

The ``preview_pack``/``update_pack`` fixtures (conftest) start ``python -u -m pulumi.policy <engine> .`` once per
session; each ``evaluate`` call re-runs ConfigureStack, GetAnalyzerInfo, Configure, Analyze per record and one
AnalyzeStack, exactly as the engine orders them.
"""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from hybrid_burst_guardrails.registry import build_registry
from pulumi.runtime.proto import analyzer_pb2

from scripts.offline.analyzer import PackSession, PolicyConfigError
from scripts.offline.layout import policy_config
from tests.policies.guardrail_harness import STACKS, UNKNOWN, record

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/abcd"
PUBLIC_SG = record(
    "aws:ec2/securityGroup:SecurityGroup",
    "hdfs",
    {"ingress": [{"protocol": "tcp", "fromPort": 8020, "toPort": 8020, "cidrBlocks": ["0.0.0.0/0"]}]},
    stack="staging",
)
PENDING_SG = record(
    "aws:ec2/securityGroup:SecurityGroup",
    "hdfs",
    {"ingress": [{"protocol": "tcp", "fromPort": 8020, "toPort": 8020, "cidrBlocks": [UNKNOWN]}]},
    stack="staging",
)


def test_get_analyzer_info_describes_every_rule(preview_pack: PackSession) -> None:
    info, policies = preview_pack.analyzer_info()
    registry = build_registry()
    assert info.name == "hybrid-burst-guardrails"
    assert info.supportsConfig
    assert [p.name for p in policies] == registry.ids
    for rule, policy in zip(registry, policies, strict=True):
        assert policy.policy_type == ("stack" if rule.__class__.__name__ == "StackRule" else "resource")
        assert policy.severity == rule.severity.value
        assert policy.remediation == rule.remediation
        assert policy.tags == (rule.family.value,)
        # The pack's secure default, unless the rule sets its own (emr-kerberos-required: advisory until opted in).
        expected = rule.default_enforcement.value if rule.default_enforcement is not None else "mandatory"
        assert policy.enforcement_level == expected
        assert set(policy.config_schema.get("properties", {})) == set(rule.config_schema)


def test_python_packs_answer_handshake_with_unimplemented(preview_pack: PackSession) -> None:
    assert preview_pack.handshake == "unimplemented"
    with pytest.raises(grpc.RpcError) as err:
        preview_pack.stub.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(engine_address="127.0.0.1:1"))
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_plugin_info_is_served(preview_pack: PackSession) -> None:
    assert preview_pack.stub.GetPluginInfo(empty_pb2.Empty()).version


@pytest.mark.parametrize(
    ("config_file", "level"),
    [
        ("policy-config.dev.json", "advisory"),
        ("policy-config.staging.json", "mandatory"),
        ("policy-config.prod.json", "mandatory"),
    ],
)
def test_configure_applies_the_stack_files_enforcement_level(
    preview_pack: PackSession, config_file: str, level: str
) -> None:
    result = preview_pack.evaluate([PUBLIC_SG], config_file=STACKS / config_file)
    assert [(v.policy_name, v.enforcement_level) for v in result.violations] == [("sg-no-public-ingress", level)]
    assert result.violations[0].urn == PUBLIC_SG["urn"]
    assert "8020 (HDFS NameNode RPC)" in result.violations[0].message
    assert result.unknown_config_keys == ()


def test_thresholds_come_from_the_stack_file(preview_pack: PackSession) -> None:
    twelve = [f"{family}.{size}" for family in ("m5", "m6i", "r5", "c5") for size in ("xlarge", "2xlarge", "4xlarge")]
    fleet = record(
        "aws:emr/instanceFleet:InstanceFleet",
        "task",
        {
            "targetSpotCapacity": 40,
            "instanceTypeConfigs": [{"instanceType": t} for t in twelve],
            "launchSpecifications": {
                "spotSpecifications": [
                    {
                        "allocationStrategy": "price-capacity-optimized",
                        "timeoutAction": "SWITCH_TO_ON_DEMAND",
                        "timeoutDurationMinutes": 15,
                    }
                ]
            },
        },
    )
    outcome = {}
    for env in ("dev", "staging", "prod"):
        result = preview_pack.evaluate([fleet], config_file=policy_config(env))
        outcome[env] = sorted(v.policy_name for v in result.violations)
    assert outcome == {"dev": [], "staging": [], "prod": ["emr-fleet-spot-diversification"]}


def test_unknown_value_in_preview_is_an_advisory_note_not_a_violation(preview_pack: PackSession) -> None:
    result = preview_pack.evaluate([PENDING_SG], config_file=policy_config("prod"))
    assert result.mandatory_violations() == []
    notes = result.preview_notes()
    assert [(n.policy_name, n.enforcement_level, n.urn) for n in notes] == [
        ("sg-no-public-ingress", "advisory", PENDING_SG["urn"])
    ]
    assert "ingress[0].cidrBlocks[0]" in notes[0].message


def test_the_known_value_is_checked_during_update(update_pack: PackSession) -> None:
    result = update_pack.evaluate([PUBLIC_SG], config_file=policy_config("prod"))
    assert [v.policy_name for v in result.mandatory_violations()] == ["sg-no-public-ingress"]
    assert result.preview_notes() == []
    assert result.dry_run is False


def test_analyze_stack_joins_through_property_dependencies(preview_pack: PackSession) -> None:
    """In preview the SSE config's ``bucket`` output is unknown; only propertyDependencies link it to the bucket."""
    bucket = record("aws:s3/bucket:Bucket", "raw", {}, outputs={"id": UNKNOWN, "bucket": UNKNOWN}, stack="staging")
    sse = record(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "raw-sse",
        {"bucket": UNKNOWN, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
        property_dependencies={"bucket": [bucket["urn"]]},
        stack="staging",
    )
    result = preview_pack.evaluate([bucket, sse], config={"all": "mandatory"})
    sse_kms = [v for v in result.violations if v.policy_name == "s3-bucket-sse-kms"]
    assert [(v.urn, v.phase) for v in sse_kms] == [(bucket["urn"], "analyze-stack")]
    assert "via 'raw-sse'" in sse_kms[0].message


def test_analyze_stack_reads_outputs_and_analyze_reads_inputs(preview_pack: PackSession) -> None:
    """A stack rule judges outputs (the final state); a resource rule judges inputs."""
    bucket = record("aws:s3/bucket:Bucket", "raw", {}, stack="staging")
    sse = record(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "raw-sse",
        {"bucket": bucket["id"], "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]},
        outputs={"bucket": bucket["id"], "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
        stack="staging",
    )
    key = record(
        "aws:kms/key:Key", "k", {"enableKeyRotation": False}, outputs={"enableKeyRotation": True}, stack="staging"
    )
    result = preview_pack.evaluate([bucket, sse, key], config={"all": "mandatory"})
    by_policy = {v.policy_name: v.phase for v in result.violations}
    assert by_policy["s3-bucket-sse-kms"] == "analyze-stack"
    assert by_policy["kms-key-rotation"] == "analyze"


def test_secrets_are_unwrapped_by_the_sdk(preview_pack: PackSession) -> None:
    policy = record(
        "aws:iam/rolePolicy:RolePolicy",
        "etl",
        {
            "role": "etl",
            "policy": json.dumps(
                {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::lake/*"}]}
            ),
        },
        secret_paths=["policy"],
        stack="staging",
    )
    result = preview_pack.evaluate([policy], config={"all": "mandatory"})
    assert [v.policy_name for v in result.violations] == ["iam-no-wildcard-actions"]


def test_remediate_runs_before_analyze_without_rewriting(preview_pack: PackSession) -> None:
    result = preview_pack.evaluate([PUBLIC_SG], config={"all": "mandatory"}, remediate=True)
    assert result.remediations == 0
    assert [v.policy_name for v in result.violations] == ["sg-no-public-ingress"]


def test_disabled_rule_does_not_run(preview_pack: PackSession) -> None:
    config = {"all": "mandatory", "sg-no-public-ingress": {"enforcementLevel": "disabled"}}
    assert preview_pack.evaluate([PUBLIC_SG], config=config).violations == ()


def test_invalid_threshold_is_refused_before_analysis(preview_pack: PackSession, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"all": "mandatory", "emr-cluster-multiple-subnets": {"minSubnets": "three"}}))
    with pytest.raises(PolicyConfigError, match="emr-cluster-multiple-subnets"):
        preview_pack.evaluate([PUBLIC_SG], config_file=bad)
