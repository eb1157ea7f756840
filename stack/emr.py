"""The EMR side: per-cluster telemetry, the on-prem proxy and burst clusters, and the stable names of the on-prem
endpoints (EMR block public access is account-wide: stack/baseline.py).

The two clusters are created in parallel: the burst side only knows the on-prem endpoints by their stable names
(``namenode.<zone>``, ``metastore.<zone>``, plan-time strings); the records are pointed at the on-prem primary once
it exists and the burst bootstrap waits for them (docs/adr/0005-parallel-cluster-creation.md). Each cluster's
instance role gets everything its nodes need at creation: bucket grants, the telemetry statements and, with Lake
Formation on, the right to assume the lake's runtime role.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.config import StackConfig
from components.config.lake import EMR_INSTANCE
from components.emr import configurations as emr_conf
from components.emr.artifacts import Artifact, BootstrapScript, bootstrap_artifact
from components.emr.emr_cluster import EmrCluster, EmrClusterArgs, ManagedScalingLimits
from components.emr.fleets.plan import ClusterFleets
from components.emr.kerberos import catalog_properties
from components.emr.onprem_endpoints import OnpremEndpoints, OnpremEndpointsArgs
from components.emr.roles import instance_role_path as _path_of_stack
from components.lake.lake_governance import LakeGovernance
from components.lake.principals import emr_runtime_assume_statements
from components.observability.cluster_telemetry import ClusterTelemetry, ClusterTelemetryArgs
from components.security import grants
from components.security.kerberos_secrets import KerberosSecrets

from .lake import LakeStorage, principal_statements
from .network import Network
from .onprem import (
    OnpremNames,
    cluster_kerberos,
    kerberos_secrets,
    keytab_read_statements,
    onprem_names,
    proxy_kerberos_bootstrap,
    proxy_kerberos_statements,
)
from .sites import Site, Sites


@dataclass(frozen=True)
class Clusters:
    onprem: EmrCluster | None
    """The proxy cluster (proxy mode); None in external mode."""
    burst: EmrCluster
    endpoints: OnpremEndpoints | None
    """Stable names of the proxy's NameNode and metastore, resolvable from the compute VPC (proxy mode)."""
    names: OnpremNames
    """What the burst side connects to, in either mode."""
    kerberos_secrets: KerberosSecrets | None
    """With Kerberos: the keytab secret and the generated KDC passwords."""
    telemetry: Mapping[str, ClusterTelemetry]
    """Cluster -> its log groups and agent configuration."""

    def of(self, site: Site) -> EmrCluster:
        if site.cluster == "onprem":
            assert self.onprem is not None
            return self.onprem
        return self.burst

    def __iter__(self) -> Iterator[tuple[str, EmrCluster]]:
        pairs = (("onprem", self.onprem), ("burst", self.burst))
        return iter([(name, cluster) for name, cluster in pairs if cluster is not None])


def instance_role_path() -> str:
    """The IAM path of this stack's EMR instance roles (decided on the EMR side, trusted by the lake)."""
    return _path_of_stack(pulumi.get_stack())


def _telemetry(cfg: StackConfig, site: Site, network: Network, storage: LakeStorage) -> ClusterTelemetry:
    artifacts = storage.bucket(site, "artifacts")
    return ClusterTelemetry(
        f"{site.cluster}-telemetry",
        ClusterTelemetryArgs(
            cluster_name=site.cluster,
            artifacts_bucket_name=artifacts.bucket_name,
            artifacts_bucket_arn=artifacts.bucket_arn,
            artifacts_kms_key_arn=storage.data_key_arn(site),
            logs_kms_key_arn=network.logs_key_arn(site),
            log_retention_days=cfg.observability.log_retention_days,
            applications=site.applications,
            metrics_namespace=cfg.observability.metrics_namespace,
            statsd_port=cfg.observability.statsd_port,
        ),
        opts=pulumi.ResourceOptions(provider=site.provider),
    )


def _common_args(
    cfg: StackConfig,
    site: Site,
    *,
    account_id: pulumi.Input[str],
    network: Network,
    storage: LakeStorage,
    telemetry: ClusterTelemetry,
    fleets: ClusterFleets,
    role_path: str,
) -> dict[str, Any]:
    """What both clusters are given the same way, from their site."""
    settings = cfg.emr.settings
    vpc = network.vpc(site)
    return {
        "extra_bootstrap_actions": [telemetry.bootstrap_action],
        "extra_configurations": telemetry.configurations,
        "region": site.region,
        "account_id": account_id,
        "release_label": cfg.emr.release_label,
        "fleets": fleets,
        "vpc_id": vpc.vpc_id,
        "subnet_ids": vpc.private_subnet_ids,
        "logs_bucket_name": storage.bucket(site, "logs").bucket_name,
        "logs_kms_key_arn": network.logs_key_arn(site),
        "artifacts_bucket_name": storage.bucket(site, "artifacts").bucket_name,
        "artifacts_kms_key_arn": storage.data_key_arn(site),
        "step_concurrency_level": settings.step_concurrency_level,
        "termination_protection": settings.termination_protection,
        "s3_kms_key_arn": storage.data_key_arn(site),
        "local_disk_kms_key_arn": storage.data_key_arn(site),
        "certificate_validity_days": settings.tls.validity_days,
        "instance_role_path": role_path,
        "session_manager": settings.session_manager,
    }


def _alluxio_args(
    cfg: StackConfig, catalog_uri: pulumi.Input[str], names: OnpremNames, secrets: KerberosSecrets | None
) -> list[pulumi.Input[str]]:
    """The command line of ``components/emr/bootstrap/alluxio-bootstrap.sh`` on the burst cluster."""
    settings = cfg.emr.settings
    alluxio = settings.alluxio
    args: list[pulumi.Input[str]] = [
        "--version", alluxio.version,
        "--tarball-uri", alluxio.tarball_uri,
        "--namenode-name", names.namenode,
        "--namenode-port", str(names.namenode_port),
        "--mount-point", alluxio.mount_point,
        "--sync-interval", alluxio.metadata_sync_interval,
        "--sync-mode", alluxio.metadata_sync_mode,
        "--cache-quota-percent", str(alluxio.cache_quota_percent),
        "--memory-tier-gb", str(alluxio.memory_tier_gb),
        "--catalog-uri", catalog_uri,
        "--catalog-name", settings.trino.onprem_catalog_name,
        "--engine", settings.engine,
        "--wait-minutes", str(alluxio.onprem_wait_minutes),
    ]  # fmt: skip
    if alluxio.tarball_sha256:
        args += ["--tarball-sha256", alluxio.tarball_sha256]
    if names.nameservice is not None:
        args += ["--nameservice", names.nameservice]
        for namenode in names.ha_namenodes:
            args += ["--ha-namenode", namenode]
    if secrets is not None:
        assert cfg.onprem.kerberos.principal is not None
        args += ["--principal", cfg.onprem.kerberos.principal, "--keytab-secret-arn", secrets.keytab_secret_arn]
    return args


def _burst_statements(
    cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], storage: LakeStorage, lake: LakeGovernance
) -> list[grants.Statement | list[grants.Statement]]:
    """The burst nodes: write their logs and query results, read the raw zone (public benchmark data), the Trino
    exchange, the Alluxio tarball, the Glue catalog calls of the lake principal ``emr-instance`` (Trino's ``hive``
    and ``iceberg`` catalogs), and (with Lake Formation on) assume the lake's runtime role. No direct read of
    the curated zone: Trino reads files with these credentials and Lake Formation's column filters do not apply to
    it (EMR's integration covers Spark only), so curated data is read only through the runtime role. With Lake
    Formation off, Spark steps run as this role: it then runs the pipeline (the job file, ``raw/<database>/``)."""
    site = sites.compute
    settings = cfg.emr.settings
    statements: list[grants.Statement | list[grants.Statement]] = [
        storage.bucket(site, "logs").grant_write(f"emr/{site.cluster}/"),
        storage.bucket(site, "raw").grant_read(),
        storage.bucket(site, "results").grant_write(),
    ]
    if settings.engine == "trino" and settings.trino.exchange == "s3":
        statements.append(
            storage.bucket(site, "exchange").grant_read_write(settings.trino.exchange_prefix, delete=True)
        )
    if settings.alluxio.tarball_uri.startswith("s3://"):
        tarball = grants.parse_s3_uri(settings.alluxio.tarball_uri)
        statements.append([grants.s3_object_read(*tarball, sid="alluxio tarball")])
    if EMR_INSTANCE in cfg.lake.principals:
        statements.append(principal_statements(cfg, sites, account_id, storage, EMR_INSTANCE))
    if settings.lake_formation:
        statements.append(emr_runtime_assume_statements(lake.emr_runtime_role_arn))
    else:
        statements.append(storage.pipeline.writer_statements())
    return statements


def build_clusters(
    cfg: StackConfig,
    sites: Sites,
    *,
    account_id: pulumi.Input[str],
    network: Network,
    storage: LakeStorage,
    lake: LakeGovernance,
    fleets: Mapping[str, ClusterFleets],
    role_path: str,
) -> Clusters:
    """Both clusters; their instance roles are created under ``role_path``, the path the lake's runtime role
    trusts (``instance_role_path``)."""
    settings = cfg.emr.settings
    telemetry = {site.cluster: _telemetry(cfg, site, network, storage) for site in sites}

    compute = sites.compute
    names = onprem_names(cfg)
    secrets = kerberos_secrets(cfg, sites, storage)
    onprem_cluster: EmrCluster | None = None
    endpoints: OnpremEndpoints | None = None
    if sites.onprem is not None:
        onprem = sites.onprem
        onprem_cluster = EmrCluster(
            onprem.cluster,
            EmrClusterArgs(
                **_common_args(cfg, onprem, account_id=account_id, network=network, storage=storage,
                               telemetry=telemetry[onprem.cluster], fleets=fleets[onprem.cluster],
                               role_path=role_path),
                applications=emr_conf.onprem_applications(),
                configurations=emr_conf.onprem_configurations(),
                instance_statements=[
                    storage.bucket(onprem, "logs").grant_write(f"emr/{onprem.cluster}/"),
                    *telemetry[onprem.cluster].instance_statements,
                    *proxy_kerberos_statements(secrets, storage, onprem),
                ],
                bootstrap_scripts=proxy_kerberos_bootstrap(cfg, secrets),
                kerberos=cluster_kerberos(cfg, onprem, sites, names, secrets),
                # The burst VPC reaches HDFS and the metastore only through this group (peered ports only).
                additional_security_group_ids=[network.onprem_access_security_group_id],
                idle_timeout_seconds=settings.onprem_idle_timeout_seconds,
                protect=cfg.protect,
                certificate_zip_s3_uri=settings.tls.onprem_certificate_zip_s3_uri,
            ),
            opts=pulumi.ResourceOptions(provider=onprem.provider),
        )
        endpoints = OnpremEndpoints(
            "onprem-endpoints",
            OnpremEndpointsArgs(
                zone_name=settings.onprem_dns_zone,
                vpc_id=network.vpc(compute).vpc_id,
                other_vpc_id=network.vpc(onprem).vpc_id,
                other_vpc_region=onprem.region,
                other_provider=onprem.provider,
                target_dns_name=onprem_cluster.master_private_dns,
            ),
            opts=pulumi.ResourceOptions(provider=compute.provider),
        )

    catalog_file = Artifact(
        name=f"{settings.trino.onprem_catalog_name}.properties",
        content=emr_conf.render_properties(
            {
                **emr_conf.onprem_catalog_properties(settings, metastore_uris=names.metastore_uris),
                **(
                    catalog_properties(
                        engine=settings.engine,
                        principal=cfg.onprem.kerberos.principal or "",
                        metastore_principal=cfg.onprem.kerberos.metastore_principal_name,
                    )
                    if secrets is not None
                    else {}
                ),
            }
        ),
    )
    artifacts = storage.bucket(compute, "artifacts")
    catalog_uri = pulumi.Output.concat("s3://", artifacts.bucket_name, "/", catalog_file.key(compute.cluster))
    scaling = settings.scaling
    burst_cluster = EmrCluster(
        compute.cluster,
        EmrClusterArgs(
            **_common_args(cfg, compute, account_id=account_id, network=network, storage=storage,
                           telemetry=telemetry[compute.cluster], fleets=fleets[compute.cluster], role_path=role_path),
            applications=emr_conf.burst_applications(settings),
            configurations=pulumi.Output.all(
                storage.bucket(compute, "exchange").bucket_name,
                storage.bucket(compute, settings.lake_catalogs.warehouse_zone).bucket_name,
            ).apply(
                lambda buckets: emr_conf.burst_configurations(
                    settings,
                    exchange_bucket=buckets[0],
                    region=compute.region,
                    warehouse_bucket=buckets[1],
                    release_label=cfg.emr.release_label,
                )
            ),
            instance_statements=[
                *_burst_statements(cfg, sites, account_id, storage, lake),
                *telemetry[compute.cluster].instance_statements,
                # The bootstrap reads the keytab: GetSecretValue on that one secret (its key is the data key the
                # role already uses).
                *keytab_read_statements(secrets, storage, sites),
            ],
            kerberos=cluster_kerberos(cfg, compute, sites, names, secrets),
            bootstrap_scripts=[
                BootstrapScript(
                    artifact=bootstrap_artifact("alluxio-bootstrap.sh"),
                    args=_alluxio_args(cfg, catalog_uri, names, secrets),
                )
            ],
            artifacts=[catalog_file],
            # External mode: the burst nodes' egress to the on-prem Hadoop ports (proxy mode: none needed here).
            additional_security_group_ids=[network.onprem_access_security_group_id] if sites.onprem is None else (),
            idle_timeout_seconds=settings.burst_idle_timeout_seconds,
            managed_scaling=ManagedScalingLimits(
                minimum_units=scaling.minimum_units,
                maximum_units=scaling.maximum_units,
                maximum_on_demand_units=scaling.maximum_on_demand_units,
                maximum_core_units=scaling.maximum_core_units,
            ),
            certificate_zip_s3_uri=settings.tls.burst_certificate_zip_s3_uri,
            lake_formation=settings.lake_formation,
        ),
        opts=pulumi.ResourceOptions(provider=compute.provider),
    )
    if EMR_INSTANCE in cfg.lake.principals:
        # The instance role exists only now (it may assume the lake's runtime role, so the lake came first).
        lake.bind_principal(EMR_INSTANCE, burst_cluster.instance_role_arn)
    return Clusters(
        onprem=onprem_cluster,
        burst=burst_cluster,
        endpoints=endpoints,
        names=names,
        kerberos_secrets=secrets,
        telemetry=telemetry,
    )
