#!/usr/bin/env bash
# Kerberos on the hybrid-burst on-prem proxy (an EMR bootstrap action; proxy mode with Kerberos on).
#
# The proxy cluster runs a cluster-dedicated KDC for the on-prem realm (its security configuration). The burst side
# reads HDFS and the Hive metastore as one principal whose keytab lives in AWS Secrets Manager; in proxy mode this
# script makes both ends meet, on the primary node only, once the KDC answers:
#   1. creates the burst side's principal (random key) and puts its keytab, base64, into the keytab secret;
#   2. with a cross-realm trust, creates krbtgt/<burst realm>@<on-prem realm> with the shared password read from the
#      cross-realm secret, so that principals of the burst cluster's realm are trusted here
#      (EMR Management Guide, "Tutorial: Configure a cross-realm trust with an Active Directory domain" / MIT
#      "Cross-realm authentication": both KDCs hold krbtgt/<trusting>@<trusted> with the same key).
# The instance role may PutSecretValue on the keytab secret and GetSecretValue on the cross-realm secret only.
#
# EMR configures the KDC after the bootstrap actions run, so the work happens in a detached background job that
# waits for kadmin.local; cluster creation never waits for it.
set -euo pipefail

readonly LOG=/var/log/hybrid-burst-onprem-kerberos.log

principal=""
keytab_secret_arn=""
cross_realm_principal=""
cross_realm_secret_arn=""
wait_minutes="60"

usage() {
  cat <<'EOF'
usage: onprem-kerberos.sh --principal NAME@REALM --keytab-secret-arn ARN
                          [--cross-realm-principal krbtgt/BURST@REALM --cross-realm-secret-arn ARN]
                          [--wait-minutes 60]
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
      --principal) principal="$2"; shift 2 ;;
      --keytab-secret-arn) keytab_secret_arn="$2"; shift 2 ;;
      --cross-realm-principal) cross_realm_principal="$2"; shift 2 ;;
      --cross-realm-secret-arn) cross_realm_secret_arn="$2"; shift 2 ;;
      --wait-minutes) wait_minutes="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  [[ -n "${principal}" ]] || die "--principal is required"
  [[ -n "${keytab_secret_arn}" ]] || die "--keytab-secret-arn is required"
  if [[ -n "${cross_realm_principal}" || -n "${cross_realm_secret_arn}" ]]; then
    [[ -n "${cross_realm_principal}" && -n "${cross_realm_secret_arn}" ]] \
      || die "--cross-realm-principal and --cross-realm-secret-arn go together"
  fi
  [[ "${wait_minutes}" =~ ^[0-9]+$ ]] || die "--wait-minutes must be an integer"
}

is_primary() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["isMaster"])' \
    /mnt/var/lib/info/instance.json | grep -qx True
}

kdc_ready() {
  sudo kadmin.local -q "getprinc kadmin/admin" >/dev/null 2>&1
}

has_principal() {
  sudo kadmin.local -q "getprinc $1" 2>/dev/null | grep -q "^Principal: "
}

after_kdc() {
  local deadline keytab
  deadline=$(( $(date +%s) + wait_minutes * 60 ))
  until kdc_ready; do
    if [[ "$(date +%s)" -ge "${deadline}" ]]; then
      die "gave up waiting for the cluster-dedicated KDC"
    fi
    sleep 15
  done
  log "KDC ready"

  if ! has_principal "${principal}"; then
    sudo kadmin.local -q "addprinc -randkey ${principal}" >/dev/null
    log "created ${principal}"
  fi
  keytab="$(mktemp -d)/onprem.keytab"
  # -norandkey keeps the key: a rerun exports the same key instead of invalidating a keytab already in use.
  sudo kadmin.local -q "ktadd -norandkey -k ${keytab} ${principal}" >/dev/null
  # The secrets live in the compute region: call the region named in the ARN.
  aws secretsmanager put-secret-value --region "$(cut -d: -f4 <<<"${keytab_secret_arn}")" \
    --secret-id "${keytab_secret_arn}" \
    --secret-string "$(sudo base64 -w0 "${keytab}")" >/dev/null
  sudo rm -f "${keytab}"
  log "keytab of ${principal} stored in ${keytab_secret_arn}"

  if [[ -n "${cross_realm_principal}" ]] && ! has_principal "${cross_realm_principal}"; then
    local password
    password="$(aws secretsmanager get-secret-value --region "$(cut -d: -f4 <<<"${cross_realm_secret_arn}")" \
      --secret-id "${cross_realm_secret_arn}" \
      --query SecretString --output text)"
    sudo kadmin.local -q "addprinc -pw ${password} ${cross_realm_principal}" >/dev/null
    log "created ${cross_realm_principal} (cross-realm trust)"
  fi
}

main() {
  parse_args "$@"
  if ! is_primary; then
    exit 0
  fi
  export -f after_kdc kdc_ready has_principal log die
  export LOG principal keytab_secret_arn cross_realm_principal cross_realm_secret_arn wait_minutes
  nohup setsid bash -c 'after_kdc' >>"${LOG}" 2>&1 &
}

main "$@"
