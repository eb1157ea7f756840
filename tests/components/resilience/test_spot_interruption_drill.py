"""SpotInterruptionDrill: the FIS template interrupts only running Spot task instances of our cluster with a
2-minute notice, stops on the degraded alarm, logs to an encrypted group, and its role is least privilege."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from parliament import analyze_policy_string

from components.resilience.spot_interruption_drill import (
    CLUSTER_TAG,
    ROLE_TAG,
    SpotInterruptionDrill,
    SpotInterruptionDrillArgs,
)
from scripts.offline.recorder import Plan
from tests.components.observability.conftest import ACCOUNT, BURST_ID, KEY_ARN, record_once
from tests.conftest import in_region

STOP_ALARM = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:hybrid-burst-test-burst-degraded"
ARGS = SpotInterruptionDrillArgs(
    cluster_id=BURST_ID,
    account_id=ACCOUNT,
    region="us-east-1",
    stop_alarm_arn=STOP_ALARM,
    logs_kms_key_arn=KEY_ARN,
    selection_mode="PERCENT(50)",
    log_retention_days=90,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return record_once(lambda: SpotInterruptionDrill("burst-spot-drill", ARGS, opts=in_region()))


def _template(plan: Plan) -> dict[str, Any]:
    return dict(plan.one("aws:fis/experimentTemplate:ExperimentTemplate").inputs)


def test_action_sends_spot_interruptions_with_two_minutes_notice(plan: Plan) -> None:
    (action,) = _template(plan)["actions"]
    assert action["actionId"] == "aws:ec2:send-spot-instance-interruptions"
    assert action["parameters"] == [{"key": "durationBeforeInterruption", "value": "PT2M"}]
    (target,) = _template(plan)["targets"]
    assert action["target"]["value"] == target["name"]


def test_target_is_running_spot_task_instances_of_our_cluster(plan: Plan) -> None:
    (target,) = _template(plan)["targets"]
    assert target["resourceType"] == "aws:ec2:spot-instance"
    assert target["selectionMode"] == ARGS.selection_mode
    assert {t["key"]: t["value"] for t in target["resourceTags"]} == {CLUSTER_TAG: BURST_ID, ROLE_TAG: "TASK"}
    assert target["filters"] == [{"path": "State.Name", "values": ["running"]}]


def test_stops_on_the_alarm_and_logs_to_the_encrypted_group(plan: Plan) -> None:
    template = _template(plan)
    assert template["stopConditions"] == [{"source": "aws:cloudwatch:alarm", "value": STOP_ALARM}]
    group = plan.one("aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["retentionInDays"] == ARGS.log_retention_days
    logs = template["logConfiguration"]
    assert logs["cloudwatchLogsConfiguration"]["logGroupArn"] == group.outputs["arn"] + ":*"
    policy = json.loads(plan.one("aws:cloudwatch/logResourcePolicy:LogResourcePolicy").inputs["policyDocument"])
    (stmt,) = policy["Statement"]
    assert stmt["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert stmt["Resource"] == group.outputs["arn"] + ":*"


def _role_policy(plan: Plan) -> dict[str, Any]:
    return dict(json.loads(plan.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"]))


def test_role_is_trusted_by_fis_of_our_account_only(plan: Plan) -> None:
    role = plan.one("aws:iam/role:Role")
    (stmt,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert stmt["Principal"] == {"Service": "fis.amazonaws.com"}
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert _template(plan)["roleArn"] == role.outputs["arn"]


def test_role_may_interrupt_only_instances_tagged_with_our_cluster(plan: Plan) -> None:
    stmts = _role_policy(plan)["Statement"]
    actions = {a for s in stmts for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert actions == {
        "ec2:SendSpotInstanceInterruptions", "ec2:DescribeInstances",
        "logs:CreateLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
    }
    (send,) = [s for s in stmts if "ec2:SendSpotInstanceInterruptions" in s["Action"]]
    assert send["Resource"] == f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"
    assert send["Condition"]["StringEquals"][f"aws:ResourceTag/{CLUSTER_TAG}"] == BURST_ID
    for stmt in stmts:
        if stmt["Resource"] == "*":
            assert all(a.split(":")[1].startswith(("Describe", "CreateLogDelivery")) for a in stmt["Action"])


def test_role_policy_is_parliament_clean(plan: Plan) -> None:
    findings = analyze_policy_string(json.dumps(_role_policy(plan))).findings
    assert [(f.issue, f.detail) for f in findings] == []


@pytest.mark.parametrize("mode", ["SOME", "COUNT(0)", "PERCENT(101)", "count(1)"])
def test_bad_selection_mode_is_rejected_before_any_resource(run_program: Callable[..., Plan], mode: str) -> None:
    def program() -> None:
        SpotInterruptionDrill(
            "bad",
            SpotInterruptionDrillArgs(
                cluster_id=BURST_ID, account_id=ACCOUNT, region="us-east-1", stop_alarm_arn=STOP_ALARM,
                logs_kms_key_arn=KEY_ARN, selection_mode=mode,
            ),
            opts=in_region(),
        )

    with pytest.raises(Exception, match=r"COUNT\(n\)|n >= 1|PERCENT\(p\)"):
        run_program(program)
