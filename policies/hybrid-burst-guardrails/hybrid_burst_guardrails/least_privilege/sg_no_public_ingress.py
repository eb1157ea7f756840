"""Security groups allow no ingress from the whole internet (``0.0.0.0/0`` or ``::/0``).

Three ways to declare ingress (pulumi-aws 7.51.1 getters):

- ``aws:ec2/securityGroup:SecurityGroup``: inline ``ingress[]`` with ``cidrBlocks``, ``ipv6CidrBlocks``,
  ``fromPort``, ``toPort``, ``protocol``;
- ``aws:ec2/securityGroupRule:SecurityGroupRule`` with ``type`` ``ingress`` and the same fields;
- ``aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`` with ``cidrIpv4``/``cidrIpv6``, ``fromPort``,
  ``toPort``, ``ipProtocol``.

Protocol ``-1``/``all`` means every port. Messages name the platform's sensitive ports in the range (SSH, HDFS,
Hive, Trino, Alluxio, YARN: see ``core/ports.py``). Any CIDR with prefix length 0 counts as the internet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_int
from hybrid_burst_guardrails.core.ports import describe_range
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, join_path

RULE_ID = "sg-no-public-ingress"
DESCRIPTION = "Security groups must not allow ingress from 0.0.0.0/0 or ::/0."
SEVERITY = Severity.CRITICAL
REMEDIATION = (
    "Allow ingress only from the peered VPC CIDRs, the on-prem CIDR or other security groups; reach the clusters "
    "through SSM Session Manager instead of public SSH."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedPublicPorts": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "default": [],
        "description": "TCP/UDP ports that may be open to the internet (e.g. 443 for a public load balancer).",
    },
}

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALL_PROTOCOLS = frozenset({"-1", "all"})


def _is_internet(cidr: object) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _port(value: object) -> int | None:
    """A port as the provider reads it (``"22"`` is 22); ``None`` when unset or unreadable (judged as any port)."""
    read = provider_int(value)
    return read if isinstance(read, int) else None


def _judge(
    entry: Mapping[str, Any], path: str, cidrs: list[tuple[str, object]], config: Config, ev: Evaluation
) -> None:
    unknown = [p for p, c in cidrs if is_unknown(c)]
    public = sorted({str(c) for _, c in cidrs if _is_internet(c)})
    if not public:
        for p in unknown:
            ev.unknown(p)
        return
    protocol = entry.get("protocol", entry.get("ipProtocol"))
    raw_from, raw_to = entry.get("fromPort"), entry.get("toPort")
    if any(is_unknown(v) for v in (protocol, raw_from, raw_to)):
        ev.unknown(join_path(path, "fromPort/toPort/protocol"))
        return
    proto = str(protocol).lower() if protocol is not None else "-1"
    if proto in ALL_PROTOCOLS:
        low, high = 0, 65535
    elif proto in {"icmp", "1", "icmpv6", "58"}:
        ev.fail(f"{path} allows {proto.upper()} from {', '.join(public)}.")
        return
    else:
        from_port, to_port = _port(raw_from), _port(raw_to)
        low = from_port if from_port is not None and from_port >= 0 else 0
        high = to_port if to_port is not None and to_port >= 0 else 65535
    allowed = set(config["allowedPublicPorts"])
    if high - low + 1 <= len(allowed) and all(port in allowed for port in range(low, high + 1)):
        return
    ev.fail(f"{path} allows {proto} {describe_range(low, high)} from {', '.join(public)}.")


def check(resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    if resource_type == SECURITY_GROUP:
        ingress = props.get("ingress")
        if is_unknown(ingress):
            ev.unknown("ingress")
            return ev
        for i, raw in enumerate(as_list(ingress)):
            entry = as_mapping(raw)
            if entry is None:
                if is_unknown(raw):
                    ev.unknown(join_path("ingress", i))
                continue
            cidrs = [
                (join_path("ingress", i, key, j), c)
                for key in ("cidrBlocks", "ipv6CidrBlocks")
                for j, c in enumerate(as_list(entry.get(key)))
            ]
            _judge(entry, join_path("ingress", i), cidrs, config, ev)
    elif resource_type == SECURITY_GROUP_RULE:
        kind = props.get("type")
        if is_unknown(kind):
            ev.unknown("type")
            return ev
        if kind != "ingress":
            return ev
        cidrs = [
            (join_path(key, j), c)
            for key in ("cidrBlocks", "ipv6CidrBlocks")
            for j, c in enumerate(as_list(props.get(key)))
        ]
        _judge(props, "ingress rule", cidrs, config, ev)
    else:
        cidrs = [(key, props.get(key)) for key in ("cidrIpv4", "cidrIpv6") if props.get(key) is not None]
        _judge(props, "ingress rule", cidrs, config, ev)
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
