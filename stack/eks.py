"""EMR on EKS in the compute VPC, built before the lake: its job role gets the lake's principal statements here,
and the lake receives the role's ARN for its grants."""

from __future__ import annotations

import pulumi

from components.config import StackConfig
from components.config.lake import EMR_ON_EKS_JOB
from components.eks.emr_on_eks import EmrOnEks, EmrOnEksArgs
from components.security import grants
from components.security.kms_key import KmsKey, KmsKeyArgs

from .lake import LakeStorage, principal_statements
from .network import Network
from .sites import Sites


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
    job_statements: list[grants.Statement | list[grants.Statement]] = [
        storage.bucket(compute, "curated").grant_read(),
        storage.bucket(compute, "results").grant_write(),
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
            protect=cfg.protect,
        ),
        opts=in_compute,
    )
