"""Karpenter: node autoscaling for EMR on EKS - Spot executors, On-Demand drivers, consolidation, interruptions.

What it builds (children named ``<name>-<role>``), following Karpenter's own v1 getting-started CloudFormation
(aws/karpenter-provider-aws ``website/content/en/preview/getting-started/getting-started-with-karpenter/
cloudformation.yaml``; every controller statement below keeps its Sid's intent, scoped to this account, region and
cluster instead of ``*`` where the action allows it):

- the interruption queue (SQS, SSE, TLS-only, 300 s retention) and four EventBridge rules feeding it: Spot
  interruption warnings, rebalance recommendations, instance state changes, AWS Health scheduled changes - Karpenter
  cordons and drains a node before EC2 takes it back;
- the node role (the EKS worker policies) with an EKS access entry of type ``EC2_LINUX`` so nodes can join;
- the controller role, assumed through IRSA by ``system:serviceaccount:kube-system:karpenter`` only;
- through the Kubernetes provider bound to the cluster: the Helm release (``oci://public.ecr.aws/karpenter/
  karpenter``) on the system node group, one ``EC2NodeClass`` and two ``NodePool``\\ s:
  ``spark-executor`` (Spot, several families, consolidation when empty or underutilised) and ``spark-driver``
  (On-Demand, consolidation only when empty - a driver's node is never taken while it runs).

Pods choose a pool with the node selector ``hybrid-burst/pool`` and tolerate its taint (see ``pod_templates.py``).
Under the offline recorder the Helm release and the custom resources are recorded with their inputs; what Karpenter
does at run time (launches, consolidation, draining on interruption) is only observable on a real cluster.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.eks.karpenter_iam import (
    NAMESPACE,
    SERVICE_ACCOUNT,
    controller_statements,
    controller_trust_policy,
    queue_policy,
)
from components.eks.node_role import worker_node_role
from components.security import grants

CHART = "oci://public.ecr.aws/karpenter/karpenter"
POOL_LABEL = "hybrid-burst/pool"
EXECUTOR_POOL = "spark-executor"
DRIVER_POOL = "spark-driver"
TAINT_KEY = "hybrid-burst/spark"

# EventBridge patterns Karpenter consumes (the CloudFormation above; https://karpenter.sh/docs/concepts/disruption/
# "Interruption").
INTERRUPTION_EVENTS: dict[str, dict[str, list[str]]] = {
    "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
    "state-change": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
    "scheduled-change": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
}
QUEUE_RETENTION_SECONDS = 300
"""Interruption messages older than 5 minutes are useless (a Spot notice gives 2); the CloudFormation's value."""


@dataclass(frozen=True, kw_only=True)
class KarpenterArgs:
    account_id: pulumi.Input[str]
    """Account of the cluster (ARNs in the controller policy). Required."""
    region: str
    """Region of the provider in ``opts`` (ARNs, ``aws:RequestedRegion``). Required."""
    cluster_name: str
    """EKS cluster name (fixed at plan time; it appears in tag conditions). Required."""
    oidc_provider_arn: pulumi.Input[str]
    """The cluster's IAM OIDC provider (IRSA trust of the controller). Required."""
    kube_provider: k8s.Provider
    """Kubernetes provider bound to the cluster (Helm release, NodePools). Required."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets the nodes may launch in. Required (at least two AZs)."""
    executor_instance_families: Sequence[str]
    """Families of the Spot executor pool (at least 3, validated by the config). Required."""
    driver_instance_families: Sequence[str]
    """Families of the On-Demand driver pool. Required."""
    version: str
    """Helm chart version. Required."""
    executor_cpu_limit: int = 256
    """``limits.cpu`` of the executor pool. Default: 256."""
    driver_cpu_limit: int = 32
    """``limits.cpu`` of the driver pool. Default: 32."""
    consolidate_after: str = "1m"
    """Executor pool ``consolidateAfter``. Default: 1m."""
    ami_alias: str = "al2023@latest"
    """EC2NodeClass AMI alias. Default: al2023@latest."""
    system_pool_label: str = "system"
    """``hybrid-burst/pool`` value of the managed node group the controller runs on. Default: system."""
    partition: str = "aws"
    """ARN partition. Default: aws."""


def node_pool_spec(
    *,
    pool: str,
    capacity_type: str,
    families: Sequence[str],
    cpu_limit: int,
    consolidation_policy: str,
    consolidate_after: str,
    node_class: str,
) -> dict[str, Any]:
    """A ``karpenter.sh/v1`` NodePool spec (https://karpenter.sh/docs/concepts/nodepools/)."""
    return {
        "template": {
            "metadata": {"labels": {POOL_LABEL: pool}},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": node_class},
                "taints": [{"key": TAINT_KEY, "value": pool, "effect": "NoSchedule"}],
                "requirements": [
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [capacity_type]},
                    {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": list(families)},
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                    # No tiny nodes: a Spark executor asks for several vCPUs and GiBs.
                    {"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["3"]},
                ],
                # Nodes are replaced after 30 days (AMI and kernel updates reach long-lived nodes).
                "expireAfter": "720h",
            },
        },
        "limits": {"cpu": str(cpu_limit)},
        "disruption": {"consolidationPolicy": consolidation_policy, "consolidateAfter": consolidate_after},
    }


class Karpenter(pulumi.ComponentResource):
    """Karpenter for the EMR on EKS cluster (see the module docstring)."""

    controller_role_arn: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    node_role_name: pulumi.Output[str]
    interruption_queue_name: pulumi.Output[str]
    interruption_queue_arn: pulumi.Output[str]
    executor_pool_name: str
    driver_pool_name: str

    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:eks:Karpenter", name, None, opts)
        if len(args.subnet_ids) < 2:
            raise ValueError("KarpenterArgs.subnet_ids: list the private subnets of at least two AZs")
        if len(set(args.executor_instance_families)) < 3:
            raise ValueError("KarpenterArgs.executor_instance_families: at least 3 families for Spot executors")
        child = pulumi.ResourceOptions(parent=self)

        # --- interruption handling ---------------------------------------------------------------------------
        queue = aws.sqs.Queue(
            f"{name}-interruptions",
            name=args.cluster_name,
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            opts=child,
        )
        aws.sqs.QueuePolicy(f"{name}-interruptions-policy", queue_url=queue.url, policy=queue.arn.apply(queue_policy),
                            opts=child)
        for event, pattern in INTERRUPTION_EVENTS.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{event}",
                description=f"Karpenter interruption handling for {args.cluster_name}: {pattern['detail-type'][0]}",
                event_pattern=json.dumps(pattern, sort_keys=True),
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{event}-target", rule=rule.name, arn=queue.arn, target_id="KarpenterInterruptionQueue",
                opts=child,
            )

        # --- node role and its access entry ----------------------------------------------------------------
        node_role, attachments = worker_node_role(
            name, description=f"Nodes Karpenter launches for {args.cluster_name}", partition=args.partition, opts=child
        )
        access = aws.eks.AccessEntry(
            f"{name}-node-access",
            cluster_name=args.cluster_name,
            principal_arn=node_role.arn,
            type="EC2_LINUX",
            opts=child,
        )

        # --- controller role (IRSA) -------------------------------------------------------------------------
        controller = aws.iam.Role(
            f"{name}-controller-role",
            assume_role_policy=pulumi.Output.from_input(args.oidc_provider_arn).apply(
                lambda arn: controller_trust_policy(str(arn))
            ),
            description=f"Karpenter controller of {args.cluster_name}",
            opts=child,
        )
        controller_policy = aws.iam.RolePolicy(
            f"{name}-controller-policy",
            role=controller.name,
            policy=grants.policy_document(
                controller_statements(
                    partition=args.partition,
                    region=args.region,
                    account_id=args.account_id,
                    cluster_name=args.cluster_name,
                    queue_arn=queue.arn,
                    node_role_arn=node_role.arn,
                )
            ),
            opts=child,
        )

        # --- Helm release and custom resources ------------------------------------------------------------
        release = k8s.helm.v3.Release(
            f"{name}-release",
            name="karpenter",
            chart=CHART,
            version=args.version,
            namespace=NAMESPACE,
            values={
                "settings": {"clusterName": args.cluster_name, "interruptionQueue": queue.name},
                "serviceAccount": {
                    "name": SERVICE_ACCOUNT,
                    "annotations": {"eks.amazonaws.com/role-arn": controller.arn},
                },
                "replicas": 2,
                # The controller runs on the managed system group, never on nodes it manages itself.
                "nodeSelector": {POOL_LABEL: args.system_pool_label},
                "controller": {"resources": {"requests": {"cpu": "500m", "memory": "512Mi"},
                                             "limits": {"memory": "1Gi"}}},
            },
            opts=pulumi.ResourceOptions(
                parent=self, provider=args.kube_provider, depends_on=[controller_policy, queue, access]
            ),
        )
        after_release = pulumi.ResourceOptions(parent=self, provider=args.kube_provider, depends_on=[release])
        node_class = "spark"
        k8s.apiextensions.CustomResource(
            f"{name}-node-class",
            api_version="karpenter.k8s.aws/v1",
            kind="EC2NodeClass",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=node_class),
            spec={
                "role": node_role.name,
                "amiSelectorTerms": [{"alias": args.ami_alias}],
                "subnetSelectorTerms": [{"id": s} for s in args.subnet_ids],
                # EKS tags the cluster security group it creates (the one managed nodes use) with
                # aws:eks:cluster-name (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html).
                "securityGroupSelectorTerms": [{"tags": {"aws:eks:cluster-name": args.cluster_name}}],
                "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
                "blockDeviceMappings": [
                    {"deviceName": "/dev/xvda", "ebs": {"volumeSize": "100Gi", "volumeType": "gp3", "encrypted": True}}
                ],
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.kube_provider, depends_on=[release, *attachments]),
        )
        pools = {
            EXECUTOR_POOL: node_pool_spec(
                pool=EXECUTOR_POOL,
                capacity_type="spot",
                families=args.executor_instance_families,
                cpu_limit=args.executor_cpu_limit,
                consolidation_policy="WhenEmptyOrUnderutilized",
                consolidate_after=args.consolidate_after,
                node_class=node_class,
            ),
            DRIVER_POOL: node_pool_spec(
                pool=DRIVER_POOL,
                capacity_type="on-demand",
                families=args.driver_instance_families,
                cpu_limit=args.driver_cpu_limit,
                consolidation_policy="WhenEmpty",
                consolidate_after="5m",
                node_class=node_class,
            ),
        }
        for pool, spec in pools.items():
            k8s.apiextensions.CustomResource(
                f"{name}-{pool}",
                api_version="karpenter.sh/v1",
                kind="NodePool",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=pool),
                spec=spec,
                opts=after_release,
            )

        self.controller_role_arn = controller.arn
        self.node_role_arn = node_role.arn
        self.node_role_name = node_role.name
        self.interruption_queue_name = queue.name
        self.interruption_queue_arn = queue.arn
        self.executor_pool_name = EXECUTOR_POOL
        self.driver_pool_name = DRIVER_POOL
        self.register_outputs(
            {
                "controller_role_arn": self.controller_role_arn,
                "node_role_arn": self.node_role_arn,
                "interruption_queue_name": self.interruption_queue_name,
                "interruption_queue_arn": self.interruption_queue_arn,
            }
        )
