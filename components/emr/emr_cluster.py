"""EmrCluster: one EMR-on-EC2 cluster on instance fleets, private, encrypted, least privilege.

What it creates (children named ``<name>-<role>``):
- ``EmrRoles`` (service role on AmazonEMRServicePolicy_v2 + scoped instance role and profile, or the brought
  ``instance_role``/``instance_profile_arn`` with the cluster's statements attached) and, unless one is brought,
  an ``EmrSecurityConfiguration`` (at-rest + in-transit encryption, IMDSv2, Lake Formation fields);
- three EMR-managed security groups (primary, core/task, service access; ``security_groups.py``) tagged
  ``for-use-with-amazon-emr-managed-policies=true`` - the v2 service policy acts only on tagged groups;
- the bootstrap scripts and artifact files (``artifacts.py``), uploaded to the artifacts bucket under a content hash;
- the cluster (primary + core fleets from the fleet builder, every private subnet for AZ flexibility, logs to
  the encrypted logs bucket, auto-termination, step concurrency, termination protection as configured);
- the task fleet as an ``aws.emr.InstanceFleet`` and an ``aws.emr.ManagedScalingPolicy``.

Managed scaling changes the fleets' target capacities; without ``ignore_changes`` the next ``pulumi up`` would
try to set them back (task fleet) or even replace the cluster (core fleet): hashicorp/terraform-provider-aws#36492
and #19931. The property paths are the engine's camelCase names
(``coreInstanceFleet.targetOnDemandCapacity``; the Python SDK only translates top-level snake_case names,
pulumi/runtime/resource.py ``_translate_ignore_changes``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.security import grants

from .artifacts import ARTIFACT_PREFIX, Artifact, BootstrapScript
from .configurations import merge
from .fleets import render
from .fleets.plan import ClusterFleets
from .kerberos import ClusterKerberos
from .roles import EmrRoles, EmrRolesArgs, validate_instance_role
from .security_configuration import EmrSecurityConfiguration, EmrSecurityConfigurationArgs
from .security_groups import emr_managed_security_groups
from .tags import cluster_tag

# Paths (engine spelling) that managed scaling owns once the cluster runs.
CORE_FLEET_SCALED_PATHS = ("coreInstanceFleet.targetOnDemandCapacity", "coreInstanceFleet.targetSpotCapacity")
TASK_FLEET_SCALED_PATHS = ("targetOnDemandCapacity", "targetSpotCapacity")
# Generated once (KerberosSecrets): a later run's new random value must not replace the cluster.
KERBEROS_PASSWORD_PATHS = ("kerberosAttributes.kdcAdminPassword", "kerberosAttributes.crossRealmTrustPrincipalPassword")


@dataclass(frozen=True, kw_only=True)
class ManagedScalingLimits:
    minimum_units: int
    maximum_units: int
    maximum_on_demand_units: int
    maximum_core_units: int | None = None


@dataclass(frozen=True, kw_only=True)
class EmrClusterArgs:
    region: str
    """Region of the provider in ``opts`` (service-role trust, certificate DNS suffix). Required."""
    account_id: pulumi.Input[str]
    """Account id (trust-policy conditions). Required."""
    release_label: str
    """EMR release, e.g. ``emr-7.5.0``. Required."""
    applications: Sequence[str]
    """EMR applications (``Hadoop``, ``Hive``, ``Spark``, ``Trino``...). Required."""
    fleets: ClusterFleets
    """Primary/core/task fleets as planned by ``fleets.plan.plan_cluster_fleets``. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the subnets (for the EMR-managed security groups). Required."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets; EMR picks the AZ with capacity among them at launch. Required (at least one)."""
    logs_bucket_name: pulumi.Input[str]
    """KMS-encrypted bucket for EMR logs (``s3://<bucket>/emr/<name>/``). Required."""
    logs_kms_key_arn: pulumi.Input[str]
    """Key EMR encrypts pushed logs with (``log_encryption_kms_key_id``). Required."""
    artifacts_bucket_name: pulumi.Input[str]
    """Bucket for bootstrap scripts and artifact files (same region: nodes reach it through the S3 gateway
    endpoint). Required."""
    instance_statements: Sequence[grants.Statement | list[grants.Statement]]
    """Bucket/prefix grants of the nodes (logs write, artifacts read, data zones). Required."""
    instance_kms_key_arns: Sequence[pulumi.Input[str]] = ()
    """Keys the nodes use beyond those named below. Default: none."""
    configurations: pulumi.Input[Sequence[Mapping[str, Any]]] = ()
    """Configuration classifications (``configurations.py`` builders). Default: none."""
    extra_configurations: Sequence[Mapping[str, Any]] = ()
    """More classifications (e.g. from observability); merged by classification name. Default: none."""
    bootstrap_scripts: Sequence[BootstrapScript] = ()
    """Our bootstrap scripts (uploaded, then run in order). Default: none."""
    extra_bootstrap_actions: Sequence[aws.emr.ClusterBootstrapActionArgs] = ()
    """Bootstrap actions of other components (e.g. the CloudWatch agent), run after ours. Default: none."""
    artifacts: Sequence[Artifact] = ()
    """Other files the nodes read (e.g. the ``onprem`` catalog file). Default: none."""
    additional_security_group_ids: Sequence[pulumi.Input[str]] = ()
    """Extra security groups on primary and core/task nodes (e.g. the peering access group). Default: none."""
    idle_timeout_seconds: int | None = None
    """Auto-termination after this much idle time (60-604800). Default: none (runs until terminated)."""
    step_concurrency_level: int = 1
    """Concurrent steps (1-256). Default: 1."""
    termination_protection: bool = False
    """EMR termination protection. Default: off (prod turns it on through its preset)."""
    managed_scaling: ManagedScalingLimits | None = None
    """EMR managed scaling limits in fleet units. Default: none (fixed size)."""
    protect: bool = False
    """Pulumi ``protect`` on the cluster (e.g. the on-prem proxy holding HDFS data). Default: off."""
    # -- security configuration (create or bring your own) -----------------------------------------------------
    security_configuration_name: pulumi.Input[str] | None = None
    """Bring your own security configuration. Default: one is created from the fields below."""
    s3_kms_key_arn: pulumi.Input[str] | None = None
    """SSE-KMS key for EMRFS writes. Required when the security configuration is created."""
    local_disk_kms_key_arn: pulumi.Input[str] | None = None
    """Local-disk and EBS encryption key. Required when the security configuration is created."""
    certificate_zip_s3_uri: pulumi.Input[str] | None = None
    """User-supplied TLS PEM zip. Default: a self-signed certificate is generated into the artifacts bucket."""
    artifacts_kms_key_arn: pulumi.Input[str] | None = None
    """Key of the artifacts bucket: uploaded artifacts and the generated certificate are written with it and the
    nodes may decrypt with it. Default: the bucket's default encryption (grant the key through
    ``instance_statements``)."""
    certificate_validity_days: int = 365
    """Validity of a generated certificate. Default: 365 days."""
    lake_formation: bool = False
    """Lake Formation authorization fields in the security configuration. Default: off."""
    kerberos: ClusterKerberos | None = None
    """Kerberos: the security configuration's ``KerberosConfiguration`` and the cluster's ``kerberos_attributes``.
    Default: none (no Kerberos; the policy pack's ``emr-kerberos-required`` flags it where mandatory)."""
    service_role_arn: pulumi.Input[str] | None = None
    """Bring your own EMR service role. Default: created (AmazonEMRServicePolicy_v2)."""
    instance_role_path: str = "/"
    """IAM path of the created instance role (e.g. the path the Lake Formation runtime role trusts).
    Default: ``/``. Only with a created role."""
    instance_role: aws.iam.Role | None = None
    """Bring your own EC2 instance role (with ``instance_profile_arn``); the cluster's instance statements are
    attached to it as an inline policy. Default: a role and an instance profile are created."""
    instance_profile_arn: pulumi.Input[str] | None = None
    """Instance profile of ``instance_role``. Required with ``instance_role``, refused without it."""
    session_manager: bool = False
    """Session Manager access to the nodes: the instance role gets the SSM Agent's permissions
    (``grants.session_manager_instance``), its registration scoped by the tag ``hybrid-burst-cluster`` that this
    cluster then carries (and EMR propagates to its instances). The VPC needs the ``ssm``, ``ssmmessages`` and
    ``ec2messages`` endpoints or a NAT. Default: off (no operator access to the nodes)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Service-required tags only (everything else comes from the provider's default_tags). Default: none."""


class EmrCluster(pulumi.ComponentResource):
    """An EMR cluster on instance fleets with its roles, security configuration and security groups."""

    cluster_id: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    master_private_dns: pulumi.Output[str]
    service_role_arn: pulumi.Output[str]
    instance_role_arn: pulumi.Output[str]
    instance_role_name: pulumi.Output[str]
    instance_profile_arn: pulumi.Output[str]
    security_configuration_name: pulumi.Output[str]
    master_security_group_id: pulumi.Output[str]
    slave_security_group_id: pulumi.Output[str]
    task_fleet_id: pulumi.Output[str] | None
    log_uri: pulumi.Output[str]

    def __init__(self, name: str, args: EmrClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:emr:EmrCluster", name, None, opts)
        _validate(args)
        child = pulumi.ResourceOptions(parent=self)

        # -- security configuration ------------------------------------------------------------------------
        statements: list[grants.Statement | list[grants.Statement]] = [
            *args.instance_statements,
            *_session_manager_statements(name, args),
        ]
        kms_keys: list[pulumi.Input[str]] = list(args.instance_kms_key_arns)
        if args.security_configuration_name is not None:
            security_configuration_name = pulumi.Output.from_input(args.security_configuration_name)
        else:
            assert args.s3_kms_key_arn is not None
            assert args.local_disk_kms_key_arn is not None
            sec = EmrSecurityConfiguration(
                f"{name}-sec",
                EmrSecurityConfigurationArgs(
                    region=args.region,
                    s3_kms_key_arn=args.s3_kms_key_arn,
                    local_disk_kms_key_arn=args.local_disk_kms_key_arn,
                    certificate_zip_s3_uri=args.certificate_zip_s3_uri,
                    certificate_bucket_name=args.artifacts_bucket_name if args.certificate_zip_s3_uri is None else None,
                    certificate_kms_key_arn=args.artifacts_kms_key_arn,
                    validity_days=args.certificate_validity_days,
                    lake_formation=args.lake_formation,
                    kerberos=args.kerberos.configuration if args.kerberos is not None else None,
                ),
                opts=child,
            )
            security_configuration_name = sec.security_configuration_name
            statements.append(
                grants.s3_object_read(sec.certificate_bucket, sec.certificate_key, sid="tls certificates")
            )
            kms_keys += [args.s3_kms_key_arn, args.local_disk_kms_key_arn]
        if args.artifacts_kms_key_arn is not None:
            kms_keys.append(args.artifacts_kms_key_arn)
        kms_keys.append(args.logs_kms_key_arn)

        # -- artifacts (bootstrap scripts, files) ----------------------------------------------------------
        uploads = [
            aws.s3.BucketObjectv2(
                f"{name}-artifact-{artifact.name}",
                bucket=args.artifacts_bucket_name,
                key=artifact.key(name),
                content=artifact.content,
                content_type="text/x-shellscript" if artifact.name.endswith(".sh") else "text/plain",
                server_side_encryption="aws:kms" if args.artifacts_kms_key_arn is not None else None,
                kms_key_id=args.artifacts_kms_key_arn,
                opts=child,
            )
            for artifact in [*(s.artifact for s in args.bootstrap_scripts), *args.artifacts]
        ]
        actions = [
            aws.emr.ClusterBootstrapActionArgs(
                name=script.artifact.name.removesuffix(".sh"),
                path=pulumi.Output.concat("s3://", obj.bucket, "/", obj.key),
                args=list(script.args),
            )
            for script, obj in zip(args.bootstrap_scripts, uploads, strict=False)
        ]
        actions.extend(args.extra_bootstrap_actions)
        if uploads:
            statements.append(
                grants.statement(
                    "cluster artifacts",
                    ["s3:GetObject"],
                    [pulumi.Output.concat("arn:aws:s3:::", obj.bucket, "/", obj.key) for obj in uploads],
                )
            )

        # -- roles -----------------------------------------------------------------------------------------
        roles = EmrRoles(
            f"{name}-roles",
            EmrRolesArgs(
                account_id=args.account_id,
                region=args.region,
                instance_statements=statements,
                instance_kms_key_arns=kms_keys,
                local_disk_kms_key_arn=args.local_disk_kms_key_arn,
                service_role_arn=args.service_role_arn,
                instance_role_path=args.instance_role_path,
                instance_role=args.instance_role,
                instance_profile_arn=args.instance_profile_arn,
            ),
            opts=child,
        )

        groups, rules = emr_managed_security_groups(name, args.vpc_id, child)

        extra_groups: pulumi.Input[str] | None = (
            pulumi.Output.all(*args.additional_security_group_ids).apply(",".join)
            if args.additional_security_group_ids
            else None
        )

        # -- the cluster -----------------------------------------------------------------------------------
        log_uri = pulumi.Output.concat("s3://", args.logs_bucket_name, f"/{ARTIFACT_PREFIX}/{name}/")
        extra = list(args.extra_configurations)
        configurations_json = pulumi.Output.from_input(args.configurations).apply(
            lambda base: json.dumps(merge([dict(c) for c in base], [dict(c) for c in extra]), sort_keys=True)
        )
        cluster = aws.emr.Cluster(
            f"{name}-cluster",
            name=naming.resource_name(pulumi.get_stack(), name),
            release_label=args.release_label,
            applications=list(args.applications),
            configurations_json=configurations_json,
            service_role=roles.service_role_arn,
            security_configuration=security_configuration_name,
            log_uri=log_uri,
            log_encryption_kms_key_id=args.logs_kms_key_arn,
            ec2_attributes=aws.emr.ClusterEc2AttributesArgs(
                subnet_ids=list(args.subnet_ids),
                instance_profile=roles.instance_profile_arn,
                emr_managed_master_security_group=groups["primary"].id,
                emr_managed_slave_security_group=groups["core"].id,
                service_access_security_group=groups["service-access"].id,
                additional_master_security_groups=extra_groups,
                additional_slave_security_groups=extra_groups,
            ),
            master_instance_fleet=render.master_args(args.fleets.primary),
            core_instance_fleet=render.core_args(args.fleets.core),
            bootstrap_actions=actions or None,
            step_concurrency_level=args.step_concurrency_level,
            auto_termination_policy=(
                aws.emr.ClusterAutoTerminationPolicyArgs(idle_timeout=args.idle_timeout_seconds)
                if args.idle_timeout_seconds is not None
                else None
            ),
            termination_protection=args.termination_protection,
            keep_job_flow_alive_when_no_steps=True,
            unhealthy_node_replacement=True,
            scale_down_behavior="TERMINATE_AT_TASK_COMPLETION",
            kerberos_attributes=(
                aws.emr.ClusterKerberosAttributesArgs(
                    realm=args.kerberos.realm,
                    kdc_admin_password=args.kerberos.kdc_admin_password,
                    cross_realm_trust_principal_password=args.kerberos.cross_realm_trust_principal_password,
                )
                if args.kerberos is not None
                else None
            ),
            tags={**args.tags, **_session_manager_tags(name, args)} or None,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                # The roles' policies and the service-access rules must exist before EMR validates them.
                depends_on=[roles, *rules],
                ignore_changes=[
                    *(CORE_FLEET_SCALED_PATHS if args.managed_scaling else ()),
                    *(KERBEROS_PASSWORD_PATHS if args.kerberos is not None else ()),
                ]
                or None,
                additional_secret_outputs=["kerberosAttributes"] if args.kerberos is not None else None,
            ),
        )

        task_fleet_id: pulumi.Output[str] | None = None
        if args.fleets.task is not None:
            task = aws.emr.InstanceFleet(
                f"{name}-task",
                cluster_id=cluster.id,
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=list(TASK_FLEET_SCALED_PATHS)),
                **render.task_fleet_kwargs(args.fleets.task),
            )
            task_fleet_id = task.id

        if args.managed_scaling is not None:
            limits = args.managed_scaling
            aws.emr.ManagedScalingPolicy(
                f"{name}-scaling",
                cluster_id=cluster.id,
                compute_limits=[
                    aws.emr.ManagedScalingPolicyComputeLimitArgs(
                        unit_type="InstanceFleetUnits",
                        minimum_capacity_units=limits.minimum_units,
                        maximum_capacity_units=limits.maximum_units,
                        maximum_ondemand_capacity_units=limits.maximum_on_demand_units,
                        maximum_core_capacity_units=limits.maximum_core_units,
                    )
                ],
                opts=child,
            )

        self.cluster_id = cluster.id
        self.cluster_arn = cluster.arn
        # For a cluster in a private subnet EMR returns the private DNS name here (see onprem_endpoints.py).
        self.master_private_dns = cluster.master_public_dns
        self.service_role_arn = roles.service_role_arn
        self.instance_role_arn = roles.instance_role_arn
        self.instance_role_name = roles.instance_role_name
        self.instance_profile_arn = roles.instance_profile_arn
        self.security_configuration_name = security_configuration_name
        self.master_security_group_id = groups["primary"].id
        self.slave_security_group_id = groups["core"].id
        self.task_fleet_id = task_fleet_id
        self.log_uri = log_uri
        self.register_outputs(
            {
                "cluster_id": self.cluster_id,
                "cluster_arn": self.cluster_arn,
                "master_private_dns": self.master_private_dns,
                "service_role_arn": self.service_role_arn,
                "instance_role_arn": self.instance_role_arn,
                "instance_role_name": self.instance_role_name,
                "security_configuration_name": self.security_configuration_name,
                "task_fleet_id": self.task_fleet_id,
                "log_uri": self.log_uri,
            }
        )


def _session_manager_tags(name: str, args: EmrClusterArgs) -> dict[str, str]:
    """The cluster's own tag (EMR propagates it to the instances) when Session Manager is on."""
    return cluster_tag(pulumi.get_stack(), name) if args.session_manager else {}


def _session_manager_statements(name: str, args: EmrClusterArgs) -> list[grants.Statement]:
    """The SSM Agent's permissions, its registration scoped to this cluster's instances (``_session_manager_tags``)."""
    if not args.session_manager:
        return []
    tags: dict[str, pulumi.Input[str]] = dict(_session_manager_tags(name, args))
    return grants.session_manager_instance(region=args.region, account_id=args.account_id, instance_tags=tags)


def _validate(args: EmrClusterArgs) -> None:
    """Programming errors in the wiring (config errors are caught earlier, in the config model)."""
    if not args.subnet_ids:
        raise ValueError("EmrClusterArgs.subnet_ids: give the private subnets (at least one)")
    validate_instance_role(args.instance_role, args.instance_profile_arn, args.instance_role_path,
                           where="EmrClusterArgs")
    if args.security_configuration_name is None and (
        args.s3_kms_key_arn is None or args.local_disk_kms_key_arn is None
    ):
        raise ValueError(
            "EmrClusterArgs: s3_kms_key_arn and local_disk_kms_key_arn are required when the security "
            "configuration is created (or pass security_configuration_name)"
        )
    if args.idle_timeout_seconds is not None and not 60 <= args.idle_timeout_seconds <= 604_800:
        raise ValueError("EmrClusterArgs.idle_timeout_seconds must be 60-604800 (EMR auto-termination limits)")
    if not 1 <= args.step_concurrency_level <= 256:
        raise ValueError("EmrClusterArgs.step_concurrency_level must be 1-256")
    if args.managed_scaling is not None and args.fleets.task is None:
        pulumi.log.warn("managed scaling without a task fleet scales the core fleet (HDFS) only")
    names = [s.artifact.name for s in args.bootstrap_scripts] + [a.name for a in args.artifacts]
    if len(set(names)) != len(names):
        raise ValueError(f"EmrClusterArgs: artifact names must be unique, got {names}")

