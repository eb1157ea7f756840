"""``hybrid-burst:eks``: EMR on EKS in the burst compute region (EKS cluster, node groups, virtual cluster).

EMR on EKS is the second way to run Spark in the burst region: jobs go to a virtual cluster bound to one
Kubernetes namespace, pods run on a Spot managed node group, the job execution role is assumed through IRSA.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from .types import InstanceType, StrictModel, instance_family

# Kubernetes versions in EKS standard support when this was written (Feb 2026): 1.32 (until 23 Mar 2026),
# 1.33, 1.34, 1.35. Older minors are in extended support at an extra cost per cluster hour, then
# auto-upgraded (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; calendar as
# listed on https://endoflife.date/amazon-eks). Add a version here when EKS releases it.
SUPPORTED_KUBERNETES_VERSIONS: tuple[str, ...] = ("1.32", "1.33", "1.34", "1.35")
_VERSION_RE = re.compile(r"^1\.\d{2}$")

# A Kubernetes namespace name is an RFC 1123 DNS label: lowercase alphanumerics and '-', starting and ending
# alphanumeric, at most 63 characters (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
_DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_LABEL_MAX = 63
_RESERVED_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})

# Spot best practice: diversify over many instance types so one pool's interruption does not take the group
# down (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types).
MIN_SPOT_INSTANCE_TYPES = 5
# A managed node group takes 0-20 instance types (CreateNodegroup ``instanceTypes`` documentation,
# botocore/data/eks/2017-11-01/service-2.json.gz).
MAX_NODE_GROUP_INSTANCE_TYPES = 20
# EKS managed node group quota: at most 450 nodes per node group
# (https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html).
MAX_NODES_PER_GROUP = 450


class NodeGroupConfig(StrictModel):
    """Sizes and instance types of one managed node group."""

    instance_types: list[InstanceType]
    """EC2 instance types the group may launch. Required."""
    min_size: int
    """Minimum number of nodes (> 0). Required."""
    desired_size: int
    """Nodes at creation (min <= desired <= max). Pulumi ignores later changes made by an autoscaler."""
    max_size: int
    """Maximum number of nodes (<= 450, the EKS per-group quota). Required."""

    @field_validator("min_size", "desired_size", "max_size")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be a positive number of nodes (> 0); an empty group cannot run the job pods")
        if value > MAX_NODES_PER_GROUP:
            raise ValueError(f"EKS allows at most {MAX_NODES_PER_GROUP} nodes per managed node group")
        return value

    @field_validator("instance_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("list at least one instance type, e.g. [m6i.large]")
        if len(set(value)) != len(value):
            raise ValueError("repeats an instance type; list each type once")
        if len(value) > MAX_NODE_GROUP_INSTANCE_TYPES:
            raise ValueError(f"a managed node group accepts at most {MAX_NODE_GROUP_INSTANCE_TYPES} instance types")
        return value

    @model_validator(mode="after")
    def _order(self) -> NodeGroupConfig:
        if self.min_size > self.desired_size:
            raise ValueError(
                f"@desiredSize: {self.desired_size} is below minSize {self.min_size}; "
                "sizes must satisfy minSize <= desiredSize <= maxSize"
            )
        if self.desired_size > self.max_size:
            raise ValueError(
                f"@desiredSize: {self.desired_size} is above maxSize {self.max_size}; "
                "sizes must satisfy minSize <= desiredSize <= maxSize"
            )
        return self


class SpotNodeGroupConfig(NodeGroupConfig):
    """The Spot group that runs Spark drivers and executors."""

    @field_validator("instance_types")
    @classmethod
    def _diversified(cls, value: list[str]) -> list[str]:
        if len(set(value)) < MIN_SPOT_INSTANCE_TYPES:
            raise ValueError(
                f"lists {len(set(value))} instance type(s); a Spot node group needs at least "
                f"{MIN_SPOT_INSTANCE_TYPES} so that one Spot pool's interruption or shortage does not stall the "
                "jobs - add types of the same size from other families, e.g. r5.2xlarge, r5a.2xlarge, "
                "r5d.2xlarge, r6i.2xlarge, r6a.2xlarge"
            )
        return value


# Karpenter release: 1.11 supports Kubernetes 1.29-1.35, i.e. every version above
# (https://endoflife.date/karpenter, "Kubernetes Compatibility"; https://karpenter.sh/docs/upgrading/compatibility/).
KARPENTER_VERSION = "1.11.1"
_KARPENTER_VERSION_RE = re.compile(r"^1\.\d+\.\d+$")
_FAMILY_RE = re.compile(r"^[a-z][a-z0-9-]*[0-9][a-z0-9-]*$")
# The Spot-diversification floor the policy pack checks for NodePools that use Spot: several families, so a
# shortage of one family (all its sizes share hardware) does not stall the executors.
MIN_SPOT_FAMILIES = 3
_CONSOLIDATE_RE = re.compile(r"^(\d+(s|m|h)|Never)$")


class KarpenterConfig(StrictModel):
    """Karpenter on the EMR on EKS cluster: Spot executors, On-Demand drivers, consolidation, interruption queue."""

    enabled: bool = True
    """Install Karpenter (controller IAM role, interruption queue and EventBridge rules, Helm release, EC2NodeClass
    and the two NodePools). Default: on wherever EMR on EKS is on."""
    version: str = KARPENTER_VERSION
    """Karpenter Helm chart version (``oci://public.ecr.aws/karpenter/karpenter``). Default: 1.11.1 (supports
    Kubernetes 1.29-1.35)."""
    executor_instance_families: list[str] = Field(
        default_factory=lambda: ["r5", "r5a", "r5d", "r6i", "r6a", "r7i", "r7a"]
    )
    """EC2 families of the Spot executor NodePool (Karpenter picks sizes). At least 3. Default: memory-optimised
    r5/r5a/r5d/r6i/r6a/r7i/r7a (Spark executors are memory-bound)."""
    driver_instance_families: list[str] = Field(default_factory=lambda: ["m5", "m6i", "m6a", "m7i"])
    """EC2 families of the On-Demand driver NodePool. Default: m5, m6i, m6a, m7i."""
    executor_cpu_limit: int = Field(default=256, ge=8, le=100_000)
    """NodePool ``limits.cpu`` of the executors: Karpenter launches no node beyond it. Default: 256 vCPUs."""
    driver_cpu_limit: int = Field(default=32, ge=2, le=10_000)
    """NodePool ``limits.cpu`` of the drivers. Default: 32 vCPUs."""
    consolidate_after: str = "1m"
    """How long an executor node must be empty or underutilised before Karpenter consolidates it. Default: 1m."""
    ami_alias: str = "al2023@latest"
    """EC2NodeClass ``amiSelectorTerms`` alias. Default: ``al2023@latest`` (EKS-optimised AL2023; pin a version,
    e.g. ``al2023@v20251023``, to control node drift)."""

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _KARPENTER_VERSION_RE.match(value):
            raise ValueError("write a Karpenter 1.x release, e.g. 1.11.1 (v1 APIs: karpenter.sh/v1)")
        return value

    @field_validator("executor_instance_families", "driver_instance_families")
    @classmethod
    def _families(cls, value: list[str]) -> list[str]:
        bad = [f for f in value if not _FAMILY_RE.match(f)]
        if bad or not value:
            raise ValueError(f"{bad or 'empty'}: list EC2 instance families such as r6i or m7i (no sizes)")
        if len(set(value)) != len(value):
            raise ValueError("repeats a family; list each once")
        return value

    @field_validator("executor_instance_families")
    @classmethod
    def _spot_families(cls, value: list[str]) -> list[str]:
        if len(value) < MIN_SPOT_FAMILIES:
            raise ValueError(
                f"lists {len(value)} famil{'y' if len(value) == 1 else 'ies'}; the Spot executors need at least "
                f"{MIN_SPOT_FAMILIES} so that one family's Spot shortage does not stall the jobs, e.g. r5, r6i, r7i"
            )
        return value

    @field_validator("consolidate_after")
    @classmethod
    def _consolidate(cls, value: str) -> str:
        if not _CONSOLIDATE_RE.match(value):
            raise ValueError("write a duration like 30s, 1m, 1h, or Never")
        return value


class EksConfig(StrictModel):
    """EMR on EKS in the compute region: cluster, Spot and system node groups, virtual cluster, job role."""

    enabled: bool
    """Deploy EMR on EKS (cluster, node groups, virtual cluster, job role). Required (preset: off in dev - the
    EKS control plane and the always-on nodes cost money while idle; on in staging and prod)."""
    kubernetes_version: str = "1.34"
    """EKS Kubernetes minor version. Default: 1.34 (in standard support until Dec 2026)."""
    namespace: str = "emr-spark"
    """Namespace the virtual cluster is bound to; jobs and the EMR-managed service accounts live here.
    Default: emr-spark."""
    endpoint_public_access: bool = False
    """Expose the Kubernetes API endpoint publicly. Default: off - private endpoint only, so ``pulumi up`` must
    run from inside the compute VPC (or a network peered/VPN'd to it)."""
    public_access_cidrs: list[str] = Field(default_factory=list)
    """CIDRs allowed to reach a public endpoint; required (and never 0.0.0.0/0) when it is on."""
    create_service_linked_role: bool = False
    """Create the account's ``AWSServiceRoleForAmazonEMRContainers`` service-linked role. Default: off (it
    exists once per account; create it once with ``aws iam create-service-linked-role --aws-service-name
    emr-containers.amazonaws.com`` or set this in exactly one stack per account)."""
    spot: SpotNodeGroupConfig
    """The Spot managed node group for Spark pods (>= 5 instance types)."""
    system: NodeGroupConfig
    """The small On-Demand node group for cluster add-ons (CoreDNS) and the Karpenter controller."""
    karpenter: KarpenterConfig = Field(default_factory=KarpenterConfig)
    """Karpenter: grows Spot executor and On-Demand driver capacity on demand (the managed groups do not grow past
    their desired size without an autoscaler)."""

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION_RE.match(value):
            raise ValueError("write the Kubernetes minor version as <major>.<minor>, e.g. 1.34")
        if value not in SUPPORTED_KUBERNETES_VERSIONS:
            raise ValueError(
                "not a Kubernetes version in EKS standard support; use one of "
                + ", ".join(SUPPORTED_KUBERNETES_VERSIONS)
            )
        return value

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if len(value) > _DNS_LABEL_MAX or not _DNS_LABEL_RE.match(value):
            raise ValueError(
                "not a valid Kubernetes namespace (an RFC 1123 DNS label: lowercase letters, digits and '-', "
                "starting and ending with a letter or digit, at most 63 characters), e.g. emr-spark"
            )
        if value in _RESERVED_NAMESPACES or value.startswith("kube-"):
            raise ValueError("is a namespace Kubernetes reserves; pick a dedicated one such as emr-spark")
        return value

    @model_validator(mode="after")
    def _public(self) -> EksConfig:
        if self.endpoint_public_access and not self.public_access_cidrs:
            raise ValueError(
                "@publicAccessCidrs: endpointPublicAccess is on but no CIDRs are listed; list the operator "
                "networks (e.g. [203.0.113.0/24]) or turn the public endpoint off"
            )
        if any(c.strip() == "0.0.0.0/0" for c in self.public_access_cidrs):
            raise ValueError(
                "@publicAccessCidrs: 0.0.0.0/0 opens the Kubernetes API to the internet; list the operator "
                "networks instead"
            )
        return self

    def spot_families(self) -> list[str]:
        """Distinct instance families of the Spot group (for reports and docs)."""
        return sorted({instance_family(t) for t in self.spot.instance_types})


# Memory-optimised types of one size (8 vCPU / 64 GiB in staging/prod, 4 vCPU / 32 GiB in dev) over several
# families and both CPU vendors: Spark executors get the same shape on any of them, and each type is a separate
# Spot pool per AZ.
_SPOT_2XL = ["r5.2xlarge", "r5a.2xlarge", "r5d.2xlarge", "r5n.2xlarge", "r6i.2xlarge", "r6a.2xlarge",
             "r6id.2xlarge", "r7i.2xlarge", "r7a.2xlarge"]
_SPOT_XL = ["r5.xlarge", "r5a.xlarge", "r5d.xlarge", "r6i.xlarge", "r6a.xlarge", "r7i.xlarge"]

PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "enabled": False,
        "spot": {"instanceTypes": _SPOT_XL, "minSize": 1, "desiredSize": 1, "maxSize": 4},
        "system": {"instanceTypes": ["m6i.large", "m5.large"], "minSize": 1, "desiredSize": 1, "maxSize": 2},
    },
    "staging": {
        "enabled": True,
        "spot": {"instanceTypes": _SPOT_2XL, "minSize": 1, "desiredSize": 2, "maxSize": 10},
        "system": {"instanceTypes": ["m6i.large", "m5.large"], "minSize": 2, "desiredSize": 2, "maxSize": 3},
    },
    "prod": {
        "enabled": True,
        "spot": {"instanceTypes": _SPOT_2XL, "minSize": 2, "desiredSize": 3, "maxSize": 40},
        "system": {"instanceTypes": ["m6i.large", "m5.large"], "minSize": 2, "desiredSize": 3, "maxSize": 4},
        "karpenter": {"executorCpuLimit": 1024, "driverCpuLimit": 128},
    },
}
