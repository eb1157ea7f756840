"""Constrained types shared by every config section.

Each validator's message says what is wrong and how to fix it; the section and key are added by
``errors.from_validation_error``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class StrictModel(BaseModel):
    """Base of every config model: frozen, unknown keys rejected, camelCase keys in YAML."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=True,
        # Attribute docstrings document the keys in docs/configuration.md, read by scripts/gen_docs.py from the
        # source; pydantic's use_attribute_docstrings would re-read every model's source in every process that
        # loads the config (~0.1 s per plan; docs/performance.md).
    )


# Commercial, GovCloud and China partitions; a region code is <area>-<direction>-<n>.
_REGION_RE = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$")
# EC2 instance type: family (letters, generation digit, attribute letters, optional -flex) '.' size.
# Examples: m5.xlarge, m6id.2xlarge, r7gd.metal, c7i-flex.large, u-6tb1.metal, x2iedn.24xlarge.
_INSTANCE_TYPE_RE = re.compile(
    r"^(?:u-\d+tb\d|[a-z]+\d+[a-z-]*(?:-flex)?)\.(?:metal(?:-\d+xl)?|nano|micro|small|medium|large|\d*xlarge)$"
)
_ARN_RE = re.compile(r"^arn:aws(?:-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:.+$")
_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")


def _region(value: str) -> str:
    if not _REGION_RE.match(value):
        raise ValueError("not an AWS region code; use a code such as us-east-1 or eu-west-2")
    return value


_RFC1918 = tuple(ipaddress.IPv4Network(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _cidr(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(
            f"not a valid IPv4 network ({exc}); write it as a network address with a prefix, e.g. 10.20.0.0/16"
        ) from None
    if net.version != 4:
        raise ValueError("VPC CIDRs must be IPv4; use a private range such as 10.20.0.0/16")
    # VPC CIDR blocks must be between /16 and /28
    # (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
    if not 16 <= net.prefixlen <= 28:
        raise ValueError("a VPC CIDR block must be between /16 and /28 (AWS limit); pick e.g. a /16")
    # ``ip_network.is_private`` also admits loopback (127/8) and link-local (169.254/16), which no VPC can use.
    if not any(net.subnet_of(block) for block in _RFC1918):
        raise ValueError("use an RFC 1918 private range (10/8, 172.16/12, 192.168/16) for the VPC")
    return value


def _instance_type(value: str) -> str:
    if not _INSTANCE_TYPE_RE.match(value):
        raise ValueError("not an EC2 instance type; write <family>.<size>, e.g. m6i.xlarge or r6gd.2xlarge")
    return value


def _family(value: str) -> str:
    if not re.match(r"^[a-z]+\d+[a-z-]*$", value):
        raise ValueError("not an EC2 instance family; write the part before the dot, e.g. m6i or r6gd")
    return value


def _arn(value: str) -> str:
    if not _ARN_RE.match(value):
        raise ValueError("not an ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>")
    return value


def _account_id(value: str) -> str:
    if not _ACCOUNT_ID_RE.match(value):
        raise ValueError("not a 12-digit AWS account id")
    return value


Region = Annotated[str, AfterValidator(_region)]
Cidr = Annotated[str, AfterValidator(_cidr)]
InstanceType = Annotated[str, AfterValidator(_instance_type)]
InstanceFamily = Annotated[str, AfterValidator(_family)]
Arn = Annotated[str, AfterValidator(_arn)]
AccountId = Annotated[str, AfterValidator(_account_id)]


def instance_family(instance_type: str) -> str:
    """The family of an instance type: the part before the dot (``m5`` and ``m6i`` differ)."""
    return instance_type.split(".", 1)[0]


# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy, retentionInDays:
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(
            "CloudWatch Logs accepts only these retention periods (days): "
            + ", ".join(str(v) for v in LOG_RETENTION_DAYS)
        )
    return value


LogRetentionDays = Annotated[int, AfterValidator(_retention)]
