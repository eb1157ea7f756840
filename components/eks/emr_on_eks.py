"""EmrOnEks: an EKS cluster for EMR on EKS Spark jobs, its node groups, a virtual cluster and the job role.

What it builds, in the burst compute region (the provider passed in ``opts``):

- a pulumi-eks ``eks.Cluster`` in the private subnets only: private API endpoint, no public endpoint unless
  asked for, envelope encryption of Kubernetes secrets with a customer-managed KMS key, an IAM OIDC provider
  for IRSA, access entries (``authenticationMode: API``) instead of the deprecated ``aws-auth`` ConfigMap, no
  default node group;
- a small On-Demand managed node group for cluster add-ons and a Spot managed node group diversified over
  at least five instance types for Spark pods;
- the namespace the virtual cluster is bound to, with the Role/RoleBinding EMR on EKS needs, mapped to the
  ``AWSServiceRoleForAmazonEMRContainers`` service-linked role through an access entry (username
  ``emr-containers``);
- an ``aws.emrcontainers.VirtualCluster`` on that namespace;
- the job execution role, trusted only by the EMR-managed service accounts of that namespace through the
  cluster's OIDC provider, with the lake grants passed in and write access to its own encrypted log group.

pulumi-eks resources are remote components (``eks:index:Cluster``, ``eks:index:ManagedNodeGroup``): the
engine runs them in the pulumi-eks plugin, so under mocks they register no children and their outputs are the
mock's placeholders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from components import naming
from components.eks.node_role import worker_node_role
from components.security import grants

EMR_CONTAINERS_SLR_NAME = "AWSServiceRoleForAmazonEMRContainers"
# The Kubernetes user EMR on EKS acts as; the RoleBinding subject and the access entry username must match.
# (https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/setting-up-cluster-access.html; the same
# static name in terraform-aws-modules/terraform-aws-emr modules/virtual-cluster/main.tf).
EMR_CONTAINERS_USER = "emr-containers"

# The namespace Role EMR on EKS needs ("Manual steps to enable cluster access", link above; the rules as in
# terraform-aws-emr modules/virtual-cluster).
_ALL = ["get", "list", "watch", "describe", "create", "edit", "delete", "annotate", "patch", "label"]
EMR_CONTAINERS_RULES: list[dict[str, list[str]]] = [
    {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]},
    {
        "apiGroups": [""],
        "resources": ["serviceaccounts", "services", "configmaps", "events", "pods", "pods/log"],
        "verbs": [*_ALL, "deletecollection"],
    },
    {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "patch", "delete", "watch"]},
    {"apiGroups": ["apps"], "resources": ["statefulsets", "deployments"], "verbs": _ALL},
    {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": _ALL},
    {"apiGroups": ["extensions", "networking.k8s.io"], "resources": ["ingresses"], "verbs": _ALL},
    {
        "apiGroups": ["rbac.authorization.k8s.io"],
        "resources": ["roles", "rolebindings"],
        "verbs": [*_ALL, "deletecollection"],
    },
    {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": _ALL},
]

IAM_ROLE_NAME_MAX = 64
EKS_CLUSTER_NAME_MAX = 100


def base36_role_name(role_name: str) -> str:
    """The base36 form of an IAM role name used in EMR-managed service-account names.

    The bytes of the name read as a big-endian base-256 number, written in base 36 with lowercase digits - the
    algorithm of ``aws emr-containers update-role-trust-policy`` (aws/aws-cli
    awscli/customizations/emrcontainers/base36.py).
    """
    number = 0
    for char in role_name:
        number = number * 256 + ord(char)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = alphabet[rest] + digits
    return digits or "0"


def emr_service_account_pattern(namespace: str, account_id: str, role_name: str) -> str:
    """The ``sub`` of the EMR-managed service accounts that may assume the job role.

    EMR on EKS creates them at job submission, named
    ``emr-containers-sa-*-*-<account>-<base36 role name>`` in the job's namespace
    (https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/iam-execution-role.html and
    https://docs.aws.amazon.com/cli/latest/reference/emr-containers/update-role-trust-policy.html).
    """
    return f"system:serviceaccount:{namespace}:emr-containers-sa-*-*-{account_id}-{base36_role_name(role_name)}"


def irsa_trust_policy(oidc_provider_arn: str, namespace: str, account_id: str, role_name: str) -> str:
    """Trust policy: only the EMR-managed service accounts of ``namespace``, through this cluster's OIDC provider.

    The audience check is the one IRSA requires (``sts.amazonaws.com``,
    https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
    """
    if ":oidc-provider/" not in oidc_provider_arn:
        # pulumi-eks always returns the ARN when create_oidc_provider is on; None here means the engine (or a
        # mock monitor) answered the remote eks:index:Cluster without outputs.
        raise ValueError(
            f"the EKS cluster returned no IAM OIDC provider ARN (got {oidc_provider_arn!r}); the job role's IRSA "
            "trust cannot be built: the engine (or a mock monitor) answered the eks:index:Cluster component without "
            "its oidcProviderArn output"
        )
    return grants.service_account_trust_policy(
        oidc_provider_arn,
        sid="EmrContainersServiceAccounts",
        subject=emr_service_account_pattern(namespace, account_id, role_name),
        subject_like=True,
    )


@dataclass(frozen=True, kw_only=True)
class EmrOnEksArgs:
    account_id: pulumi.Input[str]
    """Account of the compute provider (service-account names and the service-linked role ARN). Required."""
    vpc_id: pulumi.Input[str]
    """The compute VPC. Required."""
    private_subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets for the control-plane ENIs and all nodes (at least two AZs). Required."""
    secrets_kms_key_arn: pulumi.Input[str]
    """Customer-managed KMS key for envelope encryption of Kubernetes secrets. Required (secrets are always
    encrypted)."""
    logs_kms_key_arn: pulumi.Input[str]
    """KMS key of the job log group (the region's logs key). Required."""
    kubernetes_version: str
    """EKS Kubernetes minor version, e.g. ``1.34`` (validated by the config model). Required."""
    spot_instance_types: Sequence[str]
    """Instance types of the Spot node group (at least five, validated by the config model). Required."""
    spot_min_size: int = 1
    """Spot group minimum size. Default: 1."""
    spot_desired_size: int = 2
    """Spot group size at creation; later changes by an autoscaler are ignored. Default: 2."""
    spot_max_size: int = 10
    """Spot group maximum size. Default: 10."""
    system_instance_types: Sequence[str] = ("m6i.large", "m5.large")
    """Instance types of the On-Demand system node group. Default: m6i.large, m5.large."""
    system_min_size: int = 2
    """System group minimum size. Default: 2 (CoreDNS replicas on two nodes)."""
    system_desired_size: int = 2
    """System group size at creation. Default: 2."""
    system_max_size: int = 3
    """System group maximum size. Default: 3."""
    namespace: str = "emr-spark"
    """Kubernetes namespace of the virtual cluster; created here. Default: emr-spark."""
    cluster_name: str | None = None
    """EKS cluster name. Default: ``hybrid-burst-<stack>-<name>`` (fixed at plan time, unique per stack)."""
    job_role_name: str | None = None
    """Name of the job execution role; fixed because the trust policy embeds its base36 form. Default:
    ``hybrid-burst-<stack>-<name>-job``."""
    job_role_statements: Sequence[grants.Statement | list[grants.Statement]] = ()
    """Extra least-privilege statements for the job role (the lake grants: ``s3_read``/``s3_write``/``kms_use``
    on exact ARNs). Default: none - jobs can only write their own logs until grants are passed."""
    job_log_retention_days: int
    """Retention of the job log group (the stack passes ``hybrid-burst:observability.logRetentionDays``, like every
    other log group's). Required: a default here once silently overrode the configured retention (issue 14)."""
    endpoint_public_access: bool = False
    """Public Kubernetes API endpoint. Default: off (private endpoint only; deploy from inside the VPC)."""
    public_access_cidrs: Sequence[str] = ()
    """CIDRs admitted to a public endpoint; required when ``endpoint_public_access`` is on."""
    create_service_linked_role: bool = False
    """Create ``AWSServiceRoleForAmazonEMRContainers``. Default: off - it is one per account and must exist
    before the access entry; create it once per account."""
    cluster_log_types: Sequence[str] = ("api", "audit", "authenticator")
    """Control-plane log types sent to CloudWatch. Default: api, audit, authenticator."""
    partition: str = "aws"
    """ARN partition. Default: aws."""
    protect: bool = False
    """Protect the EKS cluster (Pulumi ``protect`` and EKS deletion protection). Default: off."""


class EmrOnEks(pulumi.ComponentResource):
    """EMR on EKS for Spark in the burst region (see the module docstring)."""

    cluster_name: pulumi.Output[str]
    cluster_oidc_provider_arn: pulumi.Output[str]
    cluster_kubeconfig_json: pulumi.Output[str]
    namespace_name: pulumi.Output[str]
    virtual_cluster_id: pulumi.Output[str]
    virtual_cluster_arn: pulumi.Output[str]
    job_role_arn: pulumi.Output[str]
    job_role_name: pulumi.Output[str]
    job_log_group_name: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    kube_provider: k8s.Provider
    cluster_name_value: str
    """The cluster name as a plan-time string (IAM tag conditions embed it)."""
    """The Kubernetes provider bound to this cluster (for components that install into it, e.g. Karpenter)."""

    def __init__(self, name: str, args: EmrOnEksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:eks:EmrOnEks", name, None, opts)
        stack = pulumi.get_stack()
        cluster_name = args.cluster_name or naming.resource_name(stack, name)
        job_role_name = args.job_role_name or naming.resource_name(stack, name, "job")
        if len(cluster_name) > EKS_CLUSTER_NAME_MAX:
            raise ValueError(f"EmrOnEksArgs.cluster_name {cluster_name!r} is longer than 100 characters")
        if len(job_role_name) > IAM_ROLE_NAME_MAX:
            raise ValueError(
                f"EmrOnEksArgs.job_role_name {job_role_name!r} is longer than 64 characters (IAM limit); "
                "pass a shorter job_role_name"
            )
        if len(args.private_subnet_ids) < 2:
            raise ValueError("EmrOnEksArgs.private_subnet_ids: EKS needs subnets in at least two AZs")
        if args.endpoint_public_access and not args.public_access_cidrs:
            raise ValueError("EmrOnEksArgs.public_access_cidrs is required when endpoint_public_access is on")
        child = pulumi.ResourceOptions(parent=self)

        # --- the EMR on EKS service-linked role, mapped into the cluster through an access entry -------------
        slr: aws.iam.ServiceLinkedRole | None = None
        if args.create_service_linked_role:
            slr = aws.iam.ServiceLinkedRole(
                f"{name}-emr-containers-slr",
                aws_service_name="emr-containers.amazonaws.com",
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
        # Access entries and aws-auth take the role ARN without its service-role path.
        slr_arn = pulumi.Output.concat(
            "arn:", args.partition, ":iam::", args.account_id, ":role/", EMR_CONTAINERS_SLR_NAME
        )

        # --- EKS cluster ----------------------------------------------------------------------------------
        cluster = eks.Cluster(
            f"{name}-cluster",
            name=cluster_name,
            version=args.kubernetes_version,
            vpc_id=args.vpc_id,
            private_subnet_ids=list(args.private_subnet_ids),
            endpoint_private_access=True,
            endpoint_public_access=args.endpoint_public_access,
            public_access_cidrs=list(args.public_access_cidrs) if args.endpoint_public_access else None,
            encryption_config_key_arn=args.secrets_kms_key_arn,
            create_oidc_provider=True,
            skip_default_node_group=True,
            authentication_mode=eks.AuthenticationMode.API,
            access_entries={
                "emr-containers": eks.AccessEntryArgs(
                    principal_arn=slr_arn,
                    username=EMR_CONTAINERS_USER,
                    type=eks.AccessEntryType.STANDARD,
                ),
            },
            enabled_cluster_log_types=list(args.cluster_log_types),
            deletion_protection=args.protect,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, depends_on=[slr] if slr is not None else None
            ),
        )

        # --- node groups (EKS creates the node role's access entry for managed node groups itself) ----------
        node_role, attachments = worker_node_role(
            name, description=f"EKS worker nodes of {cluster_name}", partition=args.partition, opts=child
        )
        node_opts = pulumi.ResourceOptions(parent=self, depends_on=attachments)
        eks.ManagedNodeGroup(
            f"{name}-system",
            cluster=cluster,
            node_role=node_role,
            capacity_type="ON_DEMAND",
            instance_types=list(args.system_instance_types),
            subnet_ids=list(args.private_subnet_ids),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.system_min_size,
                desired_size=args.system_desired_size,
                max_size=args.system_max_size,
            ),
            labels={"hybrid-burst/pool": "system"},
            ignore_scaling_changes=True,
            opts=node_opts,
        )
        eks.ManagedNodeGroup(
            f"{name}-spot",
            cluster=cluster,
            node_role=node_role,
            capacity_type="SPOT",
            instance_types=list(args.spot_instance_types),
            subnet_ids=list(args.private_subnet_ids),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.spot_min_size,
                desired_size=args.spot_desired_size,
                max_size=args.spot_max_size,
            ),
            labels={"hybrid-burst/pool": "spark-spot"},
            ignore_scaling_changes=True,
            opts=node_opts,
        )

        # --- namespace and RBAC for EMR on EKS --------------------------------------------------------------
        kube = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=cluster.kubeconfig_json,
            enable_server_side_apply=True,
            opts=child,
        )
        kube_opts = pulumi.ResourceOptions(parent=self, provider=kube)
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=args.namespace, labels={"hybrid-burst/emr-on-eks": "true"}),
            opts=kube_opts,
        )
        role = k8s.rbac.v1.Role(
            f"{name}-emr-containers-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=EMR_CONTAINERS_USER, namespace=namespace.metadata.name),
            rules=[
                k8s.rbac.v1.PolicyRuleArgs(api_groups=r["apiGroups"], resources=r["resources"], verbs=r["verbs"])
                for r in EMR_CONTAINERS_RULES
            ],
            opts=kube_opts,
        )
        binding = k8s.rbac.v1.RoleBinding(
            f"{name}-emr-containers-binding",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=EMR_CONTAINERS_USER, namespace=namespace.metadata.name),
            subjects=[
                k8s.rbac.v1.SubjectArgs(
                    kind="User", name=EMR_CONTAINERS_USER, api_group="rbac.authorization.k8s.io"
                )
            ],
            role_ref=k8s.rbac.v1.RoleRefArgs(
                kind="Role", name=role.metadata.name, api_group="rbac.authorization.k8s.io"
            ),
            opts=kube_opts,
        )

        # --- job execution role (IRSA) ------------------------------------------------------------------------
        trust = pulumi.Output.all(cluster.oidc_provider_arn, args.account_id).apply(
            lambda v: irsa_trust_policy(str(v[0]), args.namespace, str(v[1]), job_role_name)
        )
        job_role = aws.iam.Role(
            f"{name}-job-role",
            name=job_role_name,
            assume_role_policy=trust,
            description=f"EMR on EKS job execution role for namespace {args.namespace} of {cluster_name}",
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-job-logs",
            name=naming.log_group(stack, "emr-on-eks", args.namespace),
            retention_in_days=args.job_log_retention_days,
            kms_key_id=args.logs_kms_key_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-job-policy",
            role=job_role.name,
            policy=grants.policy_document(
                [grants.logs_write([log_group.arn], sid="job logs"), *args.job_role_statements]
            ),
            opts=child,
        )

        # --- virtual cluster ----------------------------------------------------------------------------------
        virtual_cluster = aws.emrcontainers.VirtualCluster(
            f"{name}-virtual-cluster",
            name=f"{cluster_name}-{args.namespace}",
            container_provider=aws.emrcontainers.VirtualClusterContainerProviderArgs(
                id=cluster_name,
                type="EKS",
                info=aws.emrcontainers.VirtualClusterContainerProviderInfoArgs(
                    eks_info=aws.emrcontainers.VirtualClusterContainerProviderInfoEksInfoArgs(
                        namespace=args.namespace
                    )
                ),
            ),
            # EMR checks its access to the namespace when the virtual cluster is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster, namespace, role, binding]),
        )

        self.cluster_name = pulumi.Output.from_input(cluster_name)
        self.cluster_name_value = cluster_name
        self.cluster_oidc_provider_arn = cluster.oidc_provider_arn
        self.cluster_kubeconfig_json = pulumi.Output.secret(cluster.kubeconfig_json)
        self.namespace_name = namespace.metadata.name
        self.virtual_cluster_id = virtual_cluster.id
        self.virtual_cluster_arn = virtual_cluster.arn
        self.job_role_arn = job_role.arn
        self.job_role_name = job_role.name
        self.job_log_group_name = log_group.name
        self.node_role_arn = node_role.arn
        self.kube_provider = kube
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "cluster_oidc_provider_arn": self.cluster_oidc_provider_arn,
                "namespace_name": self.namespace_name,
                "virtual_cluster_id": self.virtual_cluster_id,
                "virtual_cluster_arn": self.virtual_cluster_arn,
                "job_role_arn": self.job_role_arn,
                "job_role_name": self.job_role_name,
                "job_log_group_name": self.job_log_group_name,
                "node_role_arn": self.node_role_arn,
            }
        )
