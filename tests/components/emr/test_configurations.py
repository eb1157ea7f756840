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
    got = _by_name(conf.burst_configurations(_settings(), exchange_bucket="hb-exchange", region="us-east-1"))
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
    got = _by_name(conf.burst_configurations(settings, exchange_bucket=None, region="us-east-1"))
    assert got["trino-exchange-manager"] == {
        "exchange.use-local-hdfs": "true",
        "exchange.base-directories": "/trino-exchange",
    }


def test_s3_exchange_needs_the_bucket() -> None:
    with pytest.raises(ValueError, match="exchange bucket"):
        conf.burst_configurations(_settings(), exchange_bucket=None, region="us-east-1")


def test_presto_alternative_has_no_trino_classifications() -> None:
    settings = _settings(engine="presto")
    got = _by_name(conf.burst_configurations(settings, exchange_bucket="b", region="us-east-1"))
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
