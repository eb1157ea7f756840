"""Encryption family: data at rest and in transit (S3, KMS, EMR, Glue, CloudWatch Logs, SNS, EKS)."""

from hybrid_burst_guardrails.core.rule import Rule

from . import (
    cloudwatch_log_group_kms,
    eks_secrets_encryption,
    emr_cluster_security_configuration,
    emr_on_eks_job_template_logs_encrypted,
    glue_catalog_encryption,
    kms_key_rotation,
    launch_template_ebs_encrypted,
    s3_bucket_public_access_block,
    s3_bucket_sse_kms,
    s3_bucket_tls_only,
    sns_topic_kms,
)

RULES: tuple[Rule, ...] = (
    s3_bucket_sse_kms.RULE,
    s3_bucket_public_access_block.RULE,
    s3_bucket_tls_only.RULE,
    kms_key_rotation.RULE,
    emr_cluster_security_configuration.RULE,
    glue_catalog_encryption.RULE,
    cloudwatch_log_group_kms.RULE,
    sns_topic_kms.RULE,
    eks_secrets_encryption.RULE,
    launch_template_ebs_encrypted.RULE,
    emr_on_eks_job_template_logs_encrypted.RULE,
)

__all__ = ["RULES"]
