"""Mock answers for the on-prem link and Kerberos resources (issue 13): the VPN and transit-gateway family, Route 53
Resolver, Secrets Manager secrets and the secret-value invoke. Merged into ``mock_outputs.OUTPUTS``/``INVOKES``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mock_outputs import Ctx

# Physical-id prefix and ARN resource kind (EC2 resource ids:
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/resource-ids.html).
_EC2: dict[str, tuple[str, str]] = {
    "aws:ec2/customerGateway:CustomerGateway": ("cgw", "customer-gateway"),
    "aws:ec2/vpnGateway:VpnGateway": ("vgw", "vpn-gateway"),
    "aws:ec2/vpnConnection:VpnConnection": ("vpn", "vpn-connection"),
    "aws:ec2transitgateway/transitGateway:TransitGateway": ("tgw", "transit-gateway"),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": ("tgw-attach", "transit-gateway-attachment"),
}


def _ec2(ctx: Ctx) -> dict[str, Any]:
    prefix, kind = _EC2[ctx.type]
    rid = f"{prefix}-0{ctx.hex(16)}"
    out: dict[str, Any] = {"id": rid, "arn": ctx.arn("ec2", f"{kind}/{rid}")}
    if kind == "transit-gateway":
        out["associationDefaultRouteTableId"] = f"tgw-rtb-0{ctx.hex(16)}"
        out["propagationDefaultRouteTableId"] = f"tgw-rtb-0{ctx.hex(16)}"
    if kind == "vpn-connection" and ctx.inputs.get("transitGatewayId"):
        # A VPN on a transit gateway gets its own attachment (DescribeVpnConnections: TransitGatewayAttachmentId).
        out["transitGatewayAttachmentId"] = f"tgw-attach-0{ctx.hex(15)}v"
    return out


def _secret(ctx: Ctx) -> dict[str, Any]:
    """A secret's ARN ends in its name, a hyphen and six random characters (Secrets Manager, "Permissions
    reference": https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html); the
    provider's id is the ARN."""
    name = ctx.auto_name(max_len=512)
    arn = ctx.arn("secretsmanager", f"secret:{name}-{ctx.hex(6)}")
    return {"id": arn, "name": name, "arn": arn}


def _resolver_endpoint(ctx: Ctx) -> dict[str, Any]:
    return {"id": f"rslvr-{'out' if ctx.inputs.get('direction') == 'OUTBOUND' else 'in'}-{ctx.hex(17)}"}


LINK_OUTPUTS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    **dict.fromkeys(_EC2, _ec2),
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:route53/resolverEndpoint:ResolverEndpoint": _resolver_endpoint,
    "aws:route53/resolverRule:ResolverRule": lambda ctx: {"id": f"rslvr-rr-{ctx.hex(17)}"},
    "aws:route53/resolverRuleAssociation:ResolverRuleAssociation": lambda ctx: {"id": f"rslvr-rrassoc-{ctx.hex(17)}"},
}


def _secret_version(args: dict[str, Any], _region: str) -> dict[str, Any]:
    """An existing secret's value cannot be known offline: a placeholder (the program marks it secret)."""
    secret_id = str(args.get("secretId"))
    return {
        "id": f"{secret_id}|AWSCURRENT",
        "arn": secret_id,
        "secretId": secret_id,
        "secretString": "offline-placeholder-not-a-secret",
        "versionId": "00000000-0000-0000-0000-000000000000",
        "versionStages": ["AWSCURRENT"],
    }


LINK_INVOKES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "aws:secretsmanager/getSecretVersion:getSecretVersion": _secret_version,
}
