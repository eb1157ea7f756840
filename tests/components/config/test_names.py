"""Physical names: config validation knows every name the program derives, and every one obeys its service's rules.

``checks.physical_names`` mirrors the components' name derivations; this test records the real program and
compares, so a component that starts deriving a new name from the stack name fails here until the config
validation checks it too.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, checks, load_stack_config
from scripts.offline.recorder import Plan, read_stack_config
from tests import plan_cache

# (resource type, input property) pairs whose value the program derives from the stack name.
NAMED: dict[tuple[str, str], str] = {
    ("aws:s3/bucket:Bucket", "bucketPrefix"): "s3-bucket-prefix",
    ("aws:kms/alias:Alias", "name"): "kms-alias",
    ("aws:cloudwatch/logGroup:LogGroup", "name"): "log-group",
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "name"): "alarm",
    ("aws:cloudwatch/compositeAlarm:CompositeAlarm", "alarmName"): "alarm",
    ("aws:cloudwatch/dashboard:Dashboard", "dashboardName"): "dashboard",
    ("aws:cloudwatch/eventRule:EventRule", "name"): "event-rule",
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "name"): "log-metric-filter",
    ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyName"): "logs-resource-policy",
    ("aws:sns/topic:Topic", "name"): "sns-topic",
    ("aws:emr/cluster:Cluster", "name"): "emr-cluster",
    ("aws:glue/securityConfiguration:SecurityConfiguration", "name"): "glue-security-configuration",
    ("aws:iam/role:Role", "name"): "iam-role",
    ("aws:iam/role:Role", "path"): "iam-path",
    ("eks:index:Cluster", "name"): "eks-cluster",
    ("aws:emrcontainers/virtualCluster:VirtualCluster", "name"): "virtual-cluster",
    ("aws:emrcontainers/jobTemplate:JobTemplate", "name"): "job-template",
    ("aws:sqs/queue:Queue", "name"): "sqs-queue",
}

# A stack name as long as the derived names allow (the IAM job role "hybrid-burst-<stack>-emr-on-eks-job" and the
# event rules cut to 64 characters bound it), with EMR on EKS on so that its names are derived too.
LONG_STACK = "team-analytics-x"


@pytest.fixture(scope="module")
def plans() -> dict[str, tuple[Plan, Any]]:

    out: dict[str, tuple[Plan, Any]] = {}
    for stack, source, extra in (
        ("dev", "dev", {}),
        ("prod", "prod", {}),
        (LONG_STACK, "staging", {}),
    ):
        raw = dict(read_stack_config(source)) | extra
        cfg = load_stack_config(raw, stack=stack)
        out[stack] = (plan_cache.recorded(stack, raw), cfg)
    return out


def _recorded_names(plan: Plan) -> list[tuple[str, str]]:
    names = []
    for res in plan.resources:
        for (rtype, prop), kind in NAMED.items():
            value = res.inputs.get(prop)
            if res.type == rtype and isinstance(value, str):
                names.append((kind, value))
    return names


@pytest.mark.parametrize("stack", ["dev", "prod", LONG_STACK])
def test_every_derived_name_is_known_to_config_validation(plans: dict[str, tuple[Plan, Any]], stack: str) -> None:
    plan, cfg = plans[stack]
    derived = {
        (kind, name[: checks._TRUNCATED.get(kind, len(name))])
        for kind, name, _ in checks.physical_names(stack, cfg.eks, cfg.observability)
    }
    recorded = _recorded_names(plan)
    stack_derived = [(k, n) for k, n in recorded if stack[:10] in n]
    assert stack_derived, "the plan has stack-derived names"
    missing = sorted(set(stack_derived) - derived)
    assert not missing, f"names the program derives but config validation does not check: {missing}"


@pytest.mark.parametrize("stack", ["dev", "prod", LONG_STACK])
def test_every_recorded_name_obeys_its_service_rule(plans: dict[str, tuple[Plan, Any]], stack: str) -> None:
    plan, _ = plans[stack]
    named = _recorded_names(plan)
    bad = [(kind, name, checks.CHECKERS[kind](name)) for kind, name in named if checks.CHECKERS[kind](name)]
    assert not bad


def test_one_character_more_than_the_long_stack_is_refused() -> None:
    raw = dict(read_stack_config("staging"))
    load_stack_config(raw, stack=LONG_STACK)
    too_long = LONG_STACK + "-longer-than-the-iam-limit-allows"
    with pytest.raises(ConfigError) as caught:
        load_stack_config(raw, stack=too_long)
    assert caught.value.keys[0] == checks.STACK_KEY
    assert "iam-role" in str(caught.value) or "collide" in str(caught.value)
