"""The EMR-managed security groups of one cluster and the rules EMR expects the customer to create."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .tags import EMR_MANAGED_TAG


def emr_managed_security_groups(
    name: str, vpc_id: pulumi.Input[str], child: pulumi.ResourceOptions
) -> tuple[dict[str, aws.ec2.SecurityGroup], list[pulumi.Resource]]:
    """The EMR-managed security groups (primary, core/task, service access) and the rules EMR expects us to
    create; EMR adds the intra-cluster rules itself."""
    groups = {
        role: aws.ec2.SecurityGroup(
            f"{name}-{role}",
            vpc_id=vpc_id,
            description=f"EMR-managed security group ({role}) of {name}",
            # EMR adds rules that reference the other cluster groups; revoke them on delete so the groups
            # can be deleted (otherwise the cross-references block deletion).
            revoke_rules_on_delete=True,
            tags={"Name": f"{name}-{role}", **EMR_MANAGED_TAG},
            opts=child,
        )
        for role in ("primary", "core", "service-access")
    }
    # Outbound: S3 through the gateway endpoint (no fixed CIDR), interface endpoints, the peered VPC and, where
    # the VPC has one, the NAT. EMR's default managed groups allow all outbound traffic too; no inbound rule from
    # outside the cluster exists, and EMR block public access is on.
    rules: list[pulumi.Resource] = [
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-{role}-egress",
            security_group_id=groups[role].id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="outbound (S3 gateway endpoint, interface endpoints, peering)",
            opts=child,
        )
        for role in ("primary", "core")
    ]
    # Service access group for clusters in private subnets
    # (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html#emr-sg-elasticmapreduce-sa-private).
    rules.append(
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-service-access-9443",
            security_group_id=groups["service-access"].id,
            ip_protocol="tcp",
            from_port=9443,
            to_port=9443,
            referenced_security_group_id=groups["primary"].id,
            description="EMR service access from the primary node",
            opts=child,
        )
    )
    rules.extend(
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-access-to-{role}",
            security_group_id=groups["service-access"].id,
            ip_protocol="tcp",
            from_port=8443,
            to_port=8443,
            referenced_security_group_id=groups[role].id,
            description=f"EMR service to the {role} nodes",
            opts=child,
        )
        for role in ("primary", "core")
    )
    return groups, rules
