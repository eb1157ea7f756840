"""RegionalNetwork: one VPC with private subnets across AZs, endpoints, optional NAT and encrypted flow logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import naming
from components.emr.tags import EMR_MANAGED_TAG
from components.security import grants
from components.security.kms_key import KmsKey, KmsKeyArgs, logs_service_grant


@dataclass(frozen=True, kw_only=True)
class RegionalNetworkArgs:
    region: str
    """Region of the provider passed in ``opts`` (used for endpoint service names). Required."""
    cidr: str
    """VPC CIDR. Required."""
    private_subnet_cidrs: Sequence[str]
    """One private subnet per AZ, in AZ order; the count fixes the AZ count at plan time. Required (2-6)."""
    az_names: Sequence[str] | None = None
    """AZ names, one per subnet. Default: the first available AZs of the region, looked up at deploy time."""
    nat_gateway: bool = False
    """Create an internet gateway, one public subnet and one NAT gateway for outbound traffic. Default: no NAT,
    no public subnet - the VPC reaches S3 through the gateway endpoint and other services through interface
    endpoints."""
    public_subnet_cidr: str | None = None
    """CIDR of the NAT's public subnet; required when ``nat_gateway`` is on."""
    interface_endpoints: Sequence[str] = ()
    """Interface endpoint services (``sts``, ``logs``, ``elasticmapreduce``, ``glue``, ...). Default: none."""
    flow_log_retention_days: int = 30
    """Retention of the flow-log group. Default: 30 days."""
    logs_kms_key_arn: pulumi.Input[str] | None = None
    """KMS key for the flow-log group. Default: a key is created for this network (bring your own to share one
    per region)."""
    account_id: pulumi.Input[str] | None = None
    """Account id; required only when the flow-log key is created here."""

    def __post_init__(self) -> None:
        # Checked when the args are built, so a bad combination registers nothing.
        if self.nat_gateway and not self.public_subnet_cidr:
            raise ValueError("RegionalNetworkArgs.public_subnet_cidr is required when nat_gateway is on")
        if self.az_names is not None and len(self.az_names) != len(self.private_subnet_cidrs):
            raise ValueError("RegionalNetworkArgs.az_names must list one AZ per private subnet CIDR")
        if self.logs_kms_key_arn is None and self.account_id is None:
            raise ValueError("RegionalNetworkArgs.account_id is required when logs_kms_key_arn is not given")


class RegionalNetwork(pulumi.ComponentResource):
    """A private VPC for EMR: no subnet maps public IPs, each AZ has its own route table (so peering and NAT
    routes are per AZ), S3 traffic stays on the gateway endpoint, and all traffic is logged to a KMS-encrypted
    log group."""

    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    private_subnet_ids: list[pulumi.Output[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    s3_endpoint_id: pulumi.Output[str]
    flow_log_group_name: pulumi.Output[str]
    flow_log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RegionalNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:network:RegionalNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc_cidr = args.cidr

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,  # EMR needs DNS hostnames in the VPC
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )
        # Adopt the VPC's default security group with no rules: the provider removes AWS's allow-all defaults
        # (all traffic between members, all egress) when it starts managing the group, and any ENI launched
        # without a group lands in it (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html;
        # pulumi_aws/ec2/default_security_group.py). Policy rule: vpc-default-security-group-closed.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            tags={"Name": f"{name}-default (closed)"},
            opts=child,
        )

        if args.az_names is not None:
            az_names: Sequence[pulumi.Input[str]] = list(args.az_names)
        else:
            azs = aws.get_availability_zones_output(
                state="available",
                filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            az_names = [azs.names[i] for i in range(len(args.private_subnet_cidrs))]

        subnets: list[aws.ec2.Subnet] = []
        tables: list[aws.ec2.RouteTable] = []
        for i, (cidr, az) in enumerate(zip(args.private_subnet_cidrs, az_names, strict=True)):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{i}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{i}", "tier": "private", **EMR_MANAGED_TAG},
                opts=child,
            )
            table = aws.ec2.RouteTable(
                f"{name}-private-rt-{i}",
                vpc_id=vpc.id,
                tags={"Name": f"{name}-private-rt-{i}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-rta-{i}", subnet_id=subnet.id, route_table_id=table.id, opts=child
            )
            subnets.append(subnet)
            tables.append(table)

        s3 = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in tables],
            tags={"Name": f"{name}-s3"},
            opts=child,
        )

        if args.interface_endpoints:
            endpoint_sg = aws.ec2.SecurityGroup(
                f"{name}-endpoints",
                vpc_id=vpc.id,
                description="HTTPS from inside the VPC to interface endpoints",
                tags={"Name": f"{name}-endpoints"},
                opts=child,
            )
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-endpoints-https",
                security_group_id=endpoint_sg.id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=args.cidr,
                description="HTTPS from this VPC",
                opts=child,
            )
            for service in args.interface_endpoints:
                aws.ec2.VpcEndpoint(
                    f"{name}-{service}",
                    vpc_id=vpc.id,
                    service_name=f"com.amazonaws.{args.region}.{service}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=[s.id for s in subnets],
                    security_group_ids=[endpoint_sg.id],
                    tags={"Name": f"{name}-{service}"},
                    opts=child,
                )

        if args.nat_gateway:
            igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{name}-igw"}, opts=child)
            public = aws.ec2.Subnet(
                f"{name}-public",
                vpc_id=vpc.id,
                cidr_block=args.public_subnet_cidr,
                availability_zone=az_names[0],
                map_public_ip_on_launch=False,  # only the NAT lives here, on its Elastic IP
                tags={"Name": f"{name}-public", "tier": "public"},
                opts=child,
            )
            public_rt = aws.ec2.RouteTable(
                f"{name}-public-rt",
                vpc_id=vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
                tags={"Name": f"{name}-public-rt"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-rta", subnet_id=public.id, route_table_id=public_rt.id, opts=child
            )
            eip = aws.ec2.Eip(f"{name}-nat-eip", domain="vpc", tags={"Name": f"{name}-nat"}, opts=child)
            nat = aws.ec2.NatGateway(
                f"{name}-nat",
                allocation_id=eip.id,
                subnet_id=public.id,
                tags={"Name": f"{name}-nat"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )
            for i, table in enumerate(tables):
                aws.ec2.Route(
                    f"{name}-private-default-{i}",
                    route_table_id=table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                    opts=child,
                )

        # Flow logs to a KMS-encrypted log group, delivered by a role that can write only to that group.
        if args.logs_kms_key_arn is not None:
            logs_key_arn: pulumi.Input[str] = args.logs_kms_key_arn
        else:
            assert args.account_id is not None  # checked in RegionalNetworkArgs.__post_init__
            logs_key_arn = KmsKey(
                f"{name}-flow-logs",
                KmsKeyArgs(
                    account_id=args.account_id,
                    region=args.region,
                    purpose=f"{name}-flow-logs",
                    service_grants=[logs_service_grant(args.region)],
                ),
                opts=child,
            ).key_arn
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=naming.log_group(pulumi.get_stack(), "vpc", name, "flow-logs"),
            retention_in_days=args.flow_log_retention_days,
            kms_key_id=logs_key_arn,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=grants.service_assume_role_policy(["vpc-flow-logs.amazonaws.com"]),
            description=f"VPC flow logs of {name} deliver to their log group",
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.name,
            policy=grants.policy_document(
                [
                    grants.logs_write([group.arn], sid="deliver flow logs"),
                    grants.unscoped_read_only("describe log groups", ["logs:DescribeLogGroups"]),
                ]
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags={"Name": f"{name}-flow-log"},
            opts=child,
        )

        self.vpc_id = vpc.id
        self.private_subnet_ids = [s.id for s in subnets]
        self.private_route_table_ids = [t.id for t in tables]
        self.s3_endpoint_id = s3.id
        self.flow_log_group_name = group.name
        self.flow_log_group_arn = group.arn
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "private_subnet_ids": self.private_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "s3_endpoint_id": self.s3_endpoint_id,
                "flow_log_group_name": self.flow_log_group_name,
            }
        )
