"""Checks of the whole stack config that no single section can make, run before any resource exists.

- facts: Regions, AZ names, the EMR release label, EKS node instance types and their architecture, checked
  against the catalogs of ``facts.py``;
- names: every physical name the program derives from the stack name and config, checked against the service's
  rules in ``components/naming.py`` (the list mirrors the components; ``tests/components/config/test_names.py``
  compares it with every recorded plan, so a new derived name cannot slip past it);
- duplicates: list entries that would become two resources with one name (one URN) or two resources managing
  one AWS object;
- the checks that components make in their constructors (their second line of defence), made here first:
  ``forceDestroy`` with ``protect``, the dashboard's peering metric filter.

Each problem is ``(key, value, message)`` with the key as written in the stack file.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from components import naming

from . import facts
from .egress import egress_problems
from .errors import PROJECT
from .onprem import onprem_side_problems
from .pipeline import pipeline_writer_problems
from .stack_file import did_you_mean

Problem = tuple[str, Any, str]
STACK_KEY = "stack name"
"""The key reported for problems of the stack name itself (it is not a config key)."""


def _k(path: str) -> str:
    return f"{PROJECT}:{path}"


def check_stack_name(stack: str) -> list[Problem]:
    problem = naming.stack_name_problem(stack)
    return [(STACK_KEY, stack, problem)] if problem else []


def cross_checks(stack: str, protect: bool, sections: Mapping[str, BaseModel]) -> list[Problem]:
    """Every check of this module; ``sections`` are the validated section models by name."""
    s: Any = sections  # attribute access on the section models without a cast per line
    problems: list[Problem] = []
    problems += onprem_side_problems(s["onprem"], s["regions"], s["network"], s["emr"])
    problems += _regions_and_azs(s["regions"], s["network"])
    problems += _emr_release(s["emr"])
    problems += _eks_facts(s["eks"])
    problems += _duplicates(s["network"], s["lake"], s["observability"], s["eks"])
    problems += _repeats(
        _k("accountBaseline.lakeFormationAdmins"), s["accountBaseline"].lake_formation_admins, "a Lake Formation admin"
    )
    problems += _constructor_mirrors(protect, s["network"], s["lake"])
    problems += _s3_uris(s["emr"])
    problems += egress_problems(s["emr"], s["network"])
    problems += pipeline_writer_problems(s["emr"], s["eks"], s["lake"])
    if not naming.stack_name_problem(stack):  # a bad stack name is reported once, by check_stack_name
        problems += _names(stack, s["eks"], s["observability"])
    return problems


def _s3_uris(emr: Any) -> list[Problem]:
    """Every s3:// URI in config: a legal bucket name and a plain key (``naming.s3_uri_problem``)."""
    problems: list[Problem] = []
    tls = emr.settings.tls
    uris = {
        "emr.settings.tls.onpremCertificateZipS3Uri": tls.onprem_certificate_zip_s3_uri,
        "emr.settings.tls.burstCertificateZipS3Uri": tls.burst_certificate_zip_s3_uri,
        "emr.settings.alluxio.tarballUri": emr.settings.alluxio.tarball_uri,
    }
    for key, uri in uris.items():
        if uri is None or not uri.startswith("s3://"):
            continue
        problem = naming.s3_uri_problem(uri)
        if problem:
            problems.append((_k(key), uri, f"{problem}; fix the URI"))
    return problems


# --- facts -----------------------------------------------------------------------------------------------------


def _regions_and_azs(regions: Any, net: Any) -> list[Problem]:
    problems: list[Problem] = []
    known = facts.regions()
    for side in ("onprem", "compute"):
        region = getattr(regions, side)
        if region is None or getattr(net, side) is None:
            continue  # external mode: no on-prem region
        if region not in known:
            problems.append(
                (
                    _k(f"regions.{side}"),
                    region,
                    "no such AWS Region (botocore's endpoint data lists every Region)"
                    + did_you_mean(region, sorted(known)),
                )
            )
            continue
        for i, az in enumerate(getattr(net, side).az_names or []):
            problem = facts.az_problem(az, region)
            if problem:
                problems.append((_k(f"network.{side}.azNames.{i}"), az, f"{problem} (the {side} region)"))
    return problems


def _emr_release(emr: Any) -> list[Problem]:
    label = emr.release_label
    if facts.emr_release_exists(label):
        return []
    known = facts.emr_releases()
    return [
        (
            _k("emr.releaseLabel"),
            label,
            "is not an EMR release (components/config/data/emr_releases.csv, from the EMR Release Guide)"
            + did_you_mean(label, known)
            + f" Known releases: {', '.join(known[:6])}, ... {known[-1]}",
        )
    ]


def _eks_facts(eks: Any) -> list[Problem]:
    problems: list[Problem] = []
    for group in ("spot", "system"):
        types = getattr(eks, group).instance_types
        for i, itype in enumerate(types):
            problem = facts.instance_type_problem(itype)
            if problem:
                problems.append((_k(f"eks.{group}.instanceTypes.{i}"), itype, problem))
        arches: dict[str, list[str]] = {}
        for itype in types:
            arches.setdefault(facts.architecture(itype), []).append(itype)
        if len(arches) > 1:
            # One AMI type per managed node group (AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD:
            # https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html, amiType).
            arm = ", ".join(arches.get("arm64", []))
            problems.append(
                (
                    _k(f"eks.{group}.instanceTypes"),
                    types,
                    (f"mixes x86_64 and Graviton (arm64: {arm}) types; a managed node group runs one AMI type, so "
                    "one architecture - keep one kind or make a second node group"),
                )
            )
    for i, cidr in enumerate(eks.public_access_cidrs):
        try:
            ipaddress.ip_network(cidr, strict=True)
        except ValueError as err:
            try:  # host bits set: the network it means is the fix
                example = str(ipaddress.ip_network(cidr, strict=False))
            except ValueError:
                example = "203.0.113.0/24"
            problems.append(
                (_k(f"eks.publicAccessCidrs.{i}"), cidr, f"not a CIDR block ({err}); write e.g. {example}")
            )
    return problems


# --- duplicates --------------------------------------------------------------------------------------------------


def _repeats(key: str, items: Sequence[Any], what: str, ident: Callable[[Any], Any] = lambda x: x) -> list[Problem]:
    seen: dict[Any, int] = {}
    problems: list[Problem] = []
    for i, item in enumerate(items):
        ident_value = ident(item)
        if ident_value in seen:
            problems.append(
                (
                    f"{key}.{i}",
                    _shown(ident_value),
                    (f"repeats entry {seen[ident_value]} ({what}); two entries would become two resources with one "
                    "name - list it once"),
                )
            )
        else:
            seen[ident_value] = i
    return problems


def _shown(ident: Any) -> Any:
    """A repeated entry's identity as the user wrote its parts (``emr-runtime, curated``), not a Python tuple."""
    if isinstance(ident, tuple):
        return ", ".join(str(_shown(part)) for part in ident if part not in (None, ()))
    return ident if isinstance(ident, (str, int)) else str(ident)


def _duplicates(net: Any, lake: Any, obs: Any, eks: Any) -> list[Problem]:
    problems: list[Problem] = []
    for side in ("onprem", "compute"):
        if getattr(net, side) is None:
            continue
        problems += _repeats(
            _k(f"network.{side}.interfaceEndpoints"),
            getattr(net, side).interface_endpoints,
            "one VPC endpoint per service",
        )
    problems += _repeats(
        _k("lake.locationGrants"), lake.location_grants, "the same principal and location",
        lambda g: (g.principal, g.zone, g.prefix),
    )
    problems += _repeats(
        _k("lake.grants"),
        lake.grants,
        "the same grant",
        lambda g: (
            g.principal,
            g.database,
            g.table,
            tuple(g.columns or ()),
            tuple(g.excluded_columns or ()),
            tuple(sorted(g.permissions)),
        ),
    )
    problems += _repeats(
        _k("lake.tagGrants"),
        lake.tag_grants,
        "the same tag grant",
        lambda g: (g.principal, g.resource_type, tuple(sorted((k, tuple(sorted(v))) for k, v in g.expression.items()))),
    )
    for i, grant in enumerate(lake.grants):
        problems += _repeats(_k(f"lake.grants.{i}.permissions"), grant.permissions, "a permission")
        problems += _repeats(_k(f"lake.grants.{i}.columns"), grant.columns or [], "a column")
        problems += _repeats(_k(f"lake.grants.{i}.excludedColumns"), grant.excluded_columns or [], "a column")
    for i, tgrant in enumerate(lake.tag_grants):
        problems += _repeats(_k(f"lake.tagGrants.{i}.permissions"), tgrant.permissions, "a permission")
        for key, values in tgrant.expression.items():
            problems += _repeats(_k(f"lake.tagGrants.{i}.expression.{key}"), values, "a tag value")
    for i, db in enumerate(lake.databases):
        for j, table in enumerate(db.tables):
            problems += _repeats(_k(f"lake.databases.{i}.tables.{j}.partitionBy"), table.partition_by, "a column")
    problems += _repeats(
        _k("observability.subscriptions"),
        obs.subscriptions,
        "the same subscriber",
        lambda s: (s.protocol, s.endpoint.lower() if s.protocol == "email" else s.endpoint),
    )
    problems += _repeats(_k("eks.publicAccessCidrs"), eks.public_access_cidrs, "a CIDR")
    return problems


# --- checks components make in their constructors ---------------------------------------------------------------

# The dashboard's peering metric filter matches the on-prem CIDR by whole octets and allows at most 16
# alternatives (components/observability/burst_dashboard.py, dst_prefix_pattern).
_MAX_FILTER_BLOCKS = 16


def _constructor_mirrors(protect: bool, net: Any, lake: Any) -> list[Problem]:
    problems: list[Problem] = []
    # components/lake/storage_zones.py: protected data buckets are never force-destroyed.
    if protect and lake.force_destroy:
        problems.append(
            (
                _k("lake.forceDestroy"),
                True,
                ("is on while hybrid-burst:protect is on: protected data buckets must never be force-destroyed - "
                "set lake.forceDestroy: false (or protect: false for a throwaway stack)"),
            )
        )
    if net.onprem is None:
        return problems  # external mode: no peering, no peering metric filter
    cidr = ipaddress.ip_network(net.onprem.cidr)
    octets = -(-cidr.prefixlen // 8)
    blocks = 2 ** (octets * 8 - cidr.prefixlen)
    if blocks > _MAX_FILTER_BLOCKS:
        problems.append(
            (
                _k("network.onprem.cidr"),
                net.onprem.cidr,
                (f"splits into {blocks} /{octets * 8} blocks for the dashboard's peering metric filter (at most "
                f"{_MAX_FILTER_BLOCKS}); use an octet-aligned prefix such as /16 or /24, or one within 4 bits of it "
                "(/12../16, /20../24)"),
            )
        )
    return problems


# --- physical names ---------------------------------------------------------------------------------------------

# Name checks by kind (components/naming.py has each rule and its source).
CHECKERS: dict[str, Callable[[str], str | None]] = {
    "s3-bucket-prefix": naming.s3_bucket_prefix_problem,
    "iam-role": naming.iam_role_name_problem,
    "iam-path": naming.iam_path_problem,
    "log-group": naming.log_group_problem,
    "alarm": naming.alarm_name_problem,
    "dashboard": naming.dashboard_name_problem,
    "event-rule": naming.event_rule_name_problem,
    "sns-topic": naming.sns_topic_problem,
    "kms-alias": naming.kms_alias_problem,
    "eks-cluster": naming.eks_cluster_name_problem,
    "virtual-cluster": naming.virtual_cluster_name_problem,
    "emr-cluster": naming.emr_cluster_name_problem,
    "glue-security-configuration": naming.alarm_name_problem,  # Glue: 1-255 single-line characters
    "log-metric-filter": naming.alarm_name_problem,  # PutMetricFilter filterName: 1-512, ':' and '*' excluded
    "logs-resource-policy": naming.iam_policy_name_problem,
    "sqs-queue": naming.sqs_queue_problem,
    "job-template": naming.job_template_problem,
}

ZONES_BY_SIDE = {
    "onprem": ("access-logs", "artifacts", "logs"),
    "compute": ("access-logs", "artifacts", "curated", "exchange", "logs", "raw", "results"),
}
EVENT_RULES = ("cluster-failed", "fleet-resize-problem", "fleet-suspended", "step-failed")
CLUSTER_APPLICATIONS = {"onprem": ("hive",), "burst": ("spark", "trino")}
JOB_TEMPLATE = "lake-pipeline"
"""The pipeline's EMR on EKS job template (stack/eks.py ``JOB_TEMPLATE``; tests/components/config/test_names.py
compares the recorded plans with this list)."""
KMS_PURPOSES = ("onprem-logs", "compute-logs", "onprem-data", "compute-data", "catalog", "onprem-alarms",
                "compute-alarms")


def physical_names(stack: str, eks: Any, obs: Any) -> list[tuple[str, str, str]]:
    """``(kind, name, key)`` for every physical name the program derives from the stack name and config.

    Built with the builders of ``components/naming.py`` that the components use (the component is named per
    entry); ``key`` is the config key that shapes the name besides the stack name. Names the components truncate
    (EventBridge rules) are listed untruncated, so a collision of the cut names can be found.
    """
    out: list[tuple[str, str, str]] = []
    name = naming.resource_name
    # lake/storage_zones.py: one bucket per zone, named by the StorageZones component ("<side>-zones")
    for side, zones in ZONES_BY_SIDE.items():
        out += [("s3-bucket-prefix", naming.bucket_prefix(stack, f"{side}-zones", zone), STACK_KEY) for zone in zones]
    # security/kms_key.py
    purposes = [*KMS_PURPOSES, *(["eks-secrets"] if eks.enabled else [])]
    out += [("kms-alias", naming.kms_alias(stack, purpose), STACK_KEY) for purpose in purposes]
    # network/regional_network.py: flow-log group
    out += [("log-group", naming.log_group(stack, "vpc", side, "flow-logs"), STACK_KEY) for side in ZONES_BY_SIDE]
    for cluster, apps in CLUSTER_APPLICATIONS.items():
        # observability/cluster_telemetry.py: log_group_names(stack, cluster, applications)
        out += [("log-group", naming.log_group(stack, "emr", cluster, app), STACK_KEY) for app in ("steps", *apps)]
        # emr/emr_cluster.py: the cluster name
        out.append(("emr-cluster", name(stack, cluster), STACK_KEY))
        # observability/cluster_alarms.py
        out += [
            ("alarm", name(stack, cluster, role), STACK_KEY)
            for role in ("containers-pending", "hdfs-utilization", "unhealthy-nodes", "degraded")
        ]
    for side in ZONES_BY_SIDE:
        # observability/alarm_topic.py
        out.append(("sns-topic", name(stack, f"{side}-alarms"), STACK_KEY))
        # observability/emr_event_rules.py: the rules (cut to 64 there), their log group and its policy
        rules = [*EVENT_RULES, "spot-interruption"]
        out += [("event-rule", name(stack, f"{side}-emr-events", rule), STACK_KEY) for rule in rules]
        out.append(("log-group", naming.events_log_group(stack, f"{side}-emr-events"), STACK_KEY))
        out.append(("logs-resource-policy", name(stack, f"{side}-emr-events", "events"), STACK_KEY))
    # observability/burst_dashboard.py
    out.append(("dashboard", name(stack), STACK_KEY))
    out.append(("log-metric-filter", name(stack, "peering-bytes"), STACK_KEY))
    # lake/data_catalog.py: the Glue security configuration
    out.append(("glue-security-configuration", name(stack, "lake-catalog"), STACK_KEY))
    # emr/roles.py: the EMR instance-role path
    out.append(("iam-path", naming.iam_path(stack, "emr-instance"), STACK_KEY))
    # resilience/spot_interruption_drill.py
    if obs.fis.enabled:
        out.append(("log-group", naming.log_group(stack, "fis", "burst-spot-drill"), _k("observability.fis.enabled")))
        out.append(
            ("logs-resource-policy", name(stack, "burst-spot-drill", "fis-logs"), _k("observability.fis.enabled"))
        )
    # eks/emr_on_eks.py: cluster, job role, log group, virtual cluster; eks/spark_job_template.py: job template
    if eks.enabled:
        cluster = name(stack, "emr-on-eks")
        out.append(("eks-cluster", cluster, STACK_KEY))
        if eks.karpenter.enabled:  # eks/karpenter.py: the interruption queue is named after the cluster
            out.append(("sqs-queue", cluster, STACK_KEY))
        out.append(("iam-role", name(stack, "emr-on-eks", "job"), STACK_KEY))
        out.append(("log-group", naming.log_group(stack, "emr-on-eks", eks.namespace), _k("eks.namespace")))
        out.append(("virtual-cluster", f"{cluster}-{eks.namespace}", _k("eks.namespace")))
        out.append(("job-template", name(stack, JOB_TEMPLATE), STACK_KEY))
    return out


# Names the components cut to the service limit; the cut names must stay distinct.
_TRUNCATED = {"event-rule": 64}


def _names(stack: str, eks: Any, obs: Any) -> list[Problem]:
    problems: list[Problem] = []
    names = physical_names(stack, eks, obs)
    cut: dict[tuple[str, str], str] = {}
    collided: dict[str, list[str]] = {}
    for kind, full, key in names:
        limit = _TRUNCATED.get(kind)
        name = full
        if limit is not None:
            name = full[:limit]
            if (kind, name) in cut and cut[(kind, name)] != full:
                collided.setdefault(kind, []).append(name)
            cut[(kind, name)] = full
        problem = CHECKERS[kind](name)
        if problem:
            if key == STACK_KEY:
                problems.append(
                    (STACK_KEY, stack, f"derives the {kind} name {name!r}, which {problem}; use a shorter stack name")
                )
            else:
                problems.append(
                    (
                        key,
                        name,
                        f"derives the {kind} name {name!r}, which {problem}; shorten the stack name or this key",
                    )
                )
    for kind, shorts in collided.items():
        limit = _TRUNCATED[kind]
        problems.append(
            (
                STACK_KEY,
                stack,
                (f"is too long: several {kind} names become one when cut to the {limit}-character limit "
                f"(e.g. {shorts[0]!r}), so they would collide; use a shorter stack name"),
            )
        )
    return problems
