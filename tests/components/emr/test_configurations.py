"""Classification content: Trino fault tolerance, exchange manager, the onprem catalog, the on-prem proxy."""

from __future__ import annotations

from typing import Any

import pytest

from components.config.emr_cluster import PRESETS, EmrClusterSettings
from components.emr import configurations as conf
from components.emr import ports
from components.network.cross_region_peering import DEFAULT_PEER_PORTS

ZONE = "onprem.hybrid-burst.internal"


def _settings(**overrides: Any) -> EmrClusterSettings:
    return EmrClusterSettings.model_validate({**PRESETS["dev"], **overrides})


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    names = [c["Classification"] for c in items]
    assert len(names) == len(set(names)), "EMR rejects a repeated classification"
    return {c["Classification"]: c["Properties"] for c in items}


def test_trino_fault_tolerant_execution_on_s3_exchange() -> None:
    got = _by_name(
        conf.burst_configurations(_settings(), exchange_bucket="hb-exchange", region="us-east-1", warehouse_bucket="w")
    )
    trino = got["trino-config"]
    assert trino["retry-policy"] == "TASK"
    assert trino["exchange.compression-enabled"] == "true"
    assert trino["query.low-memory-killer.delay"] == "0s"
    assert trino["query.remote-task.max-error-duration"] == "1m"
    assert "shutdown.grace-period" in trino
    exchange = got["trino-exchange-manager"]
    assert exchange["exchange.base-directories"] == "s3://hb-exchange/trino-exchange"
    assert exchange["exchange.use-local-hdfs"] == "false"
    assert exchange["exchange.s3.region"] == "us-east-1"


def test_hdfs_exchange_uses_local_hdfs() -> None:
    settings = _settings(trino={"exchange": "hdfs"})
    got = _by_name(conf.burst_configurations(settings, exchange_bucket=None, region="us-east-1", warehouse_bucket="w"))
    assert got["trino-exchange-manager"] == {
        "exchange.use-local-hdfs": "true",
        "exchange.base-directories": "/trino-exchange",
    }


def test_s3_exchange_needs_the_bucket() -> None:
    with pytest.raises(ValueError, match="exchange bucket"):
        conf.burst_configurations(_settings(), exchange_bucket=None, region="us-east-1", warehouse_bucket="w")


def test_presto_alternative_has_no_trino_classifications() -> None:
    settings = _settings(engine="presto")
    got = _by_name(conf.burst_configurations(settings, exchange_bucket="b", region="us-east-1", warehouse_bucket="w"))
    assert "presto-config" in got
    assert not [name for name in got if name.startswith("trino-")]
    assert "Presto" in conf.burst_applications(settings)
    assert conf.onprem_catalog_properties(settings, zone=ZONE)["connector.name"] == "hive-hadoop2"


def test_onprem_catalog_reads_the_onprem_metastore_through_alluxio() -> None:
    props = conf.onprem_catalog_properties(_settings(), zone=ZONE)
    assert props["connector.name"] == "hive"
    assert props["hive.metastore.uri"] == f"thrift://metastore.{ZONE}:9083"
    assert props["hive.config.resources"] == conf.ALLUXIO_CORE_SITE
    text = conf.render_properties(props)
    assert "connector.name=hive\n" in text
    assert sorted(text.splitlines()) == text.splitlines()


def test_onprem_proxy_pins_the_ports_the_peering_admits() -> None:
    got = _by_name(conf.onprem_configurations())
    peered = {p.port for p in DEFAULT_PEER_PORTS}
    assert got["hdfs-site"]["dfs.datanode.address"].endswith(f":{ports.DATANODE_PORT}")
    assert int(got["hive-site"]["hive.metastore.port"]) in peered
    assert {ports.NAMENODE_PORT, ports.DATANODE_PORT, ports.METASTORE_PORT} == peered
    assert conf.onprem_applications() == ["Hadoop", "Hive"]


def test_merge_combines_a_repeated_classification() -> None:
    merged = conf.merge(
        [conf.classification("core-site", {"a": "1"})],
        [conf.classification("core-site", {"b": "2"}), conf.classification("yarn-site", {"c": "3"})],
    )
    assert _by_name(merged) == {"core-site": {"a": "1", "b": "2"}, "yarn-site": {"c": "3"}}


def test_properties_refuse_multiline_values() -> None:
    with pytest.raises(ValueError, match="one line"):
        conf.render_properties({"a": "x\ny"})


# --- the cloud lake on Glue (issue 12) ---------------------------------------------------------------------------


def _lake(settings: EmrClusterSettings, release: str = "emr-7.5.0") -> dict[str, dict[str, str]]:
    return _by_name(
        conf.burst_configurations(
            settings, exchange_bucket="hb-exchange", region="us-east-1", warehouse_bucket="hb-raw",
            release_label=release,
        )
    )


def test_trino_gets_hive_and_iceberg_catalogs_on_glue_next_to_onprem() -> None:
    got = _lake(_settings())
    assert got["trino-connector-hive"] == {"hive.metastore": "glue"}
    assert got["trino-connector-iceberg"] == {"connector.name": "iceberg", "iceberg.catalog.type": "glue"}
    names = conf.lake_catalog_names(_settings())
    assert names["trino"] == ["onprem", "hive", "iceberg"]
    # the onprem catalog stays a file on the thrift metastore, not a classification
    assert conf.onprem_catalog_properties(_settings(), zone=ZONE)["hive.metastore.uri"].startswith("thrift://")


def test_spark_uses_glue_as_metastore_and_an_iceberg_catalog_on_glue() -> None:
    got = _lake(_settings())
    assert got["spark-hive-site"]["hive.metastore.client.factory.class"] == conf.GLUE_HIVE_CLIENT_FACTORY
    assert got["iceberg-defaults"] == {"iceberg.enabled": "true"}
    spark = got["spark-defaults"]
    assert spark["spark.sql.extensions"] == conf.ICEBERG_SPARK_EXTENSIONS
    assert spark["spark.sql.catalog.iceberg"] == "org.apache.iceberg.spark.SparkCatalog"
    assert spark["spark.sql.catalog.iceberg.catalog-impl"] == "org.apache.iceberg.aws.glue.GlueCatalog"
    assert spark["spark.sql.catalog.iceberg.io-impl"] == "org.apache.iceberg.aws.s3.S3FileIO"
    assert spark["spark.sql.catalog.iceberg.warehouse"] == "s3://hb-raw/iceberg/"
    # merged into the one spark-defaults the cluster already had (EMR rejects a repeated classification)
    assert spark["spark.decommission.enabled"] == "true"


def test_spark_iceberg_catalog_name_comes_from_config() -> None:
    got = _lake(_settings(lakeCatalogs={"sparkIcebergCatalogName": "lake"}))
    assert got["spark-defaults"]["spark.sql.catalog.lake"] == "org.apache.iceberg.spark.SparkCatalog"
    assert "spark.sql.catalog.iceberg" not in got["spark-defaults"]


def test_native_s3_only_from_the_release_that_documents_it() -> None:
    assert "fs.native-s3.enabled" not in _lake(_settings(), "emr-7.5.0")["trino-connector-iceberg"]
    assert _lake(_settings(), "emr-7.7.0")["trino-connector-iceberg"]["fs.native-s3.enabled"] == "true"


def test_lake_catalogs_off_leaves_only_onprem() -> None:
    settings = _settings(lakeCatalogs={"enabled": False})
    got = _by_name(conf.burst_configurations(settings, exchange_bucket="b", region="us-east-1"))
    assert not {"trino-connector-hive", "trino-connector-iceberg", "spark-hive-site", "iceberg-defaults"} & set(got)
    assert conf.lake_catalog_names(settings) == {"trino": ["onprem"], "spark": []}


def test_presto_gets_its_hive_catalog_on_glue_only() -> None:
    got = _lake(_settings(engine="presto"))
    assert got["presto-connector-hive"] == {"hive.metastore": "glue"}
    assert "trino-connector-iceberg" not in got


def test_lake_catalogs_need_the_warehouse_bucket() -> None:
    with pytest.raises(ValueError, match="warehouse"):
        conf.burst_configurations(_settings(), exchange_bucket="b", region="us-east-1")


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"trino": {"onpremCatalogName": "iceberg"}}, "cloud-lake catalog"),
        ({"lakeCatalogs": {"sparkIcebergCatalogName": "spark_catalog"}}, "session catalog"),
        ({"lakeCatalogs": {"sparkIcebergCatalogName": "Bad-Name"}}, "lowercase"),
    ],
)
def test_catalog_names_are_validated(overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _settings(**overrides)


def test_lake_formation_is_on_in_staging_and_prod_presets_only() -> None:
    assert PRESETS["dev"]["lakeFormation"] is False
    assert PRESETS["staging"]["lakeFormation"] is True
    assert PRESETS["prod"]["lakeFormation"] is True
