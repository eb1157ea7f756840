"""Grant helpers: scoped to exact ARNs, refuse wildcards, and produce documents the IAM linter accepts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.security import grants
from scripts.offline.recorder import Plan

BUCKET = "arn:aws:s3:::hb-dev-curated"
KEY = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/hybrid-burst/dev/emr/steps"


def _render(run_program: Callable[..., Plan], statements: list[Any]) -> dict[str, Any]:
    """Render a document through a real resource input, as components do."""

    def program() -> None:
        import pulumi_aws as aws

        aws.iam.Policy("probe", policy=grants.policy_document(statements), opts=pulumi.ResourceOptions())

    plan = run_program(program)
    doc: dict[str, Any] = json.loads(plan.one("aws:iam/policy:Policy").inputs["policy"])
    return doc


def test_prefix_scoped_read_and_write_are_lint_clean_and_scoped(run_program: Callable[..., Plan]) -> None:
    doc = _render(
        run_program,
        [grants.s3_read(BUCKET, "tpcds/"), grants.s3_write(BUCKET, "out", delete=True), grants.kms_use([KEY])],
    )
    assert analyze_policy_string(json.dumps(doc)).findings == []
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert by_sid["S3ReadObjects"]["Resource"] == f"{BUCKET}/tpcds/*"
    assert by_sid["S3ReadList"]["Condition"] == {"StringLike": {"s3:prefix": ["tpcds/*"]}}
    assert by_sid["S3ReadList"]["Action"] == ["s3:ListBucket"]
    assert "Condition" not in by_sid["S3ReadBucket"]
    assert "s3:DeleteObject" in by_sid["S3WriteObjects"]["Action"]
    assert by_sid["S3WriteObjects"]["Resource"] == f"{BUCKET}/out/*"
    for stmt in doc["Statement"]:
        assert stmt["Resource"] != "*"
        assert all(not a.endswith("*") for a in stmt["Action"])
    assert len(by_sid) == len(doc["Statement"]), "Sids are unique"


def test_logs_write_scopes_to_streams_of_the_given_groups(run_program: Callable[..., Plan]) -> None:
    doc = _render(run_program, [grants.logs_write([GROUP])])
    (stmt,) = doc["Statement"]
    assert sorted(stmt["Resource"]) == [GROUP, f"{GROUP}:log-stream:*"]
    assert analyze_policy_string(json.dumps(doc)).findings == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: grants.statement("x", ["s3:*"], [BUCKET]), "wildcard action"),
        (lambda: grants.statement("x", ["*"], [BUCKET]), "wildcard action"),
        (lambda: grants.statement("x", [], [BUCKET]), "at least one action"),
        (lambda: grants.unscoped_read_only("x", ["s3:PutObject"]), "not a read-only action"),
        (lambda: grants.unscoped_read_only("x", ["ec2:Describe*"]), "not a read-only action"),
        (lambda: grants.policy_document([]), "at least one statement"),
    ],
)
def test_helpers_refuse_wildcards_and_empty_input(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_a_wildcard_resource_is_refused_when_the_document_renders(run_program: Callable[..., Plan]) -> None:
    with pytest.raises(Exception, match="refusing a wildcard resource"):
        _render(run_program, [grants.statement("x", ["s3:GetObject"], ["*"])])


def test_service_trust_carries_confused_deputy_conditions() -> None:
    doc = json.loads(
        grants.service_assume_role_policy(
            ["vpc-flow-logs.amazonaws.com"], source_account="123456789012", source_arn_like="arn:aws:ec2:*:*:*"
        )
    )
    (stmt,) = doc["Statement"]
    assert stmt["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert stmt["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:ec2:*:*:*"}


def test_parse_s3_uri() -> None:
    assert grants.parse_s3_uri("s3://bucket/a/b.tar.gz") == ("bucket", "a/b.tar.gz")
    with pytest.raises(ValueError, match="s3://"):
        grants.parse_s3_uri("https://bucket/a")


def test_s3_object_read_names_exactly_one_object(run_program: Callable[..., Plan]) -> None:
    doc = _render(run_program, [grants.s3_object_read(*grants.parse_s3_uri("s3://b/x/alluxio.tgz"), sid="tarball")])
    assert doc["Statement"] == [
        {"Sid": "Tarball", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/x/alluxio.tgz"}
    ]


def test_unscoped_write_actions_are_pinned(run_program: Callable[..., Plan]) -> None:
    doc = _render(run_program, [grants.put_metric_data("HybridBurst/Spark"), grants.create_log_delivery()])
    metric, delivery = doc["Statement"]
    assert metric["Condition"] == {"StringEquals": {"cloudwatch:namespace": "HybridBurst/Spark"}}
    assert (delivery["Action"], delivery["Resource"]) == (["logs:CreateLogDelivery"], "*")
    for bad in ("", "AWS/EC2", "HybridBurst/*"):
        with pytest.raises(ValueError, match="namespace"):
            grants.put_metric_data(bad)


def test_session_manager_is_lint_clean_and_star_only_where_iam_has_no_resource_type(
    run_program: Callable[..., Plan],
) -> None:
    """Issue 10 item 6: the agent's registration is scoped to one cluster's tagged instances; the channels are on
    "*" only because the Service Authorization Reference (parliament's copy) gives them no resource type."""
    import parliament

    doc = _render(
        run_program,
        [
            grants.session_manager_instance(
                region="us-west-1", account_id="123456789012", instance_tags={"hybrid-burst-cluster": "dev-onprem"}
            )
        ],
    )
    assert analyze_policy_string(json.dumps(doc)).findings == []
    register, channels = doc["Statement"]
    assert register["Action"] == ["ssm:UpdateInstanceInformation"]
    assert register["Resource"] == "arn:aws:ec2:us-west-1:123456789012:instance/*"
    assert register["Condition"] == {"StringEquals": {"aws:ResourceTag/hybrid-burst-cluster": "dev-onprem"}}
    assert channels["Resource"] == "*"
    assert "Condition" not in channels
    definitions = json.loads(
        (Path(parliament.__file__).parent / "iam_definition.json").read_text()
    )
    privileges = {
        f"{service['prefix']}:{p['privilege']}": p for service in definitions for p in service["privileges"]
    }
    for action in channels["Action"]:
        resource_types = [r["resource_type"] for r in privileges[action]["resource_types"]]
        assert resource_types == [""], f"{action} has resource types {resource_types}: scope it"
    # The registration does take a resource (the EC2 instance), so it must not be on "*".
    assert any(r["resource_type"].startswith("instance") for r in privileges[register["Action"][0]]["resource_types"])


def test_session_manager_needs_a_tag_to_scope_by() -> None:
    with pytest.raises(ValueError, match="name at least one tag"):
        grants.session_manager_instance(region="us-west-1", account_id="123456789012", instance_tags={})


OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"


@pytest.mark.parametrize("like", [False, True], ids=["exact-subject", "subject-pattern"])
def test_service_account_trust_checks_subject_and_audience(like: bool) -> None:
    subject = "system:serviceaccount:spark:emr-containers-sa-*" if like else "system:serviceaccount:kube-system:x"
    doc = grants.service_account_trust_policy(OIDC_ARN, sid="Sa", subject=subject, subject_like=like)
    (stmt,) = json.loads(doc)["Statement"]
    assert stmt["Principal"] == {"Federated": OIDC_ARN}
    assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    audience = {f"{ISSUER}:aud": "sts.amazonaws.com"}
    if like:
        assert stmt["Condition"] == {"StringLike": {f"{ISSUER}:sub": subject}, "StringEquals": audience}
    else:
        assert stmt["Condition"] == {"StringEquals": {f"{ISSUER}:sub": subject, **audience}}


def test_service_account_trust_refuses_a_role_arn() -> None:
    with pytest.raises(ValueError, match="not an IAM OIDC provider ARN"):
        grants.service_account_trust_policy("arn:aws:iam::1:role/x", sid="Sa", subject="s")
