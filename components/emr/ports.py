"""The ports the burst side reaches on the on-prem cluster: the one definition the peering security group
(``components/network/cross_region_peering.py``) and the EMR configurations (``configurations.py``) import.

What the burst cluster needs from the on-prem cluster and nothing more: Alluxio reads HDFS (NameNode RPC on the
primary, block transfer on the DataNodes), Trino's ``onprem`` catalog talks to the Hive metastore. Hadoop 3 default
ports (https://hadoop.apache.org/docs/r3.3.6/hadoop-project-dist/hadoop-hdfs/hdfs-default.xml:
``dfs.datanode.address`` 9866; ``fs.defaultFS`` on EMR uses 8020) and Hive's metastore (``hive.metastore.uris``
9083). The on-prem cluster pins its daemons to them so a changed Hadoop default cannot silently break the link.
"""

from __future__ import annotations

from collections.abc import Mapping

NAMENODE_PORT = 8020
DATANODE_PORT = 9866
METASTORE_PORT = 9083

PEERED_PORTS: Mapping[int, str] = {
    NAMENODE_PORT: "HDFS NameNode RPC",
    DATANODE_PORT: "HDFS DataNode data transfer",
    METASTORE_PORT: "Hive metastore thrift",
}
"""Port -> what it serves, in the order the peering security group lists its rules."""
