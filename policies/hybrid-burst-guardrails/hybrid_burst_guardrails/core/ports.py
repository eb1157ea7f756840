"""Well-known ports of the platform, named in security-group and EMR block-public-access messages.

Sources: Hadoop 3 default ports (``hdfs-default.xml``: ``dfs.namenode.rpc-address`` 8020, ``dfs.namenode.http-address``
9870, ``dfs.datanode.address`` 9866, ``dfs.datanode.http.address`` 9864; ``yarn-default.xml``:
``yarn.resourcemanager.webapp.address`` 8088, ``yarn.resourcemanager.address`` 8032,
``yarn.nodemanager.webapp.address`` 8042); Hive (``hive.metastore.port`` 9083, ``hive.server2.thrift.port``
10000); Amazon EMR's Trino/PrestoDB coordinator (8889; 8080 is Trino's own default); Alluxio (master RPC 19998,
master web 19999, worker RPC 29999, worker web 30000); Spark history server 18080; Livy 8998; ZooKeeper 2181;
EMR Studio/JupyterHub 9443.
"""

from __future__ import annotations

SENSITIVE_PORTS: dict[int, str] = {
    22: "SSH",
    2181: "ZooKeeper",
    3306: "MySQL (Hive metastore DB)",
    3389: "RDP",
    8020: "HDFS NameNode RPC",
    8032: "YARN ResourceManager",
    8042: "YARN NodeManager web UI",
    8080: "Trino (default HTTP)",
    8088: "YARN ResourceManager web UI",
    8889: "Trino coordinator on EMR",
    8998: "Livy",
    9083: "Hive metastore",
    9443: "JupyterHub",
    9864: "HDFS DataNode web UI",
    9866: "HDFS DataNode data transfer",
    9870: "HDFS NameNode web UI",
    10000: "HiveServer2",
    18080: "Spark history server",
    19998: "Alluxio master RPC",
    19999: "Alluxio master web UI",
    29999: "Alluxio worker RPC",
    30000: "Alluxio worker web UI",
}


def named_ports_in(from_port: int, to_port: int) -> list[str]:
    """``["8020 HDFS NameNode RPC", ...]`` for the sensitive ports inside ``from_port..to_port``."""
    low, high = min(from_port, to_port), max(from_port, to_port)
    return [f"{port} {name}" for port, name in sorted(SENSITIVE_PORTS.items()) if low <= port <= high]


def describe_range(from_port: int, to_port: int) -> str:
    """``port 8020 (HDFS NameNode RPC)`` or ``ports 0-65535 (incl. 22 SSH, 8020 ...)``."""
    low, high = min(from_port, to_port), max(from_port, to_port)
    names = named_ports_in(low, high)
    span = f"port {low}" if low == high else f"ports {low}-{high}"
    if not names:
        return span
    if low == high:
        return f"{span} ({names[0].split(' ', 1)[1]})"
    return f"{span} (incl. {', '.join(names)})"
