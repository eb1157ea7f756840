"""``hybrid-burst:emr.settings``: cluster and application settings (engine, Trino, Alluxio, lifecycle, TLS).

Owned by the EMR cluster work; capacity and fleets live in ``emr.py``. Every limit cited below is an AWS or
upstream limit; the presets at the bottom are the per-environment defaults (never ``if env == "prod"`` in
components).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from components import naming

from .types import StrictModel

_DURATION_RE = re.compile(r"^\d+(ms|s|m|h|d)$")
_S3_URI_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/.+\.zip$")
_DNS_ZONE_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")

# EMR maps each ``trino-connector-<name>`` classification onto Trino's ``etc/catalog/<name>.properties``: the
# catalog is named after the classification ("Configure applications" and the release's classification table,
# https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-trino-config.html and
# https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-iceberg-use-trino-cluster.html). The cloud lake's Trino
# catalogs are therefore ``hive`` (Hive connector on Glue) and ``iceberg`` (Iceberg connector on Glue).
LAKE_TRINO_CATALOGS = ("hive", "iceberg")


def _duration(value: str) -> str:
    """Airlift/Alluxio duration strings (``0s``, ``1m``, ``30s``)."""
    if not _DURATION_RE.match(value):
        raise ValueError("not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s or 1m")
    return value


class TrinoSettings(StrictModel):
    """Trino on the burst cluster: fault-tolerant execution for Spot task nodes."""

    retry_policy: Literal["TASK", "QUERY"] = "TASK"
    """``retry-policy`` in ``trino-config``. Default: TASK (retries individual tasks; best for the large batch
    queries a burst runs; https://docs.aws.amazon.com/emr/latest/ReleaseGuide/trino-ft.html)."""
    exchange: Literal["s3", "hdfs"] = "s3"
    """Where the exchange manager spools intermediate data. Default: s3 (the KMS-encrypted ``exchange`` zone
    bucket; survives the loss of core nodes). ``hdfs`` spools to the cluster's HDFS (the EMR 6.9.0+ default,
    faster, but lost with the core fleet)."""
    exchange_prefix: str = "trino-exchange"
    """Directory (S3 prefix or HDFS path) of the spooled data. Default: ``trino-exchange``."""
    exchange_compression: bool = True
    """``exchange.compression-enabled``. Default: on (less data spooled)."""
    low_memory_killer_delay: str = "0s"
    """``query.low-memory-killer.delay``. Default: 0s (unblock nodes short of memory at once; AWS blog on Trino
    FT with Spot)."""
    remote_task_max_error_duration: str = "1m"
    """``query.remote-task.max-error-duration``. Default: 1m (Trino's own default is 5m; a lost Spot worker is
    rescheduled sooner)."""
    shutdown_grace_period: str = "2m"
    """``shutdown.grace-period`` of a worker asked to shut down (Spot interruption notice = 2 minutes).
    Default: 2m."""
    onprem_catalog_name: str = "onprem"
    """Name of the Hive catalog that reads the on-prem metastore through Alluxio. Default: ``onprem``."""

    @field_validator("low_memory_killer_delay", "remote_task_max_error_duration", "shutdown_grace_period")
    @classmethod
    def _durations(cls, value: str) -> str:
        return _duration(value)

    @field_validator("exchange_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9\-_/]*[a-z0-9]$", value):
            raise ValueError("use a plain relative path of lowercase letters, digits, - _ /, e.g. trino-exchange")
        return value

    @field_validator("onprem_catalog_name")
    @classmethod
    def _catalog(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9_]{0,63}$", value):
            raise ValueError("a Trino catalog name is lowercase letters, digits and _; e.g. onprem")
        if value in LAKE_TRINO_CATALOGS:
            raise ValueError(
                f"{value!r} is a cloud-lake catalog on Glue (EMR's trino-connector-{value} classification writes "
                f"catalog/{value}.properties); pick another name, e.g. onprem"
            )
        return value


class LakeCatalogSettings(StrictModel):
    """The cloud lake on the burst cluster: Glue Data Catalog as metastore for Spark and Trino, Iceberg on Glue."""

    enabled: bool = True
    """Configure the Glue catalogs on the burst cluster (Trino ``hive`` and ``iceberg`` catalogs on Glue, Spark's
    metastore on Glue, Iceberg enabled). Default: on; off leaves only the ``onprem`` catalog."""
    spark_iceberg_catalog_name: str = "iceberg"
    """Name of Spark's Iceberg catalog on Glue (``spark.sql.catalog.<name>``). Default: ``iceberg`` - the same name
    as Trino's Iceberg catalog, so ``iceberg.tpcds.store_sales`` means the same table in both engines."""
    warehouse_zone: Literal["raw", "curated"] = "raw"
    """Zone whose bucket is the Iceberg warehouse for tables created without an explicit location (a Glue
    database's location wins). Default: raw (where the ``tpcds`` database lives)."""

    @field_validator("spark_iceberg_catalog_name")
    @classmethod
    def _spark_catalog(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9_]{0,63}$", value):
            raise ValueError("a Spark catalog name is lowercase letters, digits and _; e.g. iceberg")
        if value == "spark_catalog":
            raise ValueError(
                "spark_catalog is Spark's session catalog (the Glue Hive metastore here); name the Iceberg catalog "
                "differently, e.g. iceberg"
            )
        return value


class AlluxioSettings(StrictModel):
    """Alluxio on the burst cluster, installed by ``components/emr/bootstrap/alluxio-bootstrap.sh``."""

    version: str = "2.9.4"
    """Alluxio release. Default: 2.9.4 (the last 2.x open-source release line with the HDFS under-store and
    ``alluxio.hadoop.ShimFileSystem``)."""
    tarball_uri: str = "https://downloads.alluxio.io/downloads/files/2.9.4/alluxio-2.9.4-bin.tar.gz"
    """Where nodes fetch the Alluxio tarball: ``s3://`` (through the VPC's S3 gateway endpoint; use this when
    the VPC has no NAT) or ``https://`` (needs a NAT). Default: the public download URL of ``version``."""
    tarball_sha256: str | None = None
    """SHA-256 of the tarball; the bootstrap refuses a tarball that does not match. Default: not checked."""
    metadata_sync_interval: str = "30s"
    """``alluxio.user.file.metadata.sync.interval``: how stale on-prem metadata may be. Default: 30s (the
    tutorial's value); ``-1`` disables sync. With ``metadataSyncMode: active`` it is also the active-sync interval."""
    metadata_sync_mode: Literal["interval", "active"] = "interval"
    """How on-prem changes reach Alluxio. ``interval``: a client access re-reads the HDFS metadata once it is older
    than ``metadataSyncInterval``. ``active``: Alluxio's Active Sync (what the tutorial sets up; ``alluxio fs
    getSyncPathList`` shows it): the master follows the NameNode's edit stream (HDFS inotify) on the mount and
    syncs it every ``metadataSyncInterval`` (``alluxio.master.ufs.active.sync.interval``); the mount is started with
    ``alluxio fs startSync``. Active Sync needs the Alluxio user to be an HDFS superuser on the on-prem cluster and
    HDFS 2.7+ (Alluxio docs, core-services/Unified-Namespace.md, "Active Sync for HDFS"). Default: interval."""
    cache_quota_percent: int = Field(default=80, ge=10, le=95)
    """Share of each NVMe instance-store volume (or of ``/mnt`` when a node has none) given to the worker cache
    tier. Default: 80%."""
    memory_tier_gb: int = Field(default=0, ge=0, le=256)
    """Size of a RAM tier per worker on top of the SSD tier. Default: 0 (no RAM tier; Trino needs the memory)."""
    mount_point: str = "/onprem"
    """Alluxio path where the on-prem HDFS is mounted. Default: ``/onprem``."""
    onprem_wait_minutes: int = Field(default=90, ge=5, le=720)
    """How long the bootstrap's background job waits for the on-prem NameNode name to resolve and answer
    before giving up (the clusters are created in parallel; see ADR 0005). Default: 90 minutes."""

    @field_validator("metadata_sync_interval")
    @classmethod
    def _sync(cls, value: str) -> str:
        return value if value == "-1" else _duration(value)

    @model_validator(mode="after")
    def _active_sync_needs_interval(self) -> AlluxioSettings:
        if self.metadata_sync_mode == "active" and self.metadata_sync_interval == "-1":
            raise ValueError(
                "@metadataSyncInterval: -1 disables sync, but metadataSyncMode is active (it syncs every interval); "
                "set an interval such as 30s, or use metadataSyncMode: interval"
            )
        return self

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION_RE.match(value):
            raise ValueError("write an Alluxio release as major.minor.patch, e.g. 2.9.4")
        return value

    @field_validator("tarball_uri")
    @classmethod
    def _tarball(cls, value: str) -> str:
        if not re.match(r"^(s3|https)://[^\s'\"]+\.tar\.gz$", value):
            raise ValueError("use an s3:// or https:// URI of a .tar.gz (plain http is refused)")
        return value

    @field_validator("tarball_sha256")
    @classmethod
    def _sha(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[0-9a-f]{64}$", value):
            raise ValueError("a SHA-256 is 64 lowercase hex digits")
        return value

    @field_validator("mount_point")
    @classmethod
    def _mount(cls, value: str) -> str:
        if not re.match(r"^/[a-z0-9][a-z0-9_\-]*$", value):
            raise ValueError("an Alluxio mount point is one absolute path segment, e.g. /onprem")
        return value


class TlsSettings(StrictModel):
    """In-transit encryption certificates (PEM zip in S3), one per cluster (security configurations and
    private DNS suffixes are regional). See docs/adr/0004-emr-in-transit-certificates.md."""

    generate_self_signed: bool
    """Generate a self-signed certificate zip at plan time and upload it to each side's ``artifacts`` bucket
    (the private key is stored as a secret in the stack state). Preset: on in dev/staging, off in prod."""
    onprem_certificate_zip_s3_uri: str | None = None
    """``s3://bucket/key.zip`` with privateKey.pem, certificateChain.pem, trustedCertificates.pem for the on-prem
    cluster's region. Required when ``generateSelfSigned`` is off."""
    burst_certificate_zip_s3_uri: str | None = None
    """The same for the burst cluster's region. Required when ``generateSelfSigned`` is off."""
    validity_days: int = Field(default=365, ge=1, le=825)
    """Validity of generated certificates. Default: 365 days."""

    @field_validator("onprem_certificate_zip_s3_uri", "burst_certificate_zip_s3_uri")
    @classmethod
    def _uri(cls, value: str | None) -> str | None:
        if value is None:
            return value
        # The bucket and key rules first (components/naming.py cites them), so the message says which one broke.
        problem = naming.s3_uri_problem(value) if value.startswith("s3://") else None
        if problem or not _S3_URI_RE.match(value):
            raise ValueError(
                (f"{problem}; " if problem else "")
                + "write the S3 URI of the PEM zip, e.g. s3://my-certs-bucket/emr/burst-certs.zip"
            )
        return value

    @model_validator(mode="after")
    def _brought_or_generated(self) -> TlsSettings:
        if not self.generate_self_signed:
            for key, value in (
                ("onpremCertificateZipS3Uri", self.onprem_certificate_zip_s3_uri),
                ("burstCertificateZipS3Uri", self.burst_certificate_zip_s3_uri),
            ):
                if value is None:
                    raise ValueError(
                        f"@{key}: required when generateSelfSigned is false (prod brings its own certificates): "
                        "upload a zip with privateKey.pem, certificateChain.pem and trustedCertificates.pem "
                        "covering *.<region private DNS suffix> to S3 and set its s3:// URI here"
                    )
        return self


class ScalingSettings(StrictModel):
    """EMR managed scaling of the burst cluster, in instance-fleet units (vCPUs, the fleets' weights)."""

    minimum_units: int = Field(ge=1, le=10_000)
    """Floor of the cluster's capacity (primary + core + task). Required."""
    maximum_units: int = Field(ge=1, le=10_000)
    """Ceiling of the cluster's capacity. Required."""
    maximum_on_demand_units: int = Field(ge=0, le=10_000)
    """Cap on On-Demand units; capacity above it is Spot. Required."""
    maximum_core_units: int | None = Field(default=None, ge=1, le=10_000)
    """Cap on core-fleet units (core nodes hold HDFS; scaling them in moves blocks). Default: no cap."""

    @model_validator(mode="after")
    def _ordered(self) -> ScalingSettings:
        # ComputeLimits constraints (https://docs.aws.amazon.com/emr/latest/APIReference/API_ComputeLimits.html).
        if self.minimum_units > self.maximum_units:
            raise ValueError(f"@minimumUnits: {self.minimum_units} exceeds maximumUnits {self.maximum_units}; lower it")
        if self.maximum_on_demand_units > self.maximum_units:
            raise ValueError("@maximumOnDemandUnits: must not exceed maximumUnits (EMR ComputeLimits)")
        if self.maximum_core_units is not None and self.maximum_core_units > self.maximum_units:
            raise ValueError("@maximumCoreUnits: must not exceed maximumUnits (EMR ComputeLimits)")
        return self


class EmrClusterSettings(StrictModel):
    engine: Literal["trino", "presto"] = "trino"
    """SQL engine of the burst cluster. Default: trino (fault-tolerant execution); ``presto`` installs PrestoDB
    with the same ``onprem`` catalog but without fault tolerance."""
    trino: TrinoSettings = Field(default_factory=TrinoSettings)
    alluxio: AlluxioSettings = Field(default_factory=AlluxioSettings)
    tls: TlsSettings
    scaling: ScalingSettings
    burst_idle_timeout_seconds: int = Field(ge=60, le=604_800)
    """Auto-termination of the burst cluster after this much idle time (EMR allows 60 s to 7 days,
    https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-auto-termination-policy.html). Required: a burst
    cluster must not idle forever."""
    onprem_idle_timeout_seconds: int | None = Field(default=None, ge=60, le=604_800)
    """Auto-termination of the on-prem proxy cluster. Default: none (it holds the HDFS data)."""
    step_concurrency_level: int = Field(default=4, ge=1, le=256)
    """Steps that may run at once (EMR allows 1-256). Default: 4."""
    termination_protection: bool
    """Termination protection on both clusters. Preset: on in prod."""
    lake_formation: bool = False
    """EMR's Lake Formation integration on the burst cluster: the security configuration's
    ``AuthorizationConfiguration`` (application-scoped IAM roles = runtime roles, session tag ``Amazon EMR``) and
    the instance role's right to assume the lake's ``emr-runtime`` role; Spark steps submitted with that runtime
    role are filtered by the column-level grants. With it on, every step must carry ``ExecutionRoleArn`` (the
    ``fill_lake`` runbook does). Default: off. Preset: on in staging and prod; off in dev (see the preset for why)."""
    lake_catalogs: LakeCatalogSettings = Field(default_factory=LakeCatalogSettings)
    """The Glue/Iceberg catalogs of the burst cluster (next to the ``onprem`` catalog)."""
    onprem_dns_zone: str = "onprem.hybrid-burst.internal"
    """Route 53 private zone with stable names of the on-prem endpoints (``namenode.``, ``metastore.``).
    Default: onprem.hybrid-burst.internal."""
    session_manager: bool = True
    """Operator access without SSH: both clusters' instance roles get the SSM Agent's Session Manager permissions,
    the agent's registration scoped to the cluster's own instances (tag ``hybrid-burst-cluster``), and each VPC
    without a NAT must list the ``ssm``, ``ssmmessages`` and ``ec2messages`` interface endpoints (checked).
    Port forwarding to the Trino and Alluxio UIs: docs/operations.md. Default: on."""

    @field_validator("onprem_dns_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not _DNS_ZONE_RE.match(value):
            raise ValueError("not a DNS zone name; write lowercase labels, e.g. onprem.hybrid-burst.internal")
        return value


PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "tls": {"generateSelfSigned": True},
        "scaling": {"minimumUnits": 12, "maximumUnits": 64, "maximumOnDemandUnits": 16, "maximumCoreUnits": 8},
        "burstIdleTimeoutSeconds": 3600,
        "onpremIdleTimeoutSeconds": 14400,
        "terminationProtection": False,
        # Lake Formation off in dev: with it on, every Spark step must name the runtime role (ExecutionRoleArn),
        # interactive spark-shell/notebook sessions on the primary lose catalog access, and EMR blocks custom jars
        # and UDF classes in governed sessions (emr-lf-limitations.html) - dev is where those get tried out. dev
        # holds no PII (the demo table is empty there); staging and prod run governed.
        "lakeFormation": False,
    },
    "staging": {
        "tls": {"generateSelfSigned": True},
        "scaling": {"minimumUnits": 24, "maximumUnits": 192, "maximumOnDemandUnits": 32, "maximumCoreUnits": 16},
        "burstIdleTimeoutSeconds": 3600,
        "terminationProtection": False,
        "lakeFormation": True,
    },
    "prod": {
        "tls": {"generateSelfSigned": False},
        "scaling": {
            "minimumUnits": 64,
            "maximumUnits": 768,
            "maximumOnDemandUnits": 128,
            "maximumCoreUnits": 48,
        },
        "burstIdleTimeoutSeconds": 7200,
        "stepConcurrencyLevel": 8,
        "terminationProtection": True,
        "lakeFormation": True,
    },
}
