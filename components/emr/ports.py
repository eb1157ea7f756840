"""The ports the burst side reaches on the on-prem cluster: the one definition the peering security group
(``components/network/cross_region_peering.py``) and the EMR configurations (``configurations.py``) import.

What the burst cluster needs from the on-prem cluster and nothing more: Alluxio reads HDFS (NameNode RPC on the
primary, block transfer on the DataNodes), Trino's ``onprem`` catalog talks to the Hive metastore. Hadoop 3 default
ports (https://hadoop.apache.org/docs/r3.3.6/hadoop-project-dist/hadoop-hdfs/hdfs-default.xml:
``dfs.datanode.address`` 9866; ``fs.defaultFS`` on EMR uses 8020) and Hive's metastore (``hive.metastore.uris``
9083). The on-prem cluster pins its daemons to them so a changed Hadoop default cannot silently break the link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

NAMENODE_PORT = 8020
DATANODE_PORT = 9866
METASTORE_PORT = 9083

PEERED_PORTS: Mapping[int, str] = {
    NAMENODE_PORT: "HDFS NameNode RPC",
    DATANODE_PORT: "HDFS DataNode data transfer",
    METASTORE_PORT: "Hive metastore thrift",
}
"""Port -> what it serves, in the order the peering security group lists its rules."""

@dataclass(frozen=True)
class AccessPort:
    """A port the burst nodes open to an external on-prem lake (an egress rule per on-prem CIDR)."""

    port: int
    protocol: Literal["tcp", "udp"]
    description: str


# Kerberos: the KDC (TCP and UDP 88) and kadmin (TCP 749), MIT Kerberos defaults
# (https://web.mit.edu/kerberos/krb5-latest/doc/admin/conf_files/kdc_conf.html, kdc_ports / kadmind_port).
KDC_PORT = 88
KADMIN_PORT = 749


def onprem_access_ports(
    *, namenode_ports: Sequence[int], metastore_ports: Sequence[int], kerberos: bool
) -> list[AccessPort]:
    """What the burst nodes open to an external on-prem lake: NameNode RPC (the configured ports), DataNode
    transfer, the metastore (configured ports) and, with Kerberos, the KDC and kadmin."""
    ports = [AccessPort(p, "tcp", PEERED_PORTS[NAMENODE_PORT]) for p in namenode_ports]
    ports.append(AccessPort(DATANODE_PORT, "tcp", PEERED_PORTS[DATANODE_PORT]))
    ports += [AccessPort(p, "tcp", PEERED_PORTS[METASTORE_PORT]) for p in metastore_ports]
    if kerberos:
        ports += [
            AccessPort(KDC_PORT, "tcp", "Kerberos KDC"),
            AccessPort(KDC_PORT, "udp", "Kerberos KDC"),
            AccessPort(KADMIN_PORT, "tcp", "Kerberos kadmin"),
        ]
    unique: dict[tuple[int, str], AccessPort] = {}
    for port in ports:
        unique.setdefault((port.port, port.protocol), port)
    return list(unique.values())
