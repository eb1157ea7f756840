"""EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.

- ``aws:eks/cluster:Cluster``: ``encryptionConfig.provider.keyArn`` set and ``encryptionConfig.resources`` containing
  ``secrets`` (pulumi-aws 7.51.1 ``pulumi_aws/eks/_inputs.py`` ``ClusterEncryptionConfigArgs``).
- ``eks:index:Cluster`` (pulumi-eks 4.4.0 component, analyzed on its inputs): ``encryptionConfigKeyArn``
  (``pulumi_eks/cluster.py`` getter; "KMS Key ARN to use with the encryption configuration for the cluster").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block, is_set

RULE_ID = "eks-secrets-encryption"
DESCRIPTION = "EKS clusters must encrypt Kubernetes secrets with a KMS key."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "pulumi-eks: pass encryption_config_key_arn=key.arn to eks.Cluster. aws.eks.Cluster: set encryption_config="
    "{provider: {key_arn: key.arn}, resources: ['secrets']}."
)
CONFIG_SCHEMA: ConfigSchema = {}

AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster"
PULUMI_EKS_CLUSTER = "eks:index:Cluster"


def check(resource_type: str, props: Mapping[str, Any], _config: Config) -> Evaluation:
    ev = Evaluation()
    if resource_type == PULUMI_EKS_CLUSTER:
        if not is_set(props.get("encryptionConfigKeyArn")):
            ev.fail("encryptionConfigKeyArn is not set: secrets are stored without envelope encryption.")
        return ev
    raw = props.get("encryptionConfig")
    if is_unknown(raw):
        ev.unknown("encryptionConfig")
        return ev
    block = as_mapping(first_block(raw))
    if block is None:
        ev.fail("encryptionConfig is not set: secrets are stored without envelope encryption.")
        return ev
    provider = block.get("provider")
    provider_block = as_mapping(first_block(provider))
    if not is_unknown(provider) and (provider_block is None or not is_set(provider_block.get("keyArn"))):
        ev.fail("encryptionConfig.provider.keyArn is not set.")
    resources = block.get("resources")
    if is_unknown(resources) or (
        any(is_unknown(r) for r in as_list(resources)) and "secrets" not in as_list(resources)
    ):
        ev.unknown("encryptionConfig.resources")
    elif "secrets" not in as_list(resources):
        ev.fail("encryptionConfig.resources does not include 'secrets'.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({AWS_EKS_CLUSTER, PULUMI_EKS_CLUSTER}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
