"""IAM identity policies do not Allow scopable actions on ``*`` resources.

Some actions cannot be scoped: the Service Authorization Reference lists no resource type for them, so AWS only
accepts ``"Resource": "*"``. ``STAR_ONLY_ACTIONS`` lists the ones our platform uses, each with its source; every other
action on ``*`` (or on an ARN whose resource part is ``*``, such as ``arn:aws:s3:::*``) is a violation, and so is
``NotResource`` with Allow. Extend the list per stack with ``additionalStarOnlyActions`` (cite the reference page
in the stack's config review).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.iam import (
    IDENTITY_POLICY_TYPES,
    identity_documents,
    is_wildcard_resource,
    pattern_within,
)
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import join_path

RULE_ID = "iam-no-wildcard-resources"
DESCRIPTION = "IAM policies must scope resources; '*' is only allowed for actions that AWS cannot scope."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Replace Resource '*' with the exact ARNs (bucket and prefix, key ARN, cluster ARN, for logs:Describe* the "
    "log group's ARN). Only actions without "
    "resource-level permissions (see STAR_ONLY_ACTIONS in the rule) may use '*'."
)
CONFIG_SCHEMA: ConfigSchema = {
    "additionalStarOnlyActions": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "More actions that have no resource types in the Service Authorization Reference.",
    },
}

_SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"
#: Actions with no resource types (Service Authorization Reference "Actions defined by ..." tables).
STAR_ONLY_ACTIONS: dict[str, str] = {
    "ec2:Describe*": _SAR + "list_amazonec2.html",
    "autoscaling:Describe*": _SAR + "list_amazonec2autoscaling.html",
    "elasticloadbalancing:Describe*": _SAR + "list_elasticloadbalancingv2.html",
    "elasticmapreduce:ListClusters": _SAR + "list_amazonelasticmapreduce.html",
    "elasticmapreduce:RunJobFlow": _SAR + "list_amazonelasticmapreduce.html",
    "s3:ListAllMyBuckets": _SAR + "list_amazons3.html",
    "sts:GetCallerIdentity": _SAR + "list_awssecuritytokenservice.html",
    "cloudwatch:PutMetricData": _SAR + "list_amazoncloudwatch.html",
    "cloudwatch:GetMetricData": _SAR + "list_amazoncloudwatch.html",
    "cloudwatch:ListMetrics": _SAR + "list_amazoncloudwatch.html",
    "kms:ListKeys": _SAR + "list_awskeymanagementservice.html",
    "kms:ListAliases": _SAR + "list_awskeymanagementservice.html",
    "iam:ListRoles": _SAR + "list_awsidentityandaccessmanagementiam.html",
    "iam:ListPolicies": _SAR + "list_awsidentityandaccessmanagementiam.html",
    "lakeformation:GetDataAccess": _SAR + "list_awslakeformation.html",
    "ecr:GetAuthorizationToken": _SAR + "list_amazonelasticcontainerregistry.html",
    "xray:PutTraceSegments": _SAR + "list_awsx-ray.html",
    "xray:PutTelemetryRecords": _SAR + "list_awsx-ray.html",
    "tag:GetResources": _SAR + "list_awsresourcegroupstaggingapi.html",
    "pricing:GetProducts": _SAR + "list_awspricelist.html",
    # Vended-log deliveries (FIS experiment logs, EMR/EKS control-plane logs): AWS documents "Resource": "*" for
    # these (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html).
    "logs:CreateLogDelivery": _SAR + "list_amazoncloudwatchlogs.html",
    "logs:GetLogDelivery": _SAR + "list_amazoncloudwatchlogs.html",
    "logs:UpdateLogDelivery": _SAR + "list_amazoncloudwatchlogs.html",
    "logs:DeleteLogDelivery": _SAR + "list_amazoncloudwatchlogs.html",
    "logs:ListLogDeliveries": _SAR + "list_amazoncloudwatchlogs.html",
    # The Service Authorization Reference, as shipped in machine-readable form with the parliament IAM linter
    # (parliament 1.6.4, iam_definition.json), lists no resource type for these two: IAM evaluates them only
    # against "*" (the flow-log delivery role and FIS log delivery need them).
    "logs:DescribeLogGroups": _SAR + "list_amazoncloudwatchlogs.html",
    "logs:DescribeResourcePolicies": _SAR + "list_amazoncloudwatchlogs.html",
    # The SSM Agent's Session Manager channels and message polling (instance roles with Session Manager): no
    # resource types in the reference (parliament's iam_definition.json agrees).
    "ssmmessages:CreateControlChannel": _SAR + "list_amazonmessagegatewayservice.html",
    "ssmmessages:CreateDataChannel": _SAR + "list_amazonmessagegatewayservice.html",
    "ssmmessages:OpenControlChannel": _SAR + "list_amazonmessagegatewayservice.html",
    "ssmmessages:OpenDataChannel": _SAR + "list_amazonmessagegatewayservice.html",
    "ec2messages:AcknowledgeMessage": _SAR + "list_amazonmessagedeliveryservice.html",
    "ec2messages:DeleteMessage": _SAR + "list_amazonmessagedeliveryservice.html",
    "ec2messages:FailMessage": _SAR + "list_amazonmessagedeliveryservice.html",
    "ec2messages:GetEndpoint": _SAR + "list_amazonmessagedeliveryservice.html",
    "ec2messages:GetMessages": _SAR + "list_amazonmessagedeliveryservice.html",
    "ec2messages:SendReply": _SAR + "list_amazonmessagedeliveryservice.html",
}
#: Not on the list: ``logs:PutResourcePolicy`` and ``logs:DescribeLogStreams`` take log-group ARNs.


def _star_only(action: str, extra: list[str]) -> bool:
    return any(pattern_within(action, allowed) for allowed in [*STAR_ONLY_ACTIONS, *extra])


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    extra = list(config["additionalStarOnlyActions"])
    for doc in identity_documents(resource_type, props):
        if doc.unknown:
            ev.unknown(doc.path)
            continue
        if doc.error:
            continue  # reported by iam-no-wildcard-actions
        for st in doc.statements:
            base = join_path(doc.path, "Statement", st.index)
            if st.effect_unknown:
                ev.unknown(join_path(base, "Effect"))
                continue
            if not st.is_allow:
                continue
            if st.has("NotResource"):
                ev.fail(f"{doc.path} statement {st.sid} uses NotResource with Allow (grants all other resources).")
            resources = st.elements("Resource")
            unknown_res = [i for i, r in enumerate(resources) if is_unknown(r)]
            wildcards = [r for r in resources if isinstance(r, str) and not is_unknown(r) and is_wildcard_resource(r)]
            if not wildcards:
                for i in unknown_res:
                    ev.unknown(join_path(base, "Resource", i))
                continue
            actions = st.elements("Action")
            if any(is_unknown(a) for a in actions):
                ev.unknown(join_path(base, "Action"))
                continue
            scopable = sorted({a for a in actions if isinstance(a, str) and not _star_only(a, extra)})
            if scopable:
                on = ", ".join(sorted(set(wildcards)))
                ev.fail(f"{doc.path} statement {st.sid} allows {', '.join(scopable)} on {on}.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
)

__all__ = [
    "CONFIG_SCHEMA",
    "DESCRIPTION",
    "REMEDIATION",
    "RULE",
    "RULE_ID",
    "SEVERITY",
    "STAR_ONLY_ACTIONS",
    "check",
]
