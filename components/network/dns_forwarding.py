"""DnsForwarding: names of the on-prem domain resolve from the compute VPC through the on-prem DNS servers.

A Route 53 Resolver outbound endpoint (one IP in each of two or more private subnets; "Resolver endpoints need IP
addresses in at least two Availability Zones", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-outbound-queries.html)
with a security group that sends DNS (TCP and UDP 53) to the on-prem servers only, a ``FORWARD`` rule for the
on-prem domain to those servers, and the rule's association with the compute VPC. Everything else keeps resolving
through the VPC's Route 53 Resolver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

DNS_PORT = 53
# A rule forwards to at most 6 target IPs (Route 53 Resolver quotas).
MAX_TARGETS = 6


@dataclass(frozen=True, kw_only=True)
class DnsForwardingArgs:
    domain: str
    """The on-prem domain to forward, e.g. ``corp.example.com``. Required."""
    target_ips: Sequence[str]
    """The on-prem DNS servers (port 53). Required (1-6)."""
    vpc_id: pulumi.Input[str]
    """The VPC the endpoint lives in and the rule is associated with. Required."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets for the endpoint's IPs, one per AZ. Required (at least two)."""


class DnsForwarding(pulumi.ComponentResource):
    """Outbound endpoint + security group + forwarding rule + rule association."""

    endpoint_id: pulumi.Output[str]
    rule_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DnsForwardingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:network:DnsForwarding", name, None, opts)
        if len(args.subnet_ids) < 2:
            raise ValueError("DnsForwardingArgs.subnet_ids: a Resolver endpoint needs subnets in at least two AZs")
        if not 1 <= len(args.target_ips) <= MAX_TARGETS:
            raise ValueError(f"DnsForwardingArgs.target_ips: give 1-{MAX_TARGETS} DNS servers")
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-endpoint",
            vpc_id=args.vpc_id,
            description=f"Route 53 Resolver outbound endpoint: DNS to the on-prem servers of {args.domain} only",
            tags={"Name": f"{name}-endpoint"},
            opts=child,
        )
        for ip in args.target_ips:
            for protocol in ("udp", "tcp"):
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-dns-{protocol}-{ip.replace('.', '-')}",
                    security_group_id=group.id,
                    ip_protocol=protocol,
                    from_port=DNS_PORT,
                    to_port=DNS_PORT,
                    cidr_ipv4=f"{ip}/32",
                    description=f"DNS ({protocol}) to the on-prem server {ip}",
                    opts=child,
                )
        endpoint = aws.route53.ResolverEndpoint(
            f"{name}-outbound",
            direction="OUTBOUND",
            security_group_ids=[group.id],
            ip_addresses=[aws.route53.ResolverEndpointIpAddressArgs(subnet_id=s) for s in args.subnet_ids],
            tags={"Name": f"{name}-outbound"},
            opts=child,
        )
        rule = aws.route53.ResolverRule(
            f"{name}-rule",
            domain_name=args.domain,
            rule_type="FORWARD",
            resolver_endpoint_id=endpoint.id,
            target_ips=[aws.route53.ResolverRuleTargetIpArgs(ip=ip, port=DNS_PORT) for ip in args.target_ips],
            tags={"Name": f"{name}-rule"},
            opts=child,
        )
        aws.route53.ResolverRuleAssociation(
            f"{name}-association",
            resolver_rule_id=rule.id,
            vpc_id=args.vpc_id,
            opts=child,
        )
        self.endpoint_id = endpoint.id
        self.rule_id = rule.id
        self.security_group_id = group.id
        self.register_outputs(
            {"endpoint_id": self.endpoint_id, "rule_id": self.rule_id, "security_group_id": self.security_group_id}
        )
