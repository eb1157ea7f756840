"""EMR on EKS in the compute VPC, built before the lake: its job role gets the lake's principal statements here,
and the lake receives the role's ARN for its grants."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.config.lake import EMR_ON_EKS_JOB
from components.eks.emr_on_eks import EmrOnEks, EmrOnEksArgs
from components.eks.karpenter import Karpenter, KarpenterArgs
from components.eks.spark_job_template import (
    SparkJobTemplate,
    SparkJobTemplateArgs,
    job_role_statements,
    release_label,
)
from components.security import grants
from components.security.kms_key import KmsKey, KmsKeyArgs

from .lake import LakeStorage, principal_statements
from .network import Network
from .sites import Sites

JOB_TEMPLATE = "lake-pipeline"
ONPREM_TPCDS_DIR = "/tmp/tpcds"  # noqa: S108 - the on-prem HDFS directory prepare_data fills, not a local file
ALLUXIO_MASTER_PORT = 19998
"""Alluxio's default master RPC port (the pipeline reads the on-prem tables through the burst cluster's Alluxio)."""


def build_emr_on_eks(
    cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], network: Network, storage: LakeStorage
) -> EmrOnEks | None:
    """An EKS cluster in the compute VPC's private subnets with a Spot node group, a virtual cluster bound to one
    namespace and the job execution role (IRSA); none when ``hybrid-burst:eks.enabled`` is off."""
    if not cfg.eks.enabled:
        return None
    compute = sites.compute
    in_compute = pulumi.ResourceOptions(provider=compute.provider)
    secrets_key = KmsKey(
        "eks-secrets",
        KmsKeyArgs(account_id=account_id, region=compute.region, purpose="eks-secrets", protect=cfg.protect),
        opts=in_compute,
    )
    # No direct read of the curated zone: EMR on EKS's Lake Formation integration cannot be deployed with
    # pulumi-aws (docs/eks.md), and an IAM read of curated files would bypass the column grants. The job reads and
    # writes the pipeline's raw/tpcds/ prefix and its template's pod templates and S3 logs.
    job_statements: list[grants.Statement | list[grants.Statement]] = [
        storage.bucket(compute, "results").grant_write(),
        storage.pipeline.writer_statements(),
        job_role_statements(
            JOB_TEMPLATE,
            artifacts_bucket=storage.bucket(compute, "artifacts"),
            logs_bucket=storage.bucket(compute, "logs"),
        ),
    ]
    if EMR_ON_EKS_JOB in cfg.lake.principals:
        job_statements.append(principal_statements(cfg, sites, account_id, storage, EMR_ON_EKS_JOB))
    vpc = network.vpc(compute)
    eks = cfg.eks
    return EmrOnEks(
        "emr-on-eks",
        EmrOnEksArgs(
            account_id=account_id,
            vpc_id=vpc.vpc_id,
            private_subnet_ids=vpc.private_subnet_ids,
            secrets_kms_key_arn=secrets_key.key_arn,
            logs_kms_key_arn=network.logs_key_arn(compute),
            kubernetes_version=eks.kubernetes_version,
            namespace=eks.namespace,
            spot_instance_types=eks.spot.instance_types,
            spot_min_size=eks.spot.min_size,
            spot_desired_size=eks.spot.desired_size,
            spot_max_size=eks.spot.max_size,
            system_instance_types=eks.system.instance_types,
            system_min_size=eks.system.min_size,
            system_desired_size=eks.system.desired_size,
            system_max_size=eks.system.max_size,
            endpoint_public_access=eks.endpoint_public_access,
            public_access_cidrs=eks.public_access_cidrs,
            create_service_linked_role=eks.create_service_linked_role,
            job_role_statements=job_statements,
            job_log_retention_days=cfg.observability.log_retention_days,
            protect=cfg.protect,
        ),
        opts=in_compute,
    )


@dataclass(frozen=True)
class EksWorkloads:
    karpenter: Karpenter | None
    job_template: SparkJobTemplate


def build_eks_workloads(
    cfg: StackConfig,
    sites: Sites,
    account_id: pulumi.Input[str],
    *,
    network: Network,
    storage: LakeStorage,
    emr_on_eks: EmrOnEks | None,
    burst_master_dns: pulumi.Input[str],
) -> EksWorkloads | None:
    """Karpenter (Spot executors, On-Demand drivers) and the pipeline's job template; after the burst cluster, whose
    Alluxio the template's job reads through."""
    if emr_on_eks is None:
        return None
    compute = sites.compute
    in_compute = pulumi.ResourceOptions(provider=compute.provider)
    k = cfg.eks.karpenter
    karpenter = None
    if k.enabled:
        karpenter = Karpenter(
            "karpenter",
            KarpenterArgs(
                account_id=account_id,
                region=compute.region,
                cluster_name=emr_on_eks.cluster_name_value,
                oidc_provider_arn=emr_on_eks.cluster_oidc_provider_arn,
                kube_provider=emr_on_eks.kube_provider,
                subnet_ids=network.vpc(compute).private_subnet_ids,
                executor_instance_families=k.executor_instance_families,
                driver_instance_families=k.driver_instance_families,
                version=k.version,
                executor_cpu_limit=k.executor_cpu_limit,
                driver_cpu_limit=k.driver_cpu_limit,
                consolidate_after=k.consolidate_after,
                ami_alias=k.ami_alias,
            ),
            opts=in_compute,
        )
    settings = cfg.emr.settings
    source_root = pulumi.Output.concat(
        "alluxio://", burst_master_dns, f":{ALLUXIO_MASTER_PORT}{settings.alluxio.mount_point}{ONPREM_TPCDS_DIR}"
    )
    catalog = settings.lake_catalogs.spark_iceberg_catalog_name
    template = SparkJobTemplate(
        JOB_TEMPLATE,
        SparkJobTemplateArgs(
            release_label=release_label(cfg.emr.release_label),
            job_role_arn=emr_on_eks.job_role_arn,
            entry_point_uri=storage.pipeline.entry_point_uri,
            entry_point_arguments=["--source-root", source_root, "--catalog", catalog, "--database",
                                   storage.pipeline.database],
            artifacts_bucket=storage.bucket(compute, "artifacts"),
            logs_bucket=storage.bucket(compute, "logs"),
            log_group_name=emr_on_eks.job_log_group_name,
            template_kms_key_arn=storage.data_key_arn(compute),
            warehouse=storage.bucket(compute, settings.lake_catalogs.warehouse_zone).s3_uri("iceberg"),
            iceberg_catalog=catalog,
            karpenter=karpenter is not None,
        ),
        opts=in_compute,
    )
    return EksWorkloads(karpenter=karpenter, job_template=template)
