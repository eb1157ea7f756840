"""Every VPC's default security group is managed and has no rules.

AWS creates a default security group in every VPC whose rules allow all traffic between its members and all egress
(https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html); any ENI launched without a group
lands in it. pulumi-aws 7.51.1 ``aws:ec2/defaultSecurityGroup:DefaultSecurityGroup`` (``vpcId``, ``ingress[]``,
``egress[]``) adopts it: "When the provider first begins managing the default security group, it immediately
removes all ingress and egress rules in the Security Group. It then creates any rules specified in the
configuration" (``pulumi_aws/ec2/default_security_group.py``). So a ``DefaultSecurityGroup`` with no ``ingress`` and
no ``egress`` closes the group, and a VPC without one keeps AWS's open defaults.

Findings: a ``DefaultSecurityGroup`` with rules; a separate rule resource (``aws:ec2/securityGroupRule``,
``aws:vpc/securityGroupIngressRule``/``EgressRule``) attached to it; and, while ``requireManagedDefaultSecurityGroup``
is on, an ``aws:ec2/vpc:Vpc`` that no ``DefaultSecurityGroup`` of the stack manages.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.links import Attachments
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list

RULE_ID = "vpc-default-security-group-closed"
DESCRIPTION = "Every VPC's default security group must be managed by the stack and have no ingress or egress rules."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress and no egress for every aws.ec2.Vpc (the "
    "provider then removes AWS's allow-all default rules), and give workloads their own security groups."
)
CONFIG_SCHEMA: ConfigSchema = {
    "requireManagedDefaultSecurityGroup": {
        "type": "boolean",
        "default": True,
        "description": "Every aws:ec2/vpc:Vpc of the stack must have a DefaultSecurityGroup that manages it.",
    },
}

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
RULE_TYPES = frozenset(
    {
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    }
)


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    vpcs = [r for r in resources if r.type == VPC]
    defaults = [r for r in resources if r.type == DEFAULT_SG]
    for sg in defaults:
        for direction in ("ingress", "egress"):
            rules = sg.props.get(direction)
            if is_unknown(rules):
                ev.unknown(f"{sg.name}.{direction}", sg.urn)
            elif as_list(rules):
                ev.fail(
                    f"Default security group {sg.name} keeps {len(as_list(rules))} {direction} rule(s); the default "
                    "group must have none (ENIs launched without a group land in it).",
                    sg.urn,
                )
    attached = Attachments(defaults, [r for r in resources if r.type in RULE_TYPES], "securityGroupId")
    for sg in defaults:
        for rule in attached.of(sg):
            ev.fail(
                f"{rule.type.rsplit(':', 1)[-1]} {rule.name} adds a rule to the default security group {sg.name}.",
                rule.urn,
            )
    if not config["requireManagedDefaultSecurityGroup"]:
        return ev
    managing = Attachments(vpcs, defaults, "vpcId")
    undetermined = bool(managing.undetermined)
    for vpc in vpcs:
        if managing.of(vpc):
            continue
        if undetermined:
            ev.unknown(f"{vpc.name} (a DefaultSecurityGroup's vpcId is not known yet)", vpc.urn)
        else:
            ev.fail(
                f"VPC {vpc.name} has no aws.ec2.DefaultSecurityGroup: AWS's default group (all traffic between "
                "members, all egress) stays open.",
                vpc.urn,
            )
    return ev


RULE = StackRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({VPC, DEFAULT_SG} | RULE_TYPES),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
