"""``hybrid-burst:network``: the two VPCs that the peering joins."""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .types import Cidr, LogRetentionDays, StrictModel

# Interface endpoints a private EMR cluster uses without a NAT: EMR's control plane, STS for role
# credentials, CloudWatch Logs and CloudWatch (monitoring) for the agent, KMS for local-disk encryption, Glue and Lake
# Formation for the Data Catalog (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html,
# https://docs.aws.amazon.com/emr/latest/ManagementGuide/interface-vpc-endpoint.html), and the three Session Manager
# needs: ssm, ssmmessages, ec2messages
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html).
# scripts/offline/egress.py derives what each cluster calls from the plan; its test checks every call has a route.
InterfaceEndpoint = Literal[
    "elasticmapreduce", "sts", "logs", "glue", "kms", "monitoring", "ec2", "lakeformation",
    "ssm", "ssmmessages", "ec2messages", "secretsmanager",
]
SESSION_MANAGER_ENDPOINTS: tuple[InterfaceEndpoint, ...] = ("ssm", "ssmmessages", "ec2messages")
"""What the SSM Agent calls for Session Manager: without a NAT, a VPC needs all three."""
# What the on-prem proxy cluster's nodes call besides S3 (gateway endpoint): EMR, the agent's Logs and CloudWatch,
# KMS for its encrypted disks (derived and checked per stack by tests/scripts/offline/test_egress.py).
_ONPREM_ENDPOINTS = ["elasticmapreduce", "logs", "monitoring", "kms", *SESSION_MANAGER_ENDPOINTS]

# Each AZ gets one private subnet carved from the VPC CIDR with this many extra prefix bits
# (/16 -> /20: 4,091 usable addresses per AZ, room for large fleets).
SUBNET_NEWBITS = 4
MIN_AZS = 2
MAX_AZS = 6


class NetworkSide(StrictModel):
    """One side of the hybrid network (the on-prem proxy VPC or the burst compute VPC)."""

    cidr: Cidr
    """VPC CIDR; must not overlap the other side (peering needs disjoint ranges). Required."""
    az_count: int = 3
    """Number of AZs with a private subnet. Default: 3. EMR fleets pick one AZ per cluster at launch, so more
    AZs means more capacity pools to choose from."""
    az_names: list[str] | None = None
    """Explicit AZ names (must start with the side's region). Default: the first ``azCount`` available AZs of
    the region, looked up at deploy time."""
    nat_gateway: bool = False
    """Create one NAT gateway (and a public subnet) for outbound internet. Default: no NAT; the VPC reaches AWS
    services through the S3 gateway endpoint and the interface endpoints below."""
    interface_endpoints: list[InterfaceEndpoint] = Field(default_factory=list)
    """Interface VPC endpoints to create (private DNS on, in every private subnet, HTTPS from the VPC only).
    Default: none - the VPC then reaches services other than S3 only through the NAT. Presets: the on-prem VPC
    (no NAT) gets everything its cluster calls; every VPC gets the Session Manager endpoints."""
    flow_log_retention_days: LogRetentionDays = 30
    """Retention of the VPC flow-log group (KMS-encrypted). Default: 30 days."""

    @field_validator("az_count")
    @classmethod
    def _az_count(cls, value: int) -> int:
        if not MIN_AZS <= value <= MAX_AZS:
            raise ValueError(
                f"too few or too many AZs: need {MIN_AZS}-{MAX_AZS}; EMR fleets choose among the cluster's subnets "
                "for capacity and a single AZ is a single point of failure - set azCount: 2 or 3"
            )
        return value

    @model_validator(mode="after")
    def _check_azs(self) -> NetworkSide:
        if self.az_names is not None and len(self.az_names) != self.az_count:
            raise ValueError(
                f"@azNames: lists {len(self.az_names)} AZs but azCount is {self.az_count}; make them agree "
                "or drop azNames"
            )
        if self.az_names is not None and len(set(self.az_names)) != len(self.az_names):
            raise ValueError("@azNames: repeats an AZ; list each AZ once")
        net = ipaddress.ip_network(self.cidr)
        if net.prefixlen + SUBNET_NEWBITS > 28:
            raise ValueError(
                f"@cidr: {self.cidr} is too small to carve {self.az_count} private subnets of "
                f"/{net.prefixlen + SUBNET_NEWBITS}; use /24 or larger"
            )
        return self

    def subnet_cidrs(self) -> list[str]:
        """The private subnet CIDRs, one per AZ, carved in order from the VPC CIDR."""
        net = ipaddress.ip_network(self.cidr)
        subnets = list(net.subnets(new_prefix=net.prefixlen + SUBNET_NEWBITS))
        return [str(s) for s in subnets[: self.az_count]]

    def public_subnet_cidr(self) -> str:
        """The public subnet for the NAT gateway: the last block of the VPC CIDR."""
        net = ipaddress.ip_network(self.cidr)
        return str(list(net.subnets(new_prefix=net.prefixlen + SUBNET_NEWBITS))[-1])


class NetworkConfig(StrictModel):
    """Both VPCs (non-overlapping CIDRs, AZs, endpoints, NAT, flow logs) and the peering's DNS option."""

    onprem: NetworkSide | None = None
    """The on-prem proxy VPC (Hadoop/Hive/HDFS cluster). Required in proxy mode; not read with
    ``onprem.mode: external`` (no on-prem VPC is built)."""
    compute: NetworkSide
    """The burst compute VPC (Trino/Spark/Alluxio cluster, EMR on EKS)."""
    allow_remote_dns_resolution: bool = True
    """Resolve the peer VPC's private DNS names to private IPs across the peering. Default: on both sides."""

    @model_validator(mode="after")
    def _no_overlap(self) -> NetworkConfig:
        if self.onprem is None:
            return self
        a = ipaddress.ip_network(self.onprem.cidr)
        b = ipaddress.ip_network(self.compute.cidr)
        if a.overlaps(b):
            raise ValueError(
                f"@compute.cidr: {self.compute.cidr} overlaps onprem.cidr {self.onprem.cidr}; VPC peering needs "
                "non-overlapping ranges - pick disjoint ranges such as 10.10.0.0/16 and 10.20.0.0/16"
            )
        return self


PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "onprem": {"azCount": 2, "flowLogRetentionDays": 7, "interfaceEndpoints": _ONPREM_ENDPOINTS},
        "compute": {
            "azCount": 3,
            "flowLogRetentionDays": 7,
            "natGateway": True,
            "interfaceEndpoints": [*SESSION_MANAGER_ENDPOINTS],
        },
    },
    "staging": {
        "onprem": {"azCount": 2, "flowLogRetentionDays": 30, "interfaceEndpoints": _ONPREM_ENDPOINTS},
        "compute": {
            "azCount": 3,
            "flowLogRetentionDays": 30,
            "interfaceEndpoints": ["elasticmapreduce", "sts", "logs", "glue", *SESSION_MANAGER_ENDPOINTS],
            "natGateway": True,
        },
    },
    "prod": {
        "onprem": {"azCount": 2, "flowLogRetentionDays": 365, "interfaceEndpoints": _ONPREM_ENDPOINTS},
        "compute": {
            "azCount": 3,
            "flowLogRetentionDays": 365,
            "interfaceEndpoints": [
                "elasticmapreduce", "sts", "logs", "glue", "kms", "monitoring", *SESSION_MANAGER_ENDPOINTS,
            ],
            "natGateway": True,
        },
    },
}
