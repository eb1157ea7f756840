"""Tags EMR itself requires (everything else is tagged once through each provider's ``default_tags``)."""

from __future__ import annotations

EMR_MANAGED_TAG = {"for-use-with-amazon-emr-managed-policies": "true"}
"""EMR's managed service policy v2 only acts on subnets and security groups carrying this tag
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-managed-iam-policies.html)."""

CLUSTER_TAG_KEY = "hybrid-burst-cluster"
"""Tag on each EMR cluster (``<stack>-<cluster>``), which EMR propagates to its instances
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-tags.html): the instance role's Session Manager
registration is scoped to the instances carrying it, and operators' ``ssm:StartSession`` can be too
(docs/operations.md)."""


def cluster_tag(stack: str, cluster: str) -> dict[str, str]:
    return {CLUSTER_TAG_KEY: f"{stack}-{cluster}"}
