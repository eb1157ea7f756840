"""Pure builders of EMR configuration classifications (the ``Configurations`` JSON of RunJobFlow).

Nothing here touches Pulumi: every function takes plain values and returns plain JSON-able data, so the
classification content is unit-tested directly and the component only serialises it.

Classification names used here and where they are documented (Amazon EMR Release Guide):
- ``trino-config`` (config.properties), ``trino-connector-hive``, ``trino-node``, ``trino-log``: "Trino
  considerations" - https://docs.aws.amazon.com/emr/latest/ReleaseGuide/Trino-considerations.html
- ``trino-exchange-manager`` (etc/exchange-manager.properties, EMR 6.9.0+; HDFS is the default spool):
  https://docs.aws.amazon.com/emr/latest/ReleaseGuide/trino-ft.html
- ``presto-config``, ``presto-connector-hive``: https://docs.aws.amazon.com/emr/latest/ReleaseGuide/presto-configure.html
- ``core-site``, ``hdfs-site``, ``hive-site``, ``spark-defaults``:
  https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-configure-apps.html
- the cloud lake on Glue:
  - ``trino-connector-hive`` with ``hive.metastore=glue`` ("Launch an Amazon EMR cluster with Trino", the Glue sample:
    https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-trino-getting-started-launch.html; property reference
    https://trino.io/docs/current/object-storage/metastores.html); ``presto-connector-hive`` likewise for PrestoDB
    (https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-presto-glue.html);
  - ``trino-connector-iceberg`` with ``connector.name=iceberg``, ``iceberg.catalog.type=glue`` ("Use an Iceberg cluster
    with Trino", EMR 6.6.0+: https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-iceberg-use-trino-cluster.html;
    ``fs.native-s3.enabled`` is only added there from EMR 7.7.0, so it is set only for those releases);
  - ``spark-hive-site`` with ``hive.metastore.client.factory.class`` = the Glue client factory ("Use the AWS Glue
    Data Catalog as the metastore for Spark SQL": https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-spark-glue.html);
  - ``iceberg-defaults`` with ``iceberg.enabled=true`` and the Spark catalog in ``spark-defaults``
    (``spark.sql.catalog.<name>`` = ``SparkCatalog`` with ``GlueCatalog`` and ``S3FileIO``; "Use an Iceberg cluster
    with Spark": https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-iceberg-use-spark-cluster.html).

EMR has no classification for a catalog with a custom name (the ``trino-connector-*`` classifications map to the
connector files EMR ships, e.g. ``hive.properties``), so the ``onprem`` catalog is rendered here as a properties
file, uploaded to S3 by the cluster component and installed by the Alluxio bootstrap script - exactly the file
the Alluxio tutorial shows at ``/etc/presto/conf/catalog/onprem.properties``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from components.config.emr_cluster import EmrClusterSettings, LakeCatalogSettings

from .ports import DATANODE_PORT, METASTORE_PORT

Classification = dict[str, Any]


ALLUXIO_CORE_SITE = "/etc/alluxio-client/core-site.xml"
"""Hadoop config file the bootstrap writes for the engines: ``hdfs://`` of the on-prem NameNode goes through
Alluxio (``alluxio.hadoop.ShimFileSystem``, Alluxio's "transparent URI")."""


def classification(
    name: str,
    properties: Mapping[str, str] | None = None,
    configurations: Sequence[Classification] = (),
) -> Classification:
    """One EMR configuration object (``Classification``/``Properties``/``Configurations``)."""
    if not name or name != name.strip():
        raise ValueError(f"bad classification name {name!r}")
    out: Classification = {"Classification": name, "Properties": {k: str(v) for k, v in (properties or {}).items()}}
    if configurations:
        out["Configurations"] = list(configurations)
    return out


def endpoint_names(zone: str) -> dict[str, str]:
    """The stable DNS names of the on-prem endpoints (records of the private zone, see ``OnpremEndpoints``)."""
    return {"namenode": f"namenode.{zone}", "metastore": f"metastore.{zone}"}


def onprem_applications() -> list[str]:
    """The on-prem proxy runs Hadoop (HDFS, YARN) and Hive with its metastore on the primary node."""
    return ["Hadoop", "Hive"]


def burst_applications(settings: EmrClusterSettings) -> list[str]:
    """Hadoop (HDFS for the exchange and Alluxio's HDFS client), Spark and the chosen SQL engine."""
    engine = "Trino" if settings.engine == "trino" else "Presto"
    return ["Hadoop", "Spark", engine]


def onprem_configurations() -> list[Classification]:
    """The on-prem proxy: HDFS and the Hive metastore listen on every interface on the ports the peering admits.

    The Hive metastore runs on the primary node with EMR's default local database (the proxy stands in for an
    on-prem Hadoop lake; a production on-prem lake brings its own metastore).
    """
    return [
        classification(
            "hdfs-site",
            {
                # Listen on all interfaces: the burst VPC reaches the NameNode over the peering link.
                "dfs.namenode.rpc-bind-host": "0.0.0.0",  # noqa: S104 - reachable only through the peering SG
                "dfs.datanode.address": f"0.0.0.0:{DATANODE_PORT}",
            },
        ),
        classification("hive-site", {"hive.metastore.port": str(METASTORE_PORT)}),
    ]


def trino_config(settings: EmrClusterSettings) -> dict[str, str]:
    """``trino-config`` (config.properties): fault-tolerant execution tuned for Spot task nodes (AWS big-data
    blog "Run fault tolerant and cost-optimized Trino on EMR Spot", seed 002 lines 80-100)."""
    t = settings.trino
    return {
        "retry-policy": t.retry_policy,
        "exchange.compression-enabled": "true" if t.exchange_compression else "false",
        "query.low-memory-killer.delay": t.low_memory_killer_delay,
        "query.remote-task.max-error-duration": t.remote_task_max_error_duration,
        # Graceful shutdown: EMR's Trino drains a worker on the 2-minute Spot interruption notice; the grace
        # period bounds how long a draining worker keeps running tasks.
        "shutdown.grace-period": t.shutdown_grace_period,
    }


def trino_exchange_manager(settings: EmrClusterSettings, *, exchange_bucket: str | None, region: str) -> dict[str, str]:
    """``trino-exchange-manager`` (exchange-manager.properties; EMR sets ``exchange-manager.name=filesystem``)."""
    t = settings.trino
    if t.exchange == "hdfs":
        return {"exchange.use-local-hdfs": "true", "exchange.base-directories": f"/{t.exchange_prefix}"}
    if not exchange_bucket:
        raise ValueError("the S3 exchange needs the exchange bucket name (trino.exchange is s3)")
    return {
        "exchange.use-local-hdfs": "false",
        # The bucket encrypts with its default SSE-KMS key; the instance role holds the grant.
        "exchange.base-directories": f"s3://{exchange_bucket}/{t.exchange_prefix}",
        "exchange.s3.region": region,
    }


GLUE_HIVE_CLIENT_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"
ICEBERG_SPARK_EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
# EMR release from which the Iceberg-on-Glue sample adds Trino's native S3 file system (page cited above).
NATIVE_S3_FROM = (7, 7, 0)


def _release(release_label: str) -> tuple[int, ...]:
    match = re.match(r"^emr-(\d+)\.(\d+)\.(\d+)$", release_label)
    if not match:
        raise ValueError(f"not an EMR release label: {release_label!r} (e.g. emr-7.5.0)")
    return tuple(int(x) for x in match.groups())


def spark_iceberg_catalog(name: str, *, warehouse: str) -> dict[str, str]:
    """``spark-defaults`` entries of an Iceberg catalog on Glue named ``name`` (EMR's Iceberg-with-Spark page)."""
    if not warehouse.startswith("s3://"):
        raise ValueError(f"the Iceberg warehouse must be an s3:// URI, got {warehouse!r}")
    prefix = f"spark.sql.catalog.{name}"
    return {
        "spark.sql.extensions": ICEBERG_SPARK_EXTENSIONS,
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"{prefix}.warehouse": warehouse,
    }


def lake_configurations(
    settings: EmrClusterSettings, *, warehouse_bucket: str | None, release_label: str
) -> list[Classification]:
    """The cloud lake on the burst cluster: Glue as Spark's metastore, Iceberg on Glue for Spark, and Trino's
    ``hive`` and ``iceberg`` catalogs on Glue (PrestoDB: its ``hive`` catalog on Glue). Empty when disabled."""
    lake: LakeCatalogSettings = settings.lake_catalogs
    if not lake.enabled:
        return []
    if not warehouse_bucket:
        raise ValueError("the lake catalogs need the warehouse zone's bucket name (lake_catalogs.warehouse_zone)")
    iceberg_trino = {"connector.name": "iceberg", "iceberg.catalog.type": "glue"}
    if _release(release_label) >= NATIVE_S3_FROM:
        iceberg_trino["fs.native-s3.enabled"] = "true"
    out = [
        classification("spark-hive-site", {"hive.metastore.client.factory.class": GLUE_HIVE_CLIENT_FACTORY}),
        classification("iceberg-defaults", {"iceberg.enabled": "true"}),
        classification(
            "spark-defaults",
            spark_iceberg_catalog(lake.spark_iceberg_catalog_name, warehouse=f"s3://{warehouse_bucket}/iceberg/"),
        ),
    ]
    if settings.engine == "presto":
        out.append(classification("presto-connector-hive", {"hive.metastore": "glue"}))
    else:
        out.append(classification("trino-connector-hive", {"hive.metastore": "glue"}))
        out.append(classification("trino-connector-iceberg", iceberg_trino))
    return out


def lake_catalog_names(settings: EmrClusterSettings) -> dict[str, list[str]]:
    """Catalog names per engine (for outputs, docs and the plan report): SQL engine catalogs and Spark's."""
    sql = [settings.trino.onprem_catalog_name]
    spark: list[str] = []
    if settings.lake_catalogs.enabled:
        sql += ["hive"] if settings.engine == "presto" else ["hive", "iceberg"]
        spark = ["spark_catalog (Glue)", settings.lake_catalogs.spark_iceberg_catalog_name]
    return {settings.engine: sql, "spark": spark}


def burst_configurations(
    settings: EmrClusterSettings,
    *,
    exchange_bucket: str | None,
    region: str,
    warehouse_bucket: str | None = None,
    release_label: str = "emr-7.5.0",
) -> list[Classification]:
    """Every classification of the burst cluster for the configured engine (with the lake catalogs when
    ``settings.lake_catalogs.enabled``; then ``warehouse_bucket`` is required)."""
    return merge(
        _engine_configurations(settings, exchange_bucket=exchange_bucket, region=region),
        lake_configurations(settings, warehouse_bucket=warehouse_bucket, release_label=release_label),
    )


def _engine_configurations(
    settings: EmrClusterSettings, *, exchange_bucket: str | None, region: str
) -> list[Classification]:
    core_site = classification(
        "core-site",
        {
            # alluxio:// paths for Spark and Hadoop jobs (the client jar is linked in by the bootstrap).
            "fs.alluxio.impl": "alluxio.hadoop.FileSystem",
            "fs.AbstractFileSystem.alluxio.impl": "alluxio.hadoop.AlluxioFileSystem",
        },
    )
    spark = classification(
        "spark-defaults",
        {
            # Executors on Spot task nodes: move shuffle and cached blocks off a node told to decommission.
            "spark.decommission.enabled": "true",
            "spark.storage.decommission.enabled": "true",
            "spark.storage.decommission.shuffleBlocks.enabled": "true",
        },
    )
    if settings.engine == "presto":
        presto = classification(
            "presto-config",
            {
                "query.remote-task.max-error-duration": settings.trino.remote_task_max_error_duration,
                "shutdown.grace-period": settings.trino.shutdown_grace_period,
            },
        )
        return [core_site, spark, presto]
    return [
        core_site,
        spark,
        classification("trino-config", trino_config(settings)),
        classification(
            "trino-exchange-manager",
            trino_exchange_manager(settings, exchange_bucket=exchange_bucket, region=region),
        ),
    ]


def onprem_catalog_properties(
    settings: EmrClusterSettings,
    *,
    zone: str | None = None,
    metastore_uris: Sequence[str] = (),
) -> dict[str, str]:
    """The ``onprem`` catalog: the Hive connector on the on-prem metastore; reads go through Alluxio.

    The metastore is the proxy's stable name ``metastore.<zone>`` (``zone``) or the configured external URIs
    (``metastore_uris``; Trino's ``hive.metastore.uri`` takes a comma-separated list and fails over in order,
    https://trino.io/docs/current/object-storage/metastores.html). ``hive.config.resources`` points at the Hadoop
    config the bootstrap writes, which maps the on-prem NameNode's ``hdfs://`` URIs (the table locations the
    metastore returns) onto Alluxio, so on-prem tables work without redefinition.
    """
    if zone is not None:
        metastore_uris = [f"thrift://{endpoint_names(zone)['metastore']}:{METASTORE_PORT}"]
    if not metastore_uris:
        raise ValueError("the onprem catalog needs the metastore: give zone (proxy) or metastore_uris (external)")
    connector = "hive" if settings.engine == "trino" else "hive-hadoop2"
    return {
        "connector.name": connector,
        "hive.metastore.uri": ",".join(metastore_uris),
        "hive.config.resources": ALLUXIO_CORE_SITE,
        # The proxy lake is read-only from the burst side.
        "hive.non-managed-table-writes-enabled": "false",
    }


def render_properties(props: Mapping[str, str]) -> str:
    """A Java properties file, keys sorted (stable content, stable S3 object hash)."""
    for key, value in props.items():
        if "\n" in key or "\n" in value or "=" in key:
            raise ValueError(f"property {key!r} cannot be rendered on one line")
    return "".join(f"{k}={props[k]}\n" for k in sorted(props))


def merge(base: Sequence[Classification], extra: Sequence[Classification]) -> list[Classification]:
    """Append extra classifications; a classification named twice has its properties merged (extra wins),
    because EMR rejects a configuration list that repeats a classification."""
    out: dict[str, Classification] = {}
    for item in [*base, *extra]:
        name = item["Classification"]
        if name in out:
            merged = dict(out[name])
            merged["Properties"] = {**out[name].get("Properties", {}), **item.get("Properties", {})}
            nested = [*out[name].get("Configurations", []), *item.get("Configurations", [])]
            if nested:
                merged["Configurations"] = nested
            out[name] = merged
        else:
            out[name] = dict(item)
    return list(out.values())
