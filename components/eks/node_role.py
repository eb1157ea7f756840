"""The IAM role of EKS worker nodes, with the AWS managed policies every node needs; shared by the managed node
groups of ``EmrOnEks`` and the nodes ``Karpenter`` launches.

The policies are the ones the EKS user guide lists for the node role
(https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.security import grants

NODE_MANAGED_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)


def worker_node_role(
    name: str, *, description: str, partition: str, opts: pulumi.ResourceOptions
) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
    """``<name>-node-role`` assumable by EC2, and one ``<name>-node-<policy>`` attachment per managed policy (the
    caller's ``opts`` carry its parent and provider)."""
    role = aws.iam.Role(
        f"{name}-node-role",
        assume_role_policy=grants.service_assume_role_policy(["ec2.amazonaws.com"]),
        description=description,
        opts=opts,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{name}-node-{policy}",
            role=role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/{policy}",
            opts=opts,
        )
        for policy in NODE_MANAGED_POLICIES
    ]
    return role, attachments
