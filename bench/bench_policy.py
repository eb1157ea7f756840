"""Benchmark: policy-pack evaluation throughput over the Analyzer gRPC protocol.

Starts ``policies/hybrid-burst-guardrails`` once, as the CLI does (``python -u -m pulumi.policy``), then for each
generated stack size (500, 1,000, 2,000, 5,000 resources; a mix modelled on the recorded dev stack: S3 buckets with
their encryption/public-access/policy resources, IAM roles and policies, KMS keys, security groups and rules, subnets,
log groups, SNS, EventBridge, Lake Formation, EMR clusters with fleets and security configurations, launch templates,
EKS node groups, components and providers) runs the engine's call sequence (ConfigureStack, GetAnalyzerInfo,
Configure, one Analyze per resource, one AnalyzeStack) and prints resources/s, ms/resource and how the cost per
resource grows with size. ``--own-stacks`` also records our program for every stack with the offline recorder and
times the pack on it.

``--per-rule`` records our program's stacks (or ``--stacks``) and reports the time per rule over them: in this
process, through the pack's own servicer (``hybrid_burst_guardrails/core/servicer.py``; ``--servicer stock`` uses
pulumi-policy's unmodified one instead, for a before/after), CPU seconds, best of ``-n``. A rule's time is its
marginal cost: the run with only that rule enabled (at the stack's level) minus the run with every rule disabled,
so it includes what the SDK spends on that rule's behalf (converting each request again for every policy), not
only the rule's own code, which the ``in rule`` column shows separately.

Run: ``python bench/bench_policy.py [-n 3] [--sizes 500 1000 2000 5000] [--own-stacks] [--per-rule]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.offline.analyzer import PackResult, PackSession  # noqa: E402
from scripts.offline.analyzer.inprocess import InProcessPack  # noqa: E402

PACK = ROOT / "policies" / "hybrid-burst-guardrails"
CONFIG = ROOT / "stacks" / "policy-config.prod.json"
ACCOUNT = "123456789012"
REGION = "us-east-1"
PROVIDER_URN = "urn:pulumi:bench::hybrid-burst::pulumi:providers:aws::compute"
TASK_TYPES = [f"{f}.{s}" for f in ("m5", "m5a", "m6i", "r5", "r6i") for s in ("2xlarge", "4xlarge", "8xlarge")]


def _record(type_: str, name: str, inputs: dict[str, Any], **links: Any) -> dict[str, Any]:
    urn = f"urn:pulumi:bench::hybrid-burst::{type_}::{name}"
    custom = not type_.startswith("hybrid-burst:")
    rid = f"{name}-id" if custom else ""
    deps: dict[str, list[str]] = links.get("deps", {})
    return {
        "urn": urn,
        "type": type_,
        "name": name,
        "custom": custom,
        "id": rid,
        "parent": links.get("parent"),
        "provider": f"{PROVIDER_URN}::bench-provider" if custom else None,
        "region": REGION if custom else None,
        "inputs": inputs,
        "outputs": {**inputs, "id": rid, "arn": f"arn:aws:bench:{REGION}:{ACCOUNT}:{name}"} if custom else {},
        "dependencies": sorted({u for v in deps.values() for u in v}),
        "property_dependencies": deps,
        "options": {"protect": False, "ignoreChanges": [], "deleteBeforeReplace": False},
        "secret_paths": [],
    }


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _unit(i: int) -> list[dict[str, Any]]:
    """One slice of the platform (~60 resources); about 3% of slices carry a deliberate violation."""
    out: list[dict[str, Any]] = []
    comp = _record("hybrid-burst:lake:StorageZones", f"zones-{i}", {})
    out.append(comp)
    key = _record("aws:kms/key:Key", f"key-{i}", {"enableKeyRotation": i % 37 != 0, "description": "lake"})
    out += [key, _record("aws:kms/alias:Alias", f"alias-{i}", {"name": f"alias/lake-{i}", "targetKeyId": key["id"]})]
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{i:08d}"
    for zone in ("raw", "curated", "logs"):
        bucket = _record("aws:s3/bucket:Bucket", f"{zone}-{i}", {"bucketPrefix": f"{zone}-"}, parent=comp["urn"])
        bucket["outputs"]["bucket"] = bucket["id"]
        ref = {"bucket": [bucket["urn"]]}
        algorithm = "AES256" if zone == "logs" else "aws:kms"
        arn = f"arn:aws:s3:::{bucket['id']}"
        out += [
            bucket,
            _record(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"{zone}-{i}-sse",
                {
                    "bucket": bucket["id"],
                    "rules": [
                        {
                            "applyServerSideEncryptionByDefault": {
                                "sseAlgorithm": algorithm,
                                "kmsMasterKeyId": key_arn,
                            },
                            "bucketKeyEnabled": True,
                        }
                    ],
                },
                deps=ref,
            ),
            _record(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                f"{zone}-{i}-pab",
                {
                    "bucket": bucket["id"],
                    **dict.fromkeys(
                        ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
                    ),
                },
                deps=ref,
            ),
            _record(
                "aws:s3/bucketPolicy:BucketPolicy",
                f"{zone}-{i}-policy",
                {
                    "bucket": bucket["id"],
                    "policy": _doc(
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn, f"{arn}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ),
                },
                deps=ref,
            ),
            _record(
                "aws:s3/bucketVersioning:BucketVersioning",
                f"{zone}-{i}-versioning",
                {"bucket": bucket["id"], "versioningConfiguration": {"status": "Enabled"}},
                deps=ref,
            ),
            _record(
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                f"{zone}-{i}-ownership",
                {"bucket": bucket["id"], "rule": {"objectOwnership": "BucketOwnerEnforced"}},
                deps=ref,
            ),
        ]
        if zone == "logs":
            out.append(
                _record(
                    "aws:s3/bucketLogging:BucketLogging",
                    f"raw-{i}-logging",
                    {"bucket": f"raw-{i}-id", "targetBucket": bucket["id"], "targetPrefix": "raw/"},
                )
            )
    trust = _doc(
        {"Effect": "Allow", "Principal": {"Service": "elasticmapreduce.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    for role in ("service", "instance"):
        out.append(
            _record(
                "aws:iam/role:Role",
                f"emr-{role}-{i}",
                {
                    "assumeRolePolicy": trust,
                    "inlinePolicies": [
                        {
                            "name": "lake",
                            "policy": _doc(
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:GetObject", "s3:PutObject"],
                                    "Resource": [f"arn:aws:s3:::raw-{i}-id/*", f"arn:aws:s3:::curated-{i}-id/*"],
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                    "Resource": key_arn,
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["ec2:DescribeInstances", "ec2:DescribeSubnets"],
                                    "Resource": "*",
                                },
                            ),
                        }
                    ],
                },
            )
        )
    for j in range(3):
        action = "s3:*" if (i % 41 == 0 and j == 0) else "glue:GetTable"
        out.append(
            _record(
                "aws:iam/rolePolicy:RolePolicy",
                f"grant-{i}-{j}",
                {
                    "role": f"emr-instance-{i}",
                    "policy": _doc(
                        {
                            "Effect": "Allow",
                            "Action": [action, "glue:GetDatabase"],
                            "Resource": f"arn:aws:glue:{REGION}:{ACCOUNT}:table/lake_{i}/*",
                        },
                        {
                            "Effect": "Allow",
                            "Action": "iam:PassRole",
                            "Resource": f"arn:aws:iam::{ACCOUNT}:role/emr-instance-{i}",
                        },
                    ),
                },
            )
        )
    out.append(
        _record(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            f"attach-{i}",
            {"role": f"emr-service-{i}", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"},
        )
    )
    subnets = []
    for az in "abc":
        subnet = _record(
            "aws:ec2/subnet:Subnet",
            f"private-{az}-{i}",
            {
                "vpcId": f"vpc-{i}",
                "cidrBlock": f"10.{i % 250}.{ord(az)}.0/24",
                "availabilityZone": f"{REGION}{az}",
                "mapPublicIpOnLaunch": False,
            },
        )
        subnets.append(subnet)
    out += subnets
    out += [
        _record("aws:ec2/routeTable:RouteTable", f"rtb-{i}", {"vpcId": f"vpc-{i}"}),
        _record(
            "aws:ec2/route:Route",
            f"route-{i}",
            {"routeTableId": f"rtb-{i}-id", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": f"nat-{i}"},
        ),
    ]
    cidr = "0.0.0.0/0" if i % 53 == 0 else "10.0.0.0/8"
    sg = _record(
        "aws:ec2/securityGroup:SecurityGroup",
        f"emr-sg-{i}",
        {
            "vpcId": f"vpc-{i}",
            "description": "emr",
            "ingress": [
                {"protocol": "tcp", "fromPort": p, "toPort": p, "cidrBlocks": [cidr]} for p in (8020, 9083, 8889)
            ],
        },
    )
    out += [
        sg,
        _record(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            f"alluxio-{i}",
            {
                "securityGroupId": sg["id"],
                "cidrIpv4": "10.20.0.0/16",
                "fromPort": 19998,
                "toPort": 19999,
                "ipProtocol": "tcp",
            },
        ),
        _record(
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            f"egress-{i}",
            {"securityGroupId": sg["id"], "cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1"},
        ),
        _record("aws:cloudwatch/logGroup:LogGroup", f"logs-{i}", {"kmsKeyId": key_arn, "retentionInDays": 30}),
        _record("aws:cloudwatch/logGroup:LogGroup", f"flow-{i}", {"kmsKeyId": key_arn, "retentionInDays": 90}),
        _record("aws:sns/topic:Topic", f"alarms-{i}", {"kmsMasterKeyId": key_arn}),
        _record(
            "aws:cloudwatch/eventRule:EventRule",
            f"spot-{i}",
            {"eventPattern": json.dumps({"source": ["aws.emr"], "detail-type": ["EMR Instance Fleet State Change"]})},
        ),
        _record("aws:cloudwatch/eventTarget:EventTarget", f"spot-{i}-target", {"rule": f"spot-{i}", "arn": "arn"}),
        _record(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            f"hdfs-{i}",
            {"metricName": "HDFSUtilization", "threshold": 80, "comparisonOperator": "GreaterThanThreshold"},
        ),
        _record(
            "aws:lakeformation/permissions:Permissions",
            f"grant-select-{i}",
            {
                "principal": f"arn:aws:iam::{ACCOUNT}:role/analyst",
                "permissions": ["SELECT"],
                "table": {"databaseName": f"lake_{i}", "wildcard": True},
            },
        ),
        _record("aws:glue/catalogDatabase:CatalogDatabase", f"db-{i}", {"name": f"lake_{i}"}),
        _record(
            "aws:ec2/launchTemplate:LaunchTemplate",
            f"nodes-{i}",
            {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}},
        ),
        _record(
            "aws:eks/nodeGroup:NodeGroup",
            f"spot-nodes-{i}",
            {
                "capacityType": "SPOT",
                "instanceTypes": ["m5.xlarge", "m5a.xlarge", "m6i.xlarge", "m6a.xlarge", "m7i.xlarge"],
                "scalingConfig": {"minSize": 0, "maxSize": 20, "desiredSize": 2},
            },
        ),
    ]
    if i % 5 == 0:
        out += _emr_slice(i, subnets)
    return out


def _emr_slice(i: int, subnets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spot = {
        "spotSpecifications": [
            {
                "allocationStrategy": "price-capacity-optimized",
                "timeoutAction": "SWITCH_TO_ON_DEMAND",
                "timeoutDurationMinutes": 15,
            }
        ]
    }
    secconf = _record(
        "aws:emr/securityConfiguration:SecurityConfiguration",
        f"secconf-{i}",
        {
            "name": f"secconf-{i}",
            "configuration": json.dumps(
                {
                    "EncryptionConfiguration": {
                        "EnableAtRestEncryption": True,
                        "EnableInTransitEncryption": True,
                        "AtRestEncryptionConfiguration": {
                            "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "k"},
                            "LocalDiskEncryptionConfiguration": {
                                "EncryptionKeyProviderType": "AwsKms",
                                "AwsKmsKey": "k",
                                "EnableEbsEncryption": True,
                            },
                        },
                        "InTransitEncryptionConfiguration": {
                            "TLSCertificateConfiguration": {
                                "CertificateProviderType": "PEM",
                                "S3Object": "s3://c/c.zip",
                            }
                        },
                    }
                }
            ),
        },
    )
    cluster = _record(
        "aws:emr/cluster:Cluster",
        f"burst-{i}",
        {
            "releaseLabel": "emr-7.5.0",
            "securityConfiguration": f"secconf-{i}",
            "ec2Attributes": {"subnetIds": [s["id"] for s in subnets], "instanceProfile": "p"},
            "masterInstanceFleet": {
                "targetOnDemandCapacity": 1,
                "instanceTypeConfigs": [{"instanceType": "m5.xlarge"}, {"instanceType": "m6i.xlarge"}],
            },
            "coreInstanceFleet": {
                "targetSpotCapacity": 8,
                "instanceTypeConfigs": [{"instanceType": t} for t in TASK_TYPES[:6]],
                "launchSpecifications": spot,
            },
        },
        deps={"securityConfiguration": [secconf["urn"]], "ec2Attributes": [s["urn"] for s in subnets]},
    )
    fleet = _record(
        "aws:emr/instanceFleet:InstanceFleet",
        f"task-{i}",
        {
            "clusterId": cluster["id"],
            "targetSpotCapacity": 64,
            "instanceTypeConfigs": [{"instanceType": t, "weightedCapacity": 2} for t in TASK_TYPES],
            "launchSpecifications": spot,
        },
        deps={"clusterId": [cluster["urn"]]},
    )
    bpa = _record(
        "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration",
        f"bpa-{i}",
        {
            "blockPublicSecurityGroupRules": True,
            "permittedPublicSecurityGroupRuleRanges": [{"minRange": 22, "maxRange": 22}],
        },
    )
    return [secconf, cluster, fleet, bpa]


def generate_stack(size: int) -> list[dict[str, Any]]:
    """Whole platform slices up to ``size``, padded with alarms (which no rule reads) to exactly ``size``."""
    provider = _record("pulumi:providers:aws", "compute", {"region": REGION})
    provider["urn"] = PROVIDER_URN
    provider["provider"] = None
    records = [provider]
    i = 0
    while len(records) + len(unit := _unit(i)) <= size:
        records.extend(unit)
        i += 1
    records.extend(
        _record("aws:cloudwatch/metricAlarm:MetricAlarm", f"pad-{k}", {"metricName": "CPUUtilization", "threshold": 90})
        for k in range(size - len(records))
    )
    return records


def _time(
    session: PackSession, records: list[Any], runs: int, config: dict[str, Any] | None = None
) -> tuple[PackResult, list[float]]:
    """Best and all evaluation times; ``config`` (a parsed document) replaces the prod config file."""
    session.evaluate(records[: min(50, len(records))], config_file=CONFIG, config=config)  # warm-up
    results = [session.evaluate(records, config_file=CONFIG, config=config) for _ in range(runs)]
    return min(results, key=lambda r: r.timings.evaluate_s), [r.timings.evaluate_s for r in results]


def bench_generated(session: PackSession, sizes: list[int], runs: int) -> None:
    header = (
        f"{'resources':>10}{'analyze s':>11}{'stack s':>9}{'eval s':>8}{'median s':>10}{'res/s':>8}{'ms/res':>8}"
        f"{'growth':>8}{'floor ms/res':>14}{'findings':>10}"
    )
    print(header)
    print("-" * len(header))
    base = None
    for size in sizes:
        records = generate_stack(size)
        best, all_times = _time(session, records, runs)
        floor, _ = _time(session, records, 1, config={"all": "disabled"})
        t = best.timings
        ms = 1000 * t.evaluate_s / size
        base = base or ms
        print(
            f"{size:>10}{t.analyze_s:>11.3f}{t.analyze_stack_s:>9.3f}{t.evaluate_s:>8.3f}"
            f"{statistics.median(all_times):>10.3f}{size / t.evaluate_s:>8.0f}{ms:>8.3f}{ms / base:>8.2f}"
            f"{1000 * floor.timings.evaluate_s / size:>14.3f}{len(best.mandatory_violations()):>10}"
        )
    mix = Counter(r["type"].split(":")[1].split("/")[0] for r in generate_stack(max(sizes)))
    print("growth = ms/res relative to the smallest size; floor = same calls with every policy disabled (gRPC +")
    print(
        "marshalling only). Mix of the largest stack by service:", ", ".join(f"{k} {v}" for k, v in mix.most_common())
    )


def record_stacks(stacks: Sequence[str]) -> dict[str, list[Any]]:
    """Our program's stacks, recorded once with the offline recorder (a stack that cannot be recorded is reported)."""
    from scripts.offline import recorder

    out: dict[str, list[Any]] = {}
    for stack in stacks:
        try:
            out[stack] = list(recorder.record(stack=stack).resources)
        except Exception as exc:  # noqa: BLE001 - a stack the program cannot record yet is reported, not fatal
            print(f"{stack:<10} could not be recorded: {type(exc).__name__}: {str(exc).splitlines()[-1][:90]}")
    return out


def bench_own_stacks(session: PackSession, plans: Mapping[str, list[Any]], runs: int) -> None:
    print(f"\n{'stack':<10}{'resources':>10}{'eval s':>8}{'res/s':>8}{'ms/res':>8}{'mandatory':>11}{'advisory':>10}")
    for stack, resources in plans.items():
        config = ROOT / "stacks" / f"policy-config.{stack}.json"
        results = [session.evaluate(resources, config_file=config) for _ in range(runs)]
        best = min(results, key=lambda r: r.timings.evaluate_s)
        n, t = best.resources, best.timings.evaluate_s
        print(
            f"{stack:<10}{n:>10}{t:>8.3f}{n / t:>8.0f}{1000 * t / n:>8.3f}"
            f"{len(best.mandatory_violations()):>11}{len(best.advisory_violations()):>10}"
        )


# --- time per rule ------------------------------------------------------------------------------------------------


@dataclass
class RuleTime:
    rule_id: str
    family: str
    kind: str
    cpu_s: float = 0.0
    """Marginal CPU over every stack: only this rule enabled, minus every rule disabled."""
    own_s: float = 0.0
    """CPU inside the rule's ``validate`` (its own code: type filter, conversion to plain values, the check)."""


def _import_pack() -> Any:
    if str(PACK) not in sys.path:
        sys.path.insert(0, str(PACK))
    from hybrid_burst_guardrails import pack

    return pack


def timed_policies(registry: Any, clock: defaultdict[str, float]) -> list[Any]:
    """The registry's policies with each rule's ``validate`` timed into ``clock[rule id]`` (CPU seconds)."""
    from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

    def timed(rule_id: str, validate: Callable[..., Any]) -> Callable[..., Any]:
        def run(args: Any, report: Any) -> Any:
            began = time.thread_time()
            try:
                return validate(args, report)
            finally:
                clock[rule_id] += time.thread_time() - began

        return run

    policies = []
    for rule in registry:
        cls = StackValidationPolicy if _kind(rule) == "stack" else ResourceValidationPolicy
        policies.append(cls(validate=timed(rule.id, rule.validate), **rule._policy_kwargs()))
    return policies


def _kind(rule: Any) -> str:
    from hybrid_burst_guardrails.core.rule import StackRule

    return "stack" if isinstance(rule, StackRule) else "resource"


def only(rule_id: str | None, document: Mapping[str, Any], ids: Sequence[str]) -> dict[str, Any]:
    """``document`` (a stack's policy config) with every rule but ``rule_id`` disabled (all of them for None)."""
    if rule_id is None:
        return {"all": "disabled"}
    return {**document, **{other: "disabled" for other in ids if other != rule_id}}


def time_rules(
    plans: Mapping[str, list[Any]],
    configs: Mapping[str, Mapping[str, Any]],
    runs: int,
    *,
    stock: bool = False,
    isolate_gc: bool = True,
) -> tuple[list[RuleTime], dict[str, float]]:
    """Per-rule marginal CPU over ``plans`` (stack -> records, each checked with ``configs[stack]``).

    The requests are marshalled once per stack; a sample is the servicer's own work on them (one ``Analyze`` per
    resource, one ``AnalyzeStack``) in this thread's CPU time, after the pack is configured as the CLI configures
    it (``InProcessPack.evaluate`` with no resource). Returns the rules (most expensive first) and totals:
    ``baseline`` (every rule disabled), ``pack`` (every rule as the stacks configure it, minus the baseline),
    ``rules`` (sum of the marginals), ``resources``. ``isolate_gc=False`` leaves the collector alone
    (no freeze, no collection before each sample: tests, where only the table's shape matters).
    """
    pack = _import_pack()
    from hybrid_burst_guardrails.registry import build_registry
    from pulumi.runtime.proto import analyzer_pb2

    from scripts.offline.analyzer.marshal import Marshaller, as_dict

    registry = build_registry()
    ids = registry.ids
    clock: defaultdict[str, float] = defaultdict(float)
    servicer = pack.build_servicer(registry, policies=timed_policies(registry, clock), stock=stock)
    session = InProcessPack(PACK, servicer, stack="bench")
    rows = {rule.id: RuleTime(rule.id, rule.family.value, _kind(rule)) for rule in registry}
    totals = {"baseline": 0.0, "pack": 0.0, "rules": 0.0, "resources": float(sum(len(p) for p in plans.values()))}

    def best(requests: list[Any], stack_request: Any, document: Mapping[str, Any]) -> tuple[float, dict[str, float]]:
        session.evaluate([], config=document)
        samples = []
        for _ in range(runs):
            clock.clear()
            if isolate_gc:
                gc.collect()  # every sample starts from the same heap: a collection lands in the run that caused it
            began = time.thread_time()
            for request in requests:
                servicer.Analyze(request, None)
            servicer.AnalyzeStack(stack_request, None)
            samples.append((time.thread_time() - began, dict(clock)))
        return min(samples, key=lambda s: s[0])

    # The recordings (pulumi_aws, the plans) make this process's heap far larger than the pack process's: freeze
    # it, so that the collector's passes cost what they cost the pack (its own garbage), not a scan of the recorder.
    if isolate_gc:
        gc.collect()
        gc.freeze()
    for stack, records in plans.items():
        document = configs[stack]
        plain = [as_dict(r) for r in records]
        marshal = Marshaller(plain)
        requests = [marshal.analyze_request(r) for r in plain]
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[marshal.stack_resource(r) for r in plain])
        best(requests, stack_request, document)  # warm-up: first conversions, lazy imports
        base, _ = best(requests, stack_request, only(None, document, ids))
        full, _ = best(requests, stack_request, document)
        totals["baseline"] += base
        totals["pack"] += max(full - base, 0.0)
        for rule_id in ids:
            cpu, own = best(requests, stack_request, only(rule_id, document, ids))
            rows[rule_id].cpu_s += max(cpu - base, 0.0)
            rows[rule_id].own_s += own.get(rule_id, 0.0)
    totals["rules"] = sum(r.cpu_s for r in rows.values())
    return sorted(rows.values(), key=lambda r: (-r.cpu_s, r.rule_id)), totals


def print_rule_times(rows: Sequence[RuleTime], totals: Mapping[str, float], label: str) -> None:
    n = totals["resources"] or 1.0
    print(f"\ntime per rule, {label}")
    header = f"{'rule':<42}{'family':<17}{'kind':<10}{'ms':>9}{'us/res':>9}{'share':>8}{'cum':>7}{'in rule ms':>12}"
    print(header)
    print("-" * len(header))
    cumulative = 0.0
    whole = totals["rules"] or 1.0
    for row in rows:
        cumulative += row.cpu_s
        print(
            f"{row.rule_id:<42}{row.family:<17}{row.kind:<10}{1000 * row.cpu_s:>9.1f}{1e6 * row.cpu_s / n:>9.1f}"
            f"{100 * row.cpu_s / whole:>7.1f}%{100 * cumulative / whole:>6.0f}%{1000 * row.own_s:>12.1f}"
        )
    own = sum(r.own_s for r in rows)
    print("-" * len(header))
    print(
        f"{'sum of the rules':<69}{1000 * totals['rules']:>9.1f}{1e6 * totals['rules'] / n:>9.1f}"
        f"{'':>15}{1000 * own:>12.1f}"
    )
    print(
        f"{'all rules together (each stack as configured)':<69}{1000 * totals['pack']:>9.1f}"
        f"{1e6 * totals['pack'] / n:>9.1f}"
    )
    print(
        f"{'baseline: every rule disabled (request handling only)':<69}{1000 * totals['baseline']:>9.1f}"
        f"{1e6 * totals['baseline'] / n:>9.1f}"
    )
    print(
        f"pack ms/resource: {(totals['pack'] + totals['baseline']) / n * 1000:.3f} in all "
        f"({totals['pack'] / n * 1000:.3f} for the rules, {totals['baseline'] / n * 1000:.3f} with every rule "
        "disabled); in rule = the rules' own code, the rest of a rule's ms is the SDK's conversion of the requests "
        "for that policy; a rule's ms counts conversions the rules share when run together, so the sum exceeds the "
        "whole"
    )


def bench_per_rule(plans: Mapping[str, list[Any]], runs: int, *, stock: bool) -> None:
    configs = {s: json.loads((ROOT / "stacks" / f"policy-config.{s}.json").read_text()) for s in plans}
    rows, totals = time_rules(plans, configs, runs, stock=stock)
    sizes = ", ".join(f"{s} {len(p)}" for s, p in plans.items())
    servicer = "pulumi-policy's stock servicer" if stock else "the pack's servicer"
    print_rule_times(
        rows, totals, f"over the recorded stacks ({sizes} resources; {servicer}, in this process, CPU, best of {runs})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=3, help="timed runs per size (best is reported)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 1000, 2000, 5000])
    parser.add_argument("--own-stacks", action="store_true", help="also record and check our program's stacks")
    parser.add_argument("--per-rule", action="store_true", help="time per rule over the recorded stacks")
    parser.add_argument("--stacks", nargs="+", help="the stacks to record (default: every stack file)")
    parser.add_argument(
        "--servicer", choices=("pack", "stock"), default="pack", help="--per-rule through this servicer"
    )
    args = parser.parse_args(argv)
    plans: dict[str, list[Any]] = {}
    if args.own_stacks or args.per_rule:
        from scripts.offline import recorder

        plans = record_stacks(args.stacks or recorder.available_stacks())
    if args.sizes or args.own_stacks:
        with PackSession(PACK, stack="bench", dry_run=True) as session:
            _, policies = session.analyzer_info()
            print(
                f"policy pack benchmark: {PACK.name}, {len(policies)} policies, config {CONFIG.name}, best of "
                f"{args.runs} runs (python {sys.version.split()[0]})"
            )
            print(
                f"pack start-up (process + port + channel): {session.start_s:.2f}s; "
                "eval s = one Analyze per resource + one AnalyzeStack (Configure and GetAnalyzerInfo excluded)"
            )
            if args.sizes:
                bench_generated(session, args.sizes, args.runs)
            if args.own_stacks:
                bench_own_stacks(session, plans, args.runs)
    if args.per_rule:
        bench_per_rule(plans, args.runs, stock=args.servicer == "stock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
