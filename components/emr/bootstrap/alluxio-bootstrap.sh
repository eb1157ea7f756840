#!/usr/bin/env bash
# Alluxio on the hybrid-burst compute cluster (an EMR bootstrap action, run as the hadoop user on every node).
#
# Kept in the repository and uploaded to the artifacts bucket by the Pulumi program (EmrCluster); it replaces
# the old Alluxio EMR bootstrap, which is unmaintained (Alluxio/alluxio#11378).
#
#   primary node : Alluxio master (root UFS: a local directory; the on-prem HDFS is a nested mount)
#   core/task    : Alluxio worker; cache tier on the node's instance-store NVMe volumes (/mnt, /mnt1, ...)
#                  where present, else on /mnt; optional RAM tier
#   every node   : the Alluxio client jar linked into the SQL engine's Hive plugin and Spark; the engine's
#                  `onprem` catalog installed; Hadoop config mapping the on-prem hdfs:// URIs onto Alluxio
#
# The on-prem side is either the proxy cluster of this stack (proxy mode: the stable names above) or an external
# Hadoop (external mode: the configured NameNode, or an HA nameservice given with --nameservice and one
# --ha-namenode per NameNode; names resolve through the Route 53 Resolver rule forwarding the on-prem domain).
#
# With Kerberos (--principal and --keytab-secret-arn), the background job fetches the principal's keytab from AWS
# Secrets Manager (the instance role may read that one secret), writes one copy for Alluxio (owner hadoop) and one
# for the engine (named in the catalog), and Alluxio reads the Kerberized HDFS as that principal. The metastore
# hosts in the catalog are rewritten to their canonical names, so that the service principal's _HOST matches the
# metastore's own host name.
#
# EMR runs bootstrap actions before it installs the applications, and the on-prem cluster is created in parallel
# with this one (docs/adr/0005-parallel-cluster-creation.md). So the foreground part only installs Alluxio; a
# detached background job waits for (1) the engine to be installed and (2) the on-prem NameNode's stable name
# (namenode.<zone>, a Route 53 private record created once the on-prem cluster exists) to resolve and answer,
# then starts Alluxio, mounts the on-prem HDFS, installs the catalog and restarts the engine. Cluster creation
# never waits for the on-prem side.
set -euo pipefail

readonly ALLUXIO_HOME=/opt/alluxio
readonly CLIENT_CONF_DIR=/etc/alluxio-client
readonly LOG=/var/log/hybrid-burst-alluxio-bootstrap.log

version=""
tarball_uri=""
tarball_sha256=""
namenode_name=""
namenode_port="8020"
mount_point="/onprem"
sync_interval="30s"
sync_mode="interval"
cache_quota_percent="80"
memory_tier_gb="0"
catalog_uri=""
catalog_name="onprem"
engine="trino"
wait_minutes="90"
nameservice=""
ha_namenodes=()
principal=""
keytab_secret_arn=""
readonly ALLUXIO_KEYTAB=/etc/hybrid-burst/onprem.keytab

usage() {
  cat <<'EOF'
usage: alluxio-bootstrap.sh --version V --tarball-uri URI --namenode-name NAME --catalog-uri S3_URI
                            [--tarball-sha256 HEX] [--namenode-port 8020] [--mount-point /onprem]
                            [--sync-interval 30s] [--sync-mode interval|active]
                            [--cache-quota-percent 80] [--memory-tier-gb 0]
                            [--catalog-name onprem] [--engine trino|presto] [--wait-minutes 90]
                            [--nameservice NAME --ha-namenode HOST:PORT --ha-namenode HOST:PORT ...]
                            [--principal NAME@REALM --keytab-secret-arn ARN]
EOF
}

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" | sudo tee -a "${LOG}" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --version) version="$2"; shift 2 ;;
      --tarball-uri) tarball_uri="$2"; shift 2 ;;
      --tarball-sha256) tarball_sha256="$2"; shift 2 ;;
      --namenode-name) namenode_name="$2"; shift 2 ;;
      --namenode-port) namenode_port="$2"; shift 2 ;;
      --mount-point) mount_point="$2"; shift 2 ;;
      --sync-interval) sync_interval="$2"; shift 2 ;;
      --sync-mode) sync_mode="$2"; shift 2 ;;
      --cache-quota-percent) cache_quota_percent="$2"; shift 2 ;;
      --memory-tier-gb) memory_tier_gb="$2"; shift 2 ;;
      --catalog-uri) catalog_uri="$2"; shift 2 ;;
      --catalog-name) catalog_name="$2"; shift 2 ;;
      --engine) engine="$2"; shift 2 ;;
      --wait-minutes) wait_minutes="$2"; shift 2 ;;
      --nameservice) nameservice="$2"; shift 2 ;;
      --ha-namenode) ha_namenodes+=("$2"); shift 2 ;;
      --principal) principal="$2"; shift 2 ;;
      --keytab-secret-arn) keytab_secret_arn="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  [[ -n "${version}" ]] || die "--version is required"
  [[ -n "${tarball_uri}" ]] || die "--tarball-uri is required"
  [[ -n "${namenode_name}" ]] || die "--namenode-name is required"
  [[ -n "${catalog_uri}" ]] || die "--catalog-uri is required"
  [[ "${engine}" == "trino" || "${engine}" == "presto" ]] || die "--engine must be trino or presto"
  [[ "${sync_mode}" == "interval" || "${sync_mode}" == "active" ]] || die "--sync-mode must be interval or active"
  [[ "${cache_quota_percent}" =~ ^[0-9]+$ ]] || die "--cache-quota-percent must be an integer"
  [[ "${memory_tier_gb}" =~ ^[0-9]+$ ]] || die "--memory-tier-gb must be an integer"
  [[ "${wait_minutes}" =~ ^[0-9]+$ ]] || die "--wait-minutes must be an integer"
  if [[ -n "${principal}" || -n "${keytab_secret_arn}" ]]; then
    [[ -n "${principal}" && -n "${keytab_secret_arn}" ]] || die "--principal and --keytab-secret-arn go together"
  fi
  if [[ -n "${nameservice}" ]]; then
    [[ "${#ha_namenodes[@]}" -ge 2 ]] || die "--nameservice needs at least two --ha-namenode"
  else
    [[ "${#ha_namenodes[@]}" -eq 0 ]] || die "--ha-namenode needs --nameservice"
  fi
}

# EMR describes the node in /mnt/var/lib/info/*.json (isMaster, masterPrivateDnsName).
json_field() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

is_primary() {
  [[ "$(json_field /mnt/var/lib/info/instance.json isMaster)" == "True" ]]
}

primary_dns() {
  json_field /mnt/var/lib/info/job-flow.json masterPrivateDnsName
}

download_alluxio() {
  local archive
  archive="$(mktemp -d)/alluxio.tar.gz"
  log "downloading Alluxio ${version} from ${tarball_uri}"
  case "${tarball_uri}" in
    s3://*) aws s3 cp --only-show-errors "${tarball_uri}" "${archive}" ;;
    https://*) curl -fsSL --retry 5 --retry-delay 5 -o "${archive}" "${tarball_uri}" ;;
    *) die "tarball URI must be s3:// or https://" ;;
  esac
  if [[ -n "${tarball_sha256}" ]]; then
    echo "${tarball_sha256}  ${archive}" | sha256sum --check --status || die "tarball checksum mismatch"
  fi
  sudo mkdir -p "/opt/alluxio-${version}"
  sudo tar -xzf "${archive}" -C "/opt/alluxio-${version}" --strip-components=1
  sudo ln -sfn "/opt/alluxio-${version}" "${ALLUXIO_HOME}"
  sudo chown -R hadoop:hadoop "/opt/alluxio-${version}"
  rm -f "${archive}"
}

# The cache tier: every /mnt* mount point (EMR mounts instance-store NVMe volumes there; on EBS-only nodes
# /mnt is the EBS data volume), each given cache_quota_percent of its size.
cache_dirs_and_quotas() {
  local dirs="" quotas="" mnt size_kb quota_mb
  while read -r mnt; do
    size_kb="$(df --output=size -k "${mnt}" | tail -n 1 | tr -d ' ')"
    quota_mb=$(( size_kb * cache_quota_percent / 100 / 1024 ))
    sudo mkdir -p "${mnt}/alluxio-cache"
    sudo chown hadoop:hadoop "${mnt}/alluxio-cache"
    dirs="${dirs:+${dirs},}${mnt}/alluxio-cache"
    quotas="${quotas:+${quotas},}${quota_mb}MB"
  done < <(awk '$2 ~ /^\/mnt[0-9]*$/ {print $2}' /proc/mounts | sort -u)
  [[ -n "${dirs}" ]] || die "no /mnt* volume for the Alluxio cache tier"
  printf '%s %s\n' "${dirs}" "${quotas}"
}

write_site_properties() {
  local master="$1" dirs quotas level=0
  read -r dirs quotas < <(cache_dirs_and_quotas)
  {
    echo "alluxio.master.hostname=${master}"
    echo "alluxio.master.mount.table.root.ufs=/mnt/alluxio-root-ufs"
    echo "alluxio.user.file.metadata.sync.interval=${sync_interval}"
    # Active Sync (HDFS inotify on the mount, synced every interval): Alluxio docs, core-services/Unified-Namespace.md.
    if [[ "${sync_mode}" == "active" ]]; then
      echo "alluxio.master.ufs.active.sync.interval=${sync_interval}"
    fi
    # Client read metrics (BytesReadLocal/Domain) reach the master only with client metrics collection on; the
    # benchmark runbook reads them from the master (scripts/ops/benchmark.py).
    echo "alluxio.user.metrics.collection.enabled=true"
    echo "alluxio.user.file.readtype.default=CACHE"
    echo "alluxio.user.file.writetype.default=THROUGH"
    echo "alluxio.security.authorization.permission.enabled=false"
    if [[ -n "${principal}" ]]; then
      # Kerberized HDFS under-store (Alluxio docs, HDFS under-store, "Connect to Secure HDFS").
      echo "alluxio.master.keytab.file=${ALLUXIO_KEYTAB}"
      echo "alluxio.master.principal=${principal}"
      echo "alluxio.worker.keytab.file=${ALLUXIO_KEYTAB}"
      echo "alluxio.worker.principal=${principal}"
    fi
    if [[ "${memory_tier_gb}" -gt 0 ]]; then
      echo "alluxio.worker.ramdisk.size=${memory_tier_gb}GB"
      echo "alluxio.worker.tieredstore.level${level}.alias=MEM"
      echo "alluxio.worker.tieredstore.level${level}.dirs.path=/mnt/ramdisk"
      echo "alluxio.worker.tieredstore.level${level}.dirs.quota=${memory_tier_gb}GB"
      level=$((level + 1))
    fi
    echo "alluxio.worker.tieredstore.level${level}.alias=SSD"
    echo "alluxio.worker.tieredstore.level${level}.dirs.path=${dirs}"
    echo "alluxio.worker.tieredstore.level${level}.dirs.quota=${quotas}"
    echo "alluxio.worker.tieredstore.levels=$((level + 1))"
  } | sudo tee "${ALLUXIO_HOME}/conf/alluxio-site.properties" >/dev/null
  sudo mkdir -p /mnt/alluxio-root-ufs
  sudo chown hadoop:hadoop /mnt/alluxio-root-ufs
}

engine_dirs() {
  # Paths of EMR's engine packages: catalog directory and the Hive plugin directory.
  if [[ "${engine}" == "trino" ]]; then
    echo "/etc/trino/conf/catalog /usr/lib/trino/plugin/hive trino-server"
  else
    echo "/etc/presto/conf/catalog /usr/lib/presto/plugin/hive-hadoop2 presto-server"
  fi
}

wait_until() {
  # wait_until <deadline epoch> <description> <command...>
  local deadline="$1" what="$2"
  shift 2
  until "$@"; do
    if [[ "$(date +%s)" -ge "${deadline}" ]]; then
      log "gave up waiting for ${what}"
      return 1
    fi
    sleep 15
  done
  log "ready: ${what}"
}

namenode_answers() {
  timeout 5 bash -c "exec 3<>/dev/tcp/${namenode_name}/${namenode_port}" 2>/dev/null
}

# The record is a CNAME to the on-prem primary's private DNS name; the metastore returns table locations with
# that name, so Alluxio must mount (and the shim must map) exactly that authority.
canonical_namenode() {
  python3 -c 'import socket, sys; print(socket.gethostbyname_ex(sys.argv[1])[0])' "${namenode_name}"
}

write_client_core_site() {
  local master="$1"
  sudo mkdir -p "${CLIENT_CONF_DIR}"
  sudo tee "${CLIENT_CONF_DIR}/core-site.xml" >/dev/null <<EOF
<?xml version="1.0"?>
<configuration>
  <!-- Alluxio transparent URI: hdfs:// paths of mounted under-stores are served through Alluxio -->
  <property><name>fs.hdfs.impl</name><value>alluxio.hadoop.ShimFileSystem</value></property>
  <property><name>fs.AbstractFileSystem.hdfs.impl</name><value>alluxio.hadoop.AlluxioShimFileSystem</value></property>
  <property><name>alluxio.master.rpc.addresses</name><value>${master}:19998</value></property>
  <property><name>alluxio.user.file.metadata.sync.interval</name><value>${sync_interval}</value></property>
  <property><name>alluxio.user.metrics.collection.enabled</name><value>true</value></property>
$(ha_properties)
</configuration>
EOF
}

# HDFS HA client settings for the nameservice (hdfs-default.xml: dfs.nameservices, dfs.ha.namenodes.<ns>,
# dfs.namenode.rpc-address.<ns>.<nn>, dfs.client.failover.proxy.provider.<ns>;
# https://hadoop.apache.org/docs/r3.3.6/hadoop-project-dist/hadoop-hdfs/HDFSHighAvailabilityWithQJM.html).
ha_properties() {
  [[ -n "${nameservice}" ]] || return 0
  local ids="" i=0 nn
  for nn in ${ha_namenodes_list}; do
    i=$((i + 1))
    ids="${ids:+${ids},}nn${i}"
    printf '  <property><name>dfs.namenode.rpc-address.%s.nn%s</name><value>%s</value></property>\n' \
      "${nameservice}" "${i}" "${nn}"
  done
  printf '  <property><name>dfs.nameservices</name><value>%s</value></property>\n' "${nameservice}"
  printf '  <property><name>dfs.ha.namenodes.%s</name><value>%s</value></property>\n' "${nameservice}" "${ids}"
  printf '  <property><name>dfs.client.failover.proxy.provider.%s</name><value>%s</value></property>\n' \
    "${nameservice}" "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"
}

link_client_jar() {
  local plugin_dir="$1" jar
  jar="$(find "${ALLUXIO_HOME}/client" -maxdepth 1 -name 'alluxio-*-client.jar' | head -n 1)"
  [[ -n "${jar}" ]] || die "no Alluxio client jar under ${ALLUXIO_HOME}/client"
  sudo ln -sfn "${jar}" "${plugin_dir}/alluxio-client.jar"
  if [[ -d /usr/lib/spark/jars ]]; then
    sudo ln -sfn "${jar}" /usr/lib/spark/jars/alluxio-client.jar
  fi
}

keytab_stored() {
  aws secretsmanager get-secret-value --region "$(cut -d: -f4 <<<"${keytab_secret_arn}")" \
    --secret-id "${keytab_secret_arn}" --query SecretString --output text \
    >/dev/null 2>&1
}

# The keytab, base64 in the secret: one copy for Alluxio (hadoop), kinit'ed, so HDFS calls carry a ticket.
install_alluxio_keytab() {
  local tmp
  tmp="$(mktemp)"
  aws secretsmanager get-secret-value --region "$(cut -d: -f4 <<<"${keytab_secret_arn}")" \
    --secret-id "${keytab_secret_arn}" --query SecretString --output text \
    | base64 -d >"${tmp}"
  sudo mkdir -p "$(dirname "${ALLUXIO_KEYTAB}")"
  sudo install -o hadoop -g hadoop -m 0400 "${tmp}" "${ALLUXIO_KEYTAB}"
  rm -f "${tmp}"
  sudo -u hadoop kinit -kt "${ALLUXIO_KEYTAB}" "${principal}"
}

# The engine's copy, owned by the engine's service user (the catalog names it).
install_engine_keytab() {
  local conf_dir="$1" user="$2"
  sudo install -o "${user}" -m 0400 "${ALLUXIO_KEYTAB}" "${conf_dir}/onprem.keytab"
}

# hive.metastore.uri hosts -> canonical names (a CNAME's target), so hive/_HOST@REALM names the metastore's host.
canonical_metastores() {
  python3 - "$1" <<'PY'
import re, socket, sys
path = sys.argv[1]
lines = open(path).read().splitlines()
def canon(m):
    return "thrift://" + socket.gethostbyname_ex(m.group(1))[0] + ":" + m.group(2)
out = [re.sub(r"thrift://([^:,/]+):(\d+)", canon, l) if l.startswith("hive.metastore.uri=") else l for l in lines]
open(path, "w").write("\n".join(out) + "\n")
PY
}

after_provisioning() {
  local master="$1" primary="$2" catalog_dir plugin_dir service deadline canonical
  read -r catalog_dir plugin_dir service < <(engine_dirs)
  deadline=$(( $(date +%s) + wait_minutes * 60 ))

  if [[ -n "${principal}" ]]; then
    wait_until "${deadline}" "the keytab in ${keytab_secret_arn}" keytab_stored || exit 1
    install_alluxio_keytab
  fi

  if [[ "${primary}" == "true" ]]; then
    sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio" formatJournal
    sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio-start.sh" master
  else
    wait_until "${deadline}" "Alluxio master ${master}:19998" \
      timeout 5 bash -c "exec 3<>/dev/tcp/${master}/19998" || exit 1
    local mount_mode=NoMount
    if [[ "${memory_tier_gb}" -gt 0 ]]; then
      mount_mode=SudoMount  # the RAM tier lives on a ramfs that needs root to mount
    fi
    sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio-start.sh" worker "${mount_mode}"
  fi

  wait_until "${deadline}" "the ${engine} installation (${plugin_dir})" test -d "${plugin_dir}" || exit 1
  link_client_jar "${plugin_dir}"

  wait_until "${deadline}" "on-prem NameNode ${namenode_name}:${namenode_port}" namenode_answers || exit 1
  local ufs
  if [[ -n "${nameservice}" ]]; then
    ufs="hdfs://${nameservice}/"
  else
    canonical="$(canonical_namenode)"
    log "on-prem NameNode is ${canonical}"
    ufs="hdfs://${canonical}:${namenode_port}/"
  fi
  write_client_core_site "${master}"

  if [[ "${primary}" == "true" ]]; then
    if ! sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio" fs mount | grep -q "${ufs}"; then
      # The client core-site carries the HA nameservice settings the HDFS under-store needs (Alluxio docs,
      # "Specify HDFS Configuration Location": alluxio.underfs.hdfs.configuration).
      sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio" fs mount --readonly \
        --option alluxio.underfs.version=3.3 \
        --option "alluxio.underfs.hdfs.configuration=${CLIENT_CONF_DIR}/core-site.xml" \
        "${mount_point}" "${ufs}"
    fi
    if [[ "${sync_mode}" == "active" ]] \
      && ! sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio" fs getSyncPathList | grep -qF "${mount_point}"; then
      sudo -u hadoop "${ALLUXIO_HOME}/bin/alluxio" fs startSync "${mount_point}"
      log "active sync started on ${mount_point}"
    fi
  fi

  if [[ -d "${catalog_dir}" ]]; then
    aws s3 cp --only-show-errors "${catalog_uri}" "/tmp/${catalog_name}.properties"
    if [[ -n "${principal}" ]]; then
      install_engine_keytab "$(dirname "${catalog_dir}")" "${engine}"
      canonical_metastores "/tmp/${catalog_name}.properties"
    fi
    sudo install -m 0644 "/tmp/${catalog_name}.properties" "${catalog_dir}/${catalog_name}.properties"
    sudo systemctl restart "${service}" || log "could not restart ${service} (not on this node?)"
  fi
  log "done: ${mount_point} -> ${ufs}"
}

main() {
  parse_args "$@"
  local master primary=false
  master="$(primary_dns)"
  if is_primary; then
    primary=true
  fi
  download_alluxio
  write_site_properties "${master}"
  log "Alluxio ${version} installed (primary=${primary}); continuing in the background"
  # Detach: EMR waits for the bootstrap action to exit before it installs the applications.
  export -f after_provisioning engine_dirs wait_until namenode_answers canonical_namenode write_client_core_site \
    link_client_jar log die ha_properties keytab_stored install_alluxio_keytab install_engine_keytab \
    canonical_metastores
  # Arrays do not cross the exported environment: the HA NameNodes travel as one space-separated word list.
  ha_namenodes_list="${ha_namenodes[*]}"
  export ALLUXIO_HOME CLIENT_CONF_DIR LOG ALLUXIO_KEYTAB engine namenode_name namenode_port mount_point sync_interval sync_mode \
    catalog_uri catalog_name wait_minutes memory_tier_gb nameservice ha_namenodes_list principal keytab_secret_arn
  nohup setsid bash -c 'after_provisioning "$@"' _ "${master}" "${primary}" >>"${LOG}" 2>&1 &
}

main "$@"
