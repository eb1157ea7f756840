"""hybrid-burst: compose the platform for one stack.

1. Load and validate the stack config once (fail before any resource is registered).
2. One explicit provider per region.
3. Compose the components; export outputs.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.config import ConfigError, from_pulumi
from components.emr.fleets.validate import plan_stack_fleets
from components.network.cross_region_peering import CrossRegionPeering, CrossRegionPeeringArgs
from components.network.regional_network import RegionalNetwork, RegionalNetworkArgs
from components.platform.providers import build_providers
from components.security.kms_key import KmsKey, KmsKeyArgs, logs_service_grant

try:
    cfg = from_pulumi()
    # Fleets come from config alone: plan them and check them against the EMR API model before any resource.
    emr_fleets = plan_stack_fleets(cfg)
except (ConfigError, ValueError) as err:
    # RunError: the CLI prints the message without a traceback and exits non-zero; nothing was registered.
    raise pulumi.RunError(str(err)) from None

providers = build_providers(cfg)
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=providers.compute)).account_id
# The two sides of the burst, each in its own region through its own provider.
REGIONAL_SIDES = (
    ("onprem", cfg.regions.onprem, providers.onprem),
    ("compute", cfg.regions.compute, providers.compute),
)

# --- per-region log keys (flow logs, EMR logs, alarms) -------------------------------------------------------
logs_keys: dict[str, KmsKey] = {}
for side, region, provider in REGIONAL_SIDES:
    logs_keys[side] = KmsKey(
        f"{side}-logs",
        KmsKeyArgs(
            account_id=account_id,
            region=region,
            purpose=f"{side}-logs",
            service_grants=[logs_service_grant(region)],
            protect=cfg.protect,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

# --- network ------------------------------------------------------------------------------------------------
networks: dict[str, RegionalNetwork] = {}
for side, region, provider in REGIONAL_SIDES:
    net_cfg = getattr(cfg.network, side)
    networks[side] = RegionalNetwork(
        side,
        RegionalNetworkArgs(
            region=region,
            cidr=net_cfg.cidr,
            private_subnet_cidrs=net_cfg.subnet_cidrs(),
            az_names=net_cfg.az_names,
            nat_gateway=net_cfg.nat_gateway,
            public_subnet_cidr=net_cfg.public_subnet_cidr() if net_cfg.nat_gateway else None,
            interface_endpoints=net_cfg.interface_endpoints,
            flow_log_retention_days=net_cfg.flow_log_retention_days,
            logs_kms_key_arn=logs_keys[side].key_arn,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

peering = CrossRegionPeering(
    "burst-link",
    CrossRegionPeeringArgs(
        requester_provider=providers.compute,
        accepter_provider=providers.onprem,
        requester_vpc_id=networks["compute"].vpc_id,
        requester_cidr=cfg.network.compute.cidr,
        requester_route_table_ids=networks["compute"].private_route_table_ids,
        accepter_vpc_id=networks["onprem"].vpc_id,
        accepter_cidr=cfg.network.onprem.cidr,
        accepter_region=cfg.regions.onprem,
        accepter_route_table_ids=networks["onprem"].private_route_table_ids,
        allow_remote_dns_resolution=cfg.network.allow_remote_dns_resolution,
    ),
)

# === lake (issue 4): KMS data/catalog keys, storage zones, Glue catalog, Lake Formation ====================
# Defines, for the sections below: `data_keys[side]`, `catalog_key`, `zones[side].bucket(<zone>)` (ZoneBucket with
# bucket_name/bucket_arn/grant_read/grant_write), `catalog` (DataCatalog) and `lake` (LakeGovernance:
# emr_runtime_role_arn, emr_instance_role_path, emr_runtime_assume_statements(), bind_principal(symbol, arn)).
from components.lake.data_catalog import DataCatalog, DataCatalogArgs  # noqa: E402
from components.lake.lake_governance import LakeGovernance, LakeGovernanceArgs  # noqa: E402
from components.lake.storage_zones import StorageZones, StorageZonesArgs  # noqa: E402

LAKE_ZONES: dict[str, list[str]] = {
    # EMR log_uri and bootstrap artifacts live in each cluster's own region; lake data only in the compute region.
    "onprem": ["logs", "artifacts"],
    "compute": ["raw", "curated", "logs", "exchange", "results", "artifacts"],
}
data_keys: dict[str, KmsKey] = {}
zones: dict[str, StorageZones] = {}
for side, region, provider in REGIONAL_SIDES:
    data_keys[side] = KmsKey(
        f"{side}-data",
        KmsKeyArgs(account_id=account_id, region=region, purpose=f"{side}-data", protect=cfg.protect),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    life = cfg.lake.lifecycle
    zones[side] = StorageZones(
        f"{side}-zones",
        StorageZonesArgs(
            account_id=account_id,
            kms_key_arn=data_keys[side].key_arn,
            zones=LAKE_ZONES[side],
            force_destroy=cfg.lake.force_destroy,
            protect=cfg.protect,
            exchange_expiration_days=life.exchange_expiration_days,
            results_expiration_days=life.results_expiration_days,
            raw_transition_days=life.raw_transition_days,
            raw_transition_storage_class=life.raw_transition_storage_class,
            logs_expiration_days=life.logs_expiration_days,
            access_logs_expiration_days=life.access_logs_expiration_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
            abort_incomplete_multipart_days=life.abort_incomplete_multipart_days,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

catalog_key = KmsKey(
    "catalog",
    KmsKeyArgs(account_id=account_id, region=cfg.regions.compute, purpose="catalog", protect=cfg.protect),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)
catalog = DataCatalog(
    "lake-catalog",
    DataCatalogArgs(
        region=cfg.regions.compute,
        account_id=account_id,
        catalog_kms_key_arn=catalog_key.key_arn,
        data_kms_key_arn=data_keys["compute"].key_arn,
        logs_kms_key_arn=logs_keys["compute"].key_arn,
        databases=cfg.lake.databases,
        zone_uris={z: zones["compute"].bucket(z).s3_uri() for z in ("raw", "curated")},
        protect=cfg.protect,
    ),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)
lake = LakeGovernance(
    "lake",
    LakeGovernanceArgs(
        region=cfg.regions.compute,
        account_id=account_id,
        admins=cfg.lake.admins,
        registered_buckets={z: zones["compute"].bucket(z) for z in ("raw", "curated")},
        catalog_kms_key_arn=catalog_key.key_arn,
        database_names=catalog.database_names,
        table_names=catalog.table_names,
        databases=cfg.lake.databases,
        lf_tags=cfg.lake.lf_tags,
        principals=cfg.lake.principals,
        grants=cfg.lake.grants,
        tag_grants=cfg.lake.tag_grants,
        location_grants=cfg.lake.location_grants,
    ),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)

for side, side_zones in zones.items():
    pulumi.export(f"{side}_lake_bucket_names", side_zones.bucket_names)
    pulumi.export(f"{side}_data_key_arn", data_keys[side].key_arn)
pulumi.export("catalog_key_arn", catalog_key.key_arn)
pulumi.export("glue_database_names", catalog.database_names)
pulumi.export("glue_security_configuration_name", catalog.security_configuration_name)
pulumi.export("emr_runtime_role_arn", lake.emr_runtime_role_arn)
pulumi.export("lake_formation_registration_role_arn", lake.registration_role_arn)

# === emr (issue 3): security configuration, roles, on-prem proxy and burst clusters ==========================
# The two clusters are created in parallel: the burst side only knows the on-prem endpoints by their stable names
# (`namenode.<zone>`, `metastore.<zone>`, plan-time strings); the records are pointed at the on-prem primary once
# it exists and the burst bootstrap waits for them (docs/adr/0005-parallel-cluster-creation.md).
from components.emr import configurations as emr_conf  # noqa: E402
from components.emr.block_public_access import EmrRegionGuardrails, EmrRegionGuardrailsArgs  # noqa: E402
from components.emr.emr_cluster import (  # noqa: E402
    Artifact,
    BootstrapScript,
    EmrCluster,
    EmrClusterArgs,
    ManagedScalingLimits,
    bootstrap_artifact,
)
from components.emr.onprem_endpoints import OnpremEndpoints, OnpremEndpointsArgs  # noqa: E402
from components.emr.roles import parse_s3_uri, s3_object_read  # noqa: E402

emr_settings = cfg.emr.settings
for side, provider in (("onprem", providers.onprem), ("compute", providers.compute)):
    EmrRegionGuardrails(
        f"{side}-emr-guardrails",
        EmrRegionGuardrailsArgs(
            block_public_access=emr_settings.block_public_access,
            require_imdsv2=emr_settings.account_imdsv2_required,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

# Step/application log groups and the generated CloudWatch-agent config per cluster (docs/observability.md); the
# clusters run the agent through `bootstrap_action` and Spark's StatsD sink through `configurations`.
from components.observability.cluster_telemetry import ClusterTelemetry, ClusterTelemetryArgs  # noqa: E402

telemetry: dict[str, ClusterTelemetry] = {}
for side, cluster_key, provider, apps in (
    ("onprem", "onprem", providers.onprem, ("hive",)),
    ("compute", "burst", providers.compute, ("spark", "trino")),
):
    telemetry[cluster_key] = ClusterTelemetry(
        f"{cluster_key}-telemetry",
        ClusterTelemetryArgs(
            cluster_name=cluster_key,
            artifacts_bucket_name=zones[side].bucket("artifacts").bucket_name,
            artifacts_bucket_arn=zones[side].bucket("artifacts").bucket_arn,
            artifacts_kms_key_arn=data_keys[side].key_arn,
            logs_kms_key_arn=logs_keys[side].key_arn,
            log_retention_days=cfg.observability.log_retention_days,
            applications=apps,
            metrics_namespace=cfg.observability.metrics_namespace,
            statsd_port=cfg.observability.statsd_port,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

onprem_logs = zones["onprem"].bucket("logs")
onprem_artifacts = zones["onprem"].bucket("artifacts")
onprem_cluster = EmrCluster(
    "onprem",
    EmrClusterArgs(
        extra_bootstrap_actions=[telemetry["onprem"].bootstrap_action],
        extra_configurations=telemetry["onprem"].configurations,
        region=cfg.regions.onprem,
        account_id=account_id,
        release_label=cfg.emr.release_label,
        applications=emr_conf.onprem_applications(),
        configurations=emr_conf.onprem_configurations(),
        fleets=emr_fleets["onprem"],
        vpc_id=networks["onprem"].vpc_id,
        subnet_ids=networks["onprem"].private_subnet_ids,
        logs_bucket_name=onprem_logs.bucket_name,
        logs_kms_key_arn=logs_keys["onprem"].key_arn,
        artifacts_bucket_name=onprem_artifacts.bucket_name,
        artifacts_kms_key_arn=data_keys["onprem"].key_arn,
        instance_statements=[onprem_logs.grant_write("emr/onprem/")],
        # The burst VPC reaches HDFS and the metastore only through this group (peered ports only).
        additional_security_group_ids=[peering.onprem_access_security_group_id],
        idle_timeout_seconds=emr_settings.onprem_idle_timeout_seconds,
        step_concurrency_level=emr_settings.step_concurrency_level,
        termination_protection=emr_settings.termination_protection,
        protect=cfg.protect,
        s3_kms_key_arn=data_keys["onprem"].key_arn,
        local_disk_kms_key_arn=data_keys["onprem"].key_arn,
        certificate_zip_s3_uri=emr_settings.tls.onprem_certificate_zip_s3_uri,
        certificate_validity_days=emr_settings.tls.validity_days,
        instance_role_path=lake.emr_instance_role_path,
    ),
    opts=pulumi.ResourceOptions(provider=providers.onprem),
)

onprem_endpoints = OnpremEndpoints(
    "onprem-endpoints",
    OnpremEndpointsArgs(
        zone_name=emr_settings.onprem_dns_zone,
        vpc_id=networks["compute"].vpc_id,
        other_vpc_id=networks["onprem"].vpc_id,
        other_vpc_region=cfg.regions.onprem,
        other_provider=providers.onprem,
        target_dns_name=onprem_cluster.master_private_dns,
    ),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)

burst_logs = zones["compute"].bucket("logs")
burst_artifacts = zones["compute"].bucket("artifacts")
burst_exchange = zones["compute"].bucket("exchange")
trino_settings = emr_settings.trino
alluxio_settings = emr_settings.alluxio
onprem_names = emr_conf.endpoint_names(emr_settings.onprem_dns_zone)
catalog_file = Artifact(
    name=f"{trino_settings.onprem_catalog_name}.properties",
    content=emr_conf.render_properties(
        emr_conf.onprem_catalog_properties(emr_settings, zone=emr_settings.onprem_dns_zone)
    ),
)
burst_statements = [
    burst_logs.grant_write("emr/burst/"),
    zones["compute"].bucket("raw").grant_read(),
    zones["compute"].bucket("curated").grant_read(),
    zones["compute"].bucket("results").grant_write(),
]
if emr_settings.engine == "trino" and trino_settings.exchange == "s3":
    burst_statements.append(burst_exchange.grant_read_write(trino_settings.exchange_prefix, delete=True))
if alluxio_settings.tarball_uri.startswith("s3://"):
    burst_statements.append([s3_object_read(*parse_s3_uri(alluxio_settings.tarball_uri), sid="alluxio tarball")])
if emr_settings.lake_formation:
    burst_statements.append(lake.emr_runtime_assume_statements())

alluxio_args: list[pulumi.Input[str]] = [
    "--version", alluxio_settings.version,
    "--tarball-uri", alluxio_settings.tarball_uri,
    "--namenode-name", onprem_names["namenode"],
    "--namenode-port", str(emr_conf.NAMENODE_PORT),
    "--mount-point", alluxio_settings.mount_point,
    "--sync-interval", alluxio_settings.metadata_sync_interval,
    "--sync-mode", alluxio_settings.metadata_sync_mode,
    "--cache-quota-percent", str(alluxio_settings.cache_quota_percent),
    "--memory-tier-gb", str(alluxio_settings.memory_tier_gb),
    "--catalog-uri", pulumi.Output.concat("s3://", burst_artifacts.bucket_name, "/", catalog_file.key("burst")),
    "--catalog-name", trino_settings.onprem_catalog_name,
    "--engine", emr_settings.engine,
    "--wait-minutes", str(alluxio_settings.onprem_wait_minutes),
]
if alluxio_settings.tarball_sha256:
    alluxio_args += ["--tarball-sha256", alluxio_settings.tarball_sha256]

scaling = emr_settings.scaling
burst_cluster = EmrCluster(
    "burst",
    EmrClusterArgs(
        extra_bootstrap_actions=[telemetry["burst"].bootstrap_action],
        extra_configurations=telemetry["burst"].configurations,
        region=cfg.regions.compute,
        account_id=account_id,
        release_label=cfg.emr.release_label,
        applications=emr_conf.burst_applications(emr_settings),
        configurations=burst_exchange.bucket_name.apply(
            lambda bucket: emr_conf.burst_configurations(
                emr_settings, exchange_bucket=bucket, region=cfg.regions.compute
            )
        ),
        fleets=emr_fleets["burst"],
        vpc_id=networks["compute"].vpc_id,
        subnet_ids=networks["compute"].private_subnet_ids,
        logs_bucket_name=burst_logs.bucket_name,
        logs_kms_key_arn=logs_keys["compute"].key_arn,
        artifacts_bucket_name=burst_artifacts.bucket_name,
        artifacts_kms_key_arn=data_keys["compute"].key_arn,
        instance_statements=burst_statements,
        bootstrap_scripts=[BootstrapScript(artifact=bootstrap_artifact("alluxio-bootstrap.sh"), args=alluxio_args)],
        artifacts=[catalog_file],
        idle_timeout_seconds=emr_settings.burst_idle_timeout_seconds,
        step_concurrency_level=emr_settings.step_concurrency_level,
        termination_protection=emr_settings.termination_protection,
        managed_scaling=ManagedScalingLimits(
            minimum_units=scaling.minimum_units,
            maximum_units=scaling.maximum_units,
            maximum_on_demand_units=scaling.maximum_on_demand_units,
            maximum_core_units=scaling.maximum_core_units,
        ),
        s3_kms_key_arn=data_keys["compute"].key_arn,
        local_disk_kms_key_arn=data_keys["compute"].key_arn,
        certificate_zip_s3_uri=emr_settings.tls.burst_certificate_zip_s3_uri,
        certificate_validity_days=emr_settings.tls.validity_days,
        lake_formation=emr_settings.lake_formation,
        instance_role_path=lake.emr_instance_role_path,
    ),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)

emr_clusters: dict[str, EmrCluster] = {"onprem": onprem_cluster, "burst": burst_cluster}
for cluster_key, emr_cluster in emr_clusters.items():
    pulumi.export(f"{cluster_key}_cluster_id", emr_cluster.cluster_id)
    pulumi.export(f"{cluster_key}_master_private_dns", emr_cluster.master_private_dns)
    pulumi.export(f"{cluster_key}_instance_role_name", emr_cluster.instance_role_name)
    pulumi.export(f"{cluster_key}_security_configuration_name", emr_cluster.security_configuration_name)
pulumi.export("burst_task_fleet_id", burst_cluster.task_fleet_id)
pulumi.export("onprem_namenode_name", onprem_endpoints.namenode_name)
pulumi.export("onprem_metastore_name", onprem_endpoints.metastore_name)

# === eks (EMR on EKS) ========================================================================================
# An EKS cluster in the compute VPC's private subnets with a Spot node group, a virtual cluster bound to one
# namespace, and the job execution role (IRSA). The role is created here because its trust policy embeds the
# role's own name; the lake's late-bound principal `emr-on-eks-job` is bound to it for the Lake Formation grants.
from components.eks.emr_on_eks import EmrOnEks, EmrOnEksArgs  # noqa: E402

EMR_ON_EKS_JOB = "emr-on-eks-job"
emr_on_eks: EmrOnEks | None = None
if cfg.eks.enabled:
    eks_secrets_key = KmsKey(
        "eks-secrets",
        KmsKeyArgs(account_id=account_id, region=cfg.regions.compute, purpose="eks-secrets", protect=cfg.protect),
        opts=pulumi.ResourceOptions(provider=providers.compute),
    )
    job_statements: list = [
        zones["compute"].bucket("curated").grant_read(),
        zones["compute"].bucket("results").grant_write(),
    ]
    if EMR_ON_EKS_JOB in cfg.lake.principals:
        job_statements.append(lake.principal_statements(EMR_ON_EKS_JOB))
    emr_on_eks = EmrOnEks(
        "emr-on-eks",
        EmrOnEksArgs(
            account_id=account_id,
            vpc_id=networks["compute"].vpc_id,
            private_subnet_ids=networks["compute"].private_subnet_ids,
            secrets_kms_key_arn=eks_secrets_key.key_arn,
            logs_kms_key_arn=logs_keys["compute"].key_arn,
            kubernetes_version=cfg.eks.kubernetes_version,
            namespace=cfg.eks.namespace,
            spot_instance_types=cfg.eks.spot.instance_types,
            spot_min_size=cfg.eks.spot.min_size,
            spot_desired_size=cfg.eks.spot.desired_size,
            spot_max_size=cfg.eks.spot.max_size,
            system_instance_types=cfg.eks.system.instance_types,
            system_min_size=cfg.eks.system.min_size,
            system_desired_size=cfg.eks.system.desired_size,
            system_max_size=cfg.eks.system.max_size,
            endpoint_public_access=cfg.eks.endpoint_public_access,
            public_access_cidrs=cfg.eks.public_access_cidrs,
            create_service_linked_role=cfg.eks.create_service_linked_role,
            job_role_statements=job_statements,
            protect=cfg.protect,
        ),
        opts=pulumi.ResourceOptions(provider=providers.compute),
    )
    if EMR_ON_EKS_JOB in cfg.lake.principals:
        lake.bind_principal(EMR_ON_EKS_JOB, emr_on_eks.job_role_arn)
    pulumi.export("eks_cluster_name", emr_on_eks.cluster_name)
    pulumi.export("emr_virtual_cluster_id", emr_on_eks.virtual_cluster_id)
    pulumi.export("emr_on_eks_job_role_arn", emr_on_eks.job_role_arn)
    pulumi.export("emr_on_eks_namespace", emr_on_eks.namespace_name)

# === observability and resilience (issue 5) ==================================================================
# Per region: an encrypted alarm topic, EMR alarms per cluster, EventBridge rules; one dashboard per environment;
# the FIS Spot drill on the burst task fleet. Docs: docs/observability.md.
from components.observability.alarm_topic import AlarmTopic, AlarmTopicArgs, TopicSubscriptionSpec  # noqa: E402
from components.observability.burst_dashboard import (  # noqa: E402
    BurstDashboard,
    BurstDashboardArgs,
    DashboardCluster,
)
from components.observability.cluster_alarms import ClusterAlarms, ClusterAlarmsArgs  # noqa: E402
from components.observability.emr_event_rules import EmrEventRules, EmrEventRulesArgs  # noqa: E402
from components.resilience.spot_interruption_drill import (  # noqa: E402
    SpotInterruptionDrill,
    SpotInterruptionDrillArgs,
)

obs = cfg.observability
obs_sides = (
    # (network side, cluster key, region, provider, applications whose logs get a group)
    ("onprem", "onprem", cfg.regions.onprem, providers.onprem, ("hive",)),
    ("compute", "burst", cfg.regions.compute, providers.compute, ("spark", "trino")),
)

# The telemetry (log groups, generated CloudWatch-agent config, agent bootstrap) is created in the emr section,
# before the clusters that run it; here each cluster's instance role gets exactly the grants to publish it.
for cluster_key, cluster_telemetry in telemetry.items():
    cluster_telemetry.grant_publish(emr_clusters[cluster_key].instance_role_name)

alarm_topics: dict[str, AlarmTopic] = {}
cluster_alarms: dict[str, ClusterAlarms] = {}
for side, cluster_key, region, provider, _apps in obs_sides:
    alarm_topics[side] = AlarmTopic(
        f"{side}-alarms",
        AlarmTopicArgs(
            account_id=account_id,
            region=region,
            purpose=f"{side}-alarms",
            subscriptions=[TopicSubscriptionSpec(protocol=s.protocol, endpoint=s.endpoint) for s in obs.subscriptions],
            protect=cfg.protect,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    th = obs.thresholds
    cluster_alarms[cluster_key] = ClusterAlarms(
        f"{cluster_key}-alarms",
        ClusterAlarmsArgs(
            cluster_name=cluster_key,
            cluster_id=emr_clusters[cluster_key].cluster_id,
            topic_arn=alarm_topics[side].topic_arn,
            hdfs_utilization_percent=th.hdfs_utilization_percent,
            pending_containers=th.pending_containers,
            pending_periods=th.pending_periods,
            unhealthy_nodes=th.unhealthy_nodes,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    capacity = getattr(cfg.emr, cluster_key)
    uses_spot = any(f is not None and f.spot_share > 0 for f in (capacity.core, capacity.task))
    EmrEventRules(
        f"{side}-emr-events",
        EmrEventRulesArgs(
            cluster_ids=[emr_clusters[cluster_key].cluster_id],
            topic_arn=alarm_topics[side].topic_arn,
            logs_kms_key_arn=logs_keys[side].key_arn,
            log_retention_days=obs.log_retention_days,
            spot_interruptions=uses_spot,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

dashboard = BurstDashboard(
    "burst",
    BurstDashboardArgs(
        clusters=[
            DashboardCluster(
                name=cluster_key,
                region=region,
                cluster_id=emr_clusters[cluster_key].cluster_id,
                has_task_fleet=getattr(cfg.emr, cluster_key).task is not None,
            )
            for _side, cluster_key, region, _provider, _apps in obs_sides
        ],
        alarm_arns=[arn for alarms in cluster_alarms.values() for arn in alarms.all_alarm_arns],
        metrics_namespace=obs.metrics_namespace,
        peering_flow_log_group_name=networks["compute"].flow_log_group_name,
        peering_remote_cidr=cfg.network.onprem.cidr,
        region=cfg.regions.compute,
    ),
    opts=pulumi.ResourceOptions(provider=providers.compute),
)

if obs.fis.enabled and cfg.emr.burst.task is not None and cfg.emr.burst.task.spot_share > 0:
    spot_drill = SpotInterruptionDrill(
        "burst-spot-drill",
        SpotInterruptionDrillArgs(
            cluster_id=burst_cluster.cluster_id,
            account_id=account_id,
            region=cfg.regions.compute,
            stop_alarm_arn=cluster_alarms["burst"].degraded_alarm_arn,
            logs_kms_key_arn=logs_keys["compute"].key_arn,
            selection_mode=obs.fis.selection_mode,
            log_retention_days=obs.log_retention_days,
        ),
        opts=pulumi.ResourceOptions(provider=providers.compute),
    )
    pulumi.export("burst_spot_drill_template_id", spot_drill.template_id)

for side, topic in alarm_topics.items():
    pulumi.export(f"{side}_alarm_topic_arn", topic.topic_arn)
pulumi.export("dashboard_name", dashboard.dashboard_name)

# --- outputs ------------------------------------------------------------------------------------------------
pulumi.export("environment", cfg.environment)
pulumi.export("regions", {"onprem": cfg.regions.onprem, "compute": cfg.regions.compute})
for side, net in networks.items():
    pulumi.export(f"{side}_vpc_id", net.vpc_id)
    pulumi.export(f"{side}_private_subnet_ids", net.private_subnet_ids)
pulumi.export("peering_connection_id", peering.peering_connection_id)
pulumi.export("onprem_access_security_group_id", peering.onprem_access_security_group_id)
