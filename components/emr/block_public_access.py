"""EmrRegionGuardrails: account-level settings of one region that protect every EMR cluster in it.

- EMR block public access with no exceptions (not even port 22): a cluster whose security groups admit
  0.0.0.0/0 or ::/0 on any port fails to start
  (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html).
- Optionally the region's EC2 instance-metadata defaults: IMDSv2 required for every new instance of the account
  (``ModifyInstanceMetadataDefaults``; https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html).
  The clusters already require IMDSv2 through their security configuration; this extends it account-wide.

Both are singletons per account and region: create one guardrails component per region and stack only where
the stack owns the account (the settings outlive the stack's clusters).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True, kw_only=True)
class EmrRegionGuardrailsArgs:
    block_public_access: bool = True
    """Turn on EMR block public access with no permitted port ranges. Default: on."""
    require_imdsv2: bool = False
    """Set the region's account-wide instance-metadata defaults to IMDSv2-only. Default: off (the security
    configuration already requires IMDSv2 on the clusters' nodes)."""


class EmrRegionGuardrails(pulumi.ComponentResource):
    """Account-level EMR/EC2 guardrails of the region of the provider in ``opts``."""

    def __init__(self, name: str, args: EmrRegionGuardrailsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:emr:EmrRegionGuardrails", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        outputs: dict[str, pulumi.Input[str]] = {}
        if args.block_public_access:
            bpa = aws.emr.BlockPublicAccessConfiguration(
                f"{name}-emr-block-public-access",
                block_public_security_group_rules=True,
                # No permitted ranges: EMR's default allows port 22; we allow nothing.
                permitted_public_security_group_rule_ranges=[],
                opts=child,
            )
            outputs["block_public_access_id"] = bpa.id
        if args.require_imdsv2:
            imds = aws.ec2.InstanceMetadataDefaults(
                f"{name}-imdsv2",
                http_tokens="required",
                http_endpoint="enabled",
                opts=child,
            )
            outputs["instance_metadata_defaults_id"] = imds.id
        self.register_outputs(outputs)
