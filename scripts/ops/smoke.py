"""Smoke checks of a deployed hybrid-burst stack, with boto3, from the stack's outputs and its stack config.

    python -m scripts.ops.smoke --stack dev                     # reads out/outputs/dev.json (written by deploy.py)
    python -m scripts.ops.smoke outputs.json --stack dev        # any file of `pulumi stack output --json -s dev`
    pulumi stack output --json -s dev | python -m scripts.ops.smoke - --stack dev

Exit codes (docs/operations.md): 0 every check passed, 1 a check failed, 2 bad input (outputs file missing, not
JSON, incomplete, a region that is not an AWS region or not the stack's, a resource not found in the region the
file names; a stack file the config model refuses),
3 an AWS error (no credentials, access denied, endpoint unreachable, throttling). Errors go to stderr.

Checks (each prints PASS/FAIL and what it saw); an external-mode stack (``onprem.mode: external``, ADR 0009) has no
on-prem region, so its checks are the compute side's and, instead of peering: at least one VPN tunnel UP (VPN
connections), each on-prem CIDR routed through the transit/virtual private gateway, the Resolver forwarding rule
associated with the compute VPC.
- both VPCs exist; the peering connection is ``active``; each side's route tables route the other side's CIDR
  through the peering connection;
- both EMR clusters are ``WAITING`` or ``RUNNING`` and carry their security configuration;
- the burst task fleet's Spot launch specification (provisioning timeout, timeout action, allocation strategy)
  and its ``ResizeSpecifications`` (resize timeouts, which pulumi-aws 7 cannot set and the resize_fleets runbook
  applies) are the ones the stack config asks for;
- every lake bucket (all zones) has the encryption the program gives it: SSE-KMS with the side's data key, except
  the access-logs bucket, which is SSE-S3 by necessity (S3 server access logging cannot deliver to an SSE-KMS
  bucket; ADR 0003); and a full public access block;
- the Glue Data Catalog encrypts metadata with SSE-KMS and connection passwords;
- every alarm topic has a KMS key.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from scripts.ops.aws import ClientFactory, client_factory
from scripts.ops.smoke_inputs import (
    OUTPUTS_DIR,
    ROOT,
    SIDES,
    Expected,
    InputError,
    load_outputs,
    sides_of,
    stack_expectations,
    stack_of,
    validate_outputs,
)

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_AWS = 0, 1, 2, 3
EMR_HEALTHY = ("WAITING", "RUNNING")
EMR_CLUSTERS = {"onprem": "onprem", "burst": "compute"}  # output prefix -> region side
ACCESS_LOGS_ZONE = "access-logs"  # components/lake/storage_zones.py ACCESS_LOGS; SSE-S3 by ADR 0003
# Error codes that mean "who you are or where you ask is not allowed", not "the stack is broken".
AWS_ACCESS_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure", "InvalidClientTokenId",
    "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
    "InvalidAccessKeyId", "OptInRequired", "RequestExpired", "Throttling", "ThrottlingException",
    "TooManyRequestsException", "RequestLimitExceeded",
})


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    aws_error: bool = False
    """The check could not run: an AWS error (credentials, access, network, throttling) - exit 3, not 1."""
    bad_input: bool = False
    """A resource the outputs file names is not in the region it names (wrong account, region or file) - exit 2."""


class Context:
    def __init__(self, outputs: Mapping[str, Any], clients: ClientFactory, expected: Expected | None = None) -> None:
        self.outputs = outputs
        self.clients = clients
        self.expected = expected
        self.mode = expected.onprem_mode if expected is not None else str(outputs.get("onprem_mode", "proxy"))
        self.sides = sides_of(self.mode)

    def out(self, key: str) -> Any:
        if key not in self.outputs:
            raise InputError(f"stack output {key!r} is missing (is the stack deployed with this program?)")
        return self.outputs[key]

    def region(self, side: str) -> str:
        return str(self.out("regions")[side])


Check = Callable[[Context], Iterable[CheckResult]]


def check_network(ctx: Context) -> Iterable[CheckResult]:
    return check_vpcs_and_peering(ctx) if ctx.mode == "proxy" else check_external_link(ctx)


def check_external_link(ctx: Context) -> Iterable[CheckResult]:
    """External mode (ADR 0009): the compute VPC; the VPN's tunnels (``connection.type: vpn``); the compute route
    tables' routes to every on-prem CIDR through the transit/virtual private gateway; the Resolver rule forwarding the
    on-prem domain, associated with the compute VPC."""
    region, vpc_id = ctx.region("compute"), ctx.out("compute_vpc_id")
    ec2 = ctx.clients("ec2", region)
    vpcs = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    yield CheckResult("compute VPC", len(vpcs) == 1 and vpcs[0].get("State") == "available",
                      f"{vpc_id} {vpcs[0].get('State') if vpcs else 'not found'}")
    vpn_id = ctx.outputs.get("onprem_vpn_connection_id")
    if vpn_id:
        conns = ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"]
        state = conns[0].get("State") if conns else "not found"
        tunnels = [t.get("Status") for t in (conns[0].get("VgwTelemetry") or []) if conns]
        up = tunnels.count("UP")
        yield CheckResult("VPN tunnel up", state == "available" and up >= 1,
                          f"{vpn_id} {state}, {up} of {len(tunnels)} tunnel(s) UP (at least one must be)")
    gateway = ctx.out("onprem_gateway_id")
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    for cidr in ctx.out("onprem_cidrs"):
        with_route = [
            t["RouteTableId"] for t in tables
            if any(r.get("DestinationCidrBlock") == cidr and gateway in (r.get("TransitGatewayId"), r.get("GatewayId"))
                   and r.get("State", "active") == "active" for r in t.get("Routes", []))
        ]
        yield CheckResult(f"routes compute -> on-prem {cidr}", bool(with_route),
                          f"{len(with_route)} route table(s) send {cidr} through {gateway}")
    resolver = ctx.clients("route53resolver", region)
    rule_id = ctx.out("onprem_dns_resolver_rule_id")
    rule = resolver.get_resolver_rule(ResolverRuleId=rule_id)["ResolverRule"]
    forwards = rule.get("RuleType") == "FORWARD" and rule.get("Status") == "COMPLETE"
    yield CheckResult("Resolver forwarding rule", forwards,
                      f"{rule_id} {rule.get('RuleType')} {rule.get('DomainName')} {rule.get('Status')}")
    associations = resolver.list_resolver_rule_associations(
        Filters=[{"Name": "ResolverRuleId", "Values": [rule_id]}])["ResolverRuleAssociations"]
    vpcs_with = [a.get("VPCId") for a in associations if a.get("Status") == "COMPLETE"]
    yield CheckResult("Resolver rule associated with the compute VPC", vpc_id in vpcs_with,
                      f"{rule_id} associated with {vpcs_with or 'no VPC'}; expected {vpc_id}")


def check_vpcs_and_peering(ctx: Context) -> Iterable[CheckResult]:
    cidrs: dict[str, str] = {}
    for side in SIDES:
        vpc_id = ctx.out(f"{side}_vpc_id")
        vpcs = ctx.clients("ec2", ctx.region(side)).describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        ok = len(vpcs) == 1 and vpcs[0].get("State") == "available"
        cidrs[side] = vpcs[0]["CidrBlock"] if vpcs else ""
        yield CheckResult(f"{side} VPC", ok, f"{vpc_id} {vpcs[0].get('State') if vpcs else 'not found'}")

    pcx = ctx.out("peering_connection_id")
    conns = ctx.clients("ec2", ctx.region("compute")).describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[pcx]
    )["VpcPeeringConnections"]
    status = conns[0]["Status"]["Code"] if conns else "not found"
    yield CheckResult("VPC peering active", status == "active", f"{pcx} {status}")

    for side, other in (("compute", "onprem"), ("onprem", "compute")):
        tables = ctx.clients("ec2", ctx.region(side)).describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [ctx.out(f"{side}_vpc_id")]}]
        )["RouteTables"]
        with_route = [
            t["RouteTableId"]
            for t in tables
            if any(
                r.get("VpcPeeringConnectionId") == pcx and r.get("DestinationCidrBlock") == cidrs[other]
                for r in t.get("Routes", [])
            )
        ]
        yield CheckResult(
            f"routes {side} -> {other}",
            bool(with_route),
            f"{len(with_route)} route table(s) send {cidrs[other]} through {pcx}",
        )


def check_emr_clusters(ctx: Context) -> Iterable[CheckResult]:
    for key, side in EMR_CLUSTERS.items():
        if side not in ctx.sides:
            continue
        cluster_id = ctx.out(f"{key}_cluster_id")
        cluster = ctx.clients("emr", ctx.region(side)).describe_cluster(ClusterId=cluster_id)["Cluster"]
        state = cluster["Status"]["State"]
        yield CheckResult(f"EMR {key} cluster state", state in EMR_HEALTHY, f"{cluster_id} {state}")
        want = ctx.out(f"{key}_security_configuration_name")
        got = cluster.get("SecurityConfiguration")
        yield CheckResult(f"EMR {key} security configuration", got == want, f"attached {got!r}, expected {want!r}")


def check_task_fleet(ctx: Context) -> Iterable[CheckResult]:
    """The burst task fleet's Spot specification against the stack config (``ListInstanceFleets``)."""
    expected = ctx.expected
    if expected is None:
        return
    fleet_id = ctx.outputs.get("burst_task_fleet_id")
    if expected.spot_timeout_minutes is None and not fleet_id:
        yield CheckResult("EMR burst task fleet Spot timeout", True, f"no Spot task fleet in {expected.config_key}")
        return
    if not fleet_id:
        raise InputError(f"stack output 'burst_task_fleet_id' is missing but {expected.config_key} asks for a fleet")
    cluster_id = ctx.out("burst_cluster_id")
    emr = ctx.clients("emr", ctx.region("compute"))
    fleets: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        page = emr.list_instance_fleets(ClusterId=cluster_id, **({"Marker": marker} if marker else {}))
        fleets.extend(page.get("InstanceFleets", []))
        marker = page.get("Marker")
        if not marker:
            break
    fleet = next((f for f in fleets if f.get("Id") == fleet_id), None)
    if fleet is None:
        yield CheckResult("EMR burst task fleet Spot timeout", False, f"{fleet_id} not among {cluster_id}'s fleets")
        return
    spot = fleet.get("LaunchSpecifications", {}).get("SpotSpecification") or {}
    got = (spot.get("TimeoutDurationMinutes"), spot.get("TimeoutAction"), spot.get("AllocationStrategy"))
    want = (expected.spot_timeout_minutes, expected.spot_timeout_action, expected.spot_allocation_strategy)
    yield CheckResult(
        "EMR burst task fleet Spot timeout",
        got == want,
        f"{fleet_id} launch Spot spec {_spec(got)}; {expected.config_key} asks for {_spec(want)}",
    )
    if expected.resize is None:
        return
    from scripts.ops.resize_fleets import differs

    have = fleet.get("ResizeSpecifications") or {}
    yield CheckResult(
        "EMR burst task fleet resize timeout",
        not differs(have, expected.resize),
        f"{fleet_id} ResizeSpecifications {_resize(have)}; {expected.config_key} asks for {_resize(expected.resize)}"
        + (" (apply them: python -m scripts.ops.resize_fleets)" if differs(have, expected.resize) else ""),
    )


def _resize(spec: Mapping[str, Any]) -> str:
    parts = [
        f"{market.removesuffix('ResizeSpecification')} {value.get('TimeoutDurationMinutes')} min "
        f"{value.get('AllocationStrategy') or ''}".strip()
        for market, value in sorted(spec.items()) if isinstance(value, Mapping)
    ]
    return ", ".join(parts) or "none"


def _spec(values: tuple[Any, Any, Any]) -> str:
    minutes, action, strategy = values
    return "none (no Spot)" if minutes is None and action is None else f"{minutes} min -> {action}, {strategy}"


def check_buckets(ctx: Context) -> Iterable[CheckResult]:
    for side in ctx.sides:
        s3 = ctx.clients("s3", ctx.region(side))
        data_key = ctx.out(f"{side}_data_key_arn")
        for zone, bucket in sorted(ctx.out(f"{side}_lake_bucket_names").items()):
            rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
            defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
            algos = sorted({d.get("SSEAlgorithm", "") for d in defaults})
            keys = sorted({d.get("KMSMasterKeyID", "") for d in defaults if d.get("KMSMasterKeyID")})
            if zone == ACCESS_LOGS_ZONE:
                ok, want = algos == ["AES256"], "SSE-S3 (AES256): log delivery cannot write to SSE-KMS (ADR 0003)"
            else:
                ok, want = algos == ["aws:kms"] and keys == [data_key], f"SSE-KMS with {data_key}"
            yield CheckResult(f"s3 {side}/{zone} encryption", ok, f"{bucket} {algos} {keys or ''}; expected {want}")
            block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
            missing = sorted(k for k, v in block.items() if v is not True)
            yield CheckResult(
                f"s3 {side}/{zone} public access block", not missing, f"{bucket} off: {missing or 'none'}"
            )


def check_glue_catalog(ctx: Context) -> Iterable[CheckResult]:
    glue = ctx.clients("glue", ctx.region("compute"))
    settings = glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"]
    mode = settings.get("EncryptionAtRest", {}).get("CatalogEncryptionMode", "DISABLED")
    yield CheckResult("Glue catalog encryption at rest", mode.startswith("SSE-KMS"), f"mode {mode}")
    pwd = settings.get("ConnectionPasswordEncryption", {}).get("ReturnConnectionPasswordEncrypted") is True
    yield CheckResult("Glue connection password encryption", pwd, f"ReturnConnectionPasswordEncrypted={pwd}")


def check_topics(ctx: Context) -> Iterable[CheckResult]:
    for side in ctx.sides:
        arn = ctx.out(f"{side}_alarm_topic_arn")
        attrs = ctx.clients("sns", ctx.region(side)).get_topic_attributes(TopicArn=arn)["Attributes"]
        key = attrs.get("KmsMasterKeyId")
        yield CheckResult(f"SNS {side} alarm topic KMS", bool(key), f"{arn} key {key or 'none'}")


CHECKS: tuple[tuple[str, Check], ...] = (
    ("network", check_network),
    ("emr", check_emr_clusters),
    ("emr task fleet", check_task_fleet),
    ("s3", check_buckets),
    ("glue", check_glue_catalog),
    ("sns", check_topics),
)


def is_aws_error(err: Exception) -> bool:
    """Credentials, permissions, network, throttling and service-side errors: the check could not run."""
    if isinstance(err, BotoCoreError):
        return True
    if isinstance(err, ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        status = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return code in AWS_ACCESS_CODES or status in (401, 403) or status >= 500
    return False


def describe_error(err: Exception) -> str:
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        op = getattr(err, "operation_name", "")
        return f"{op}: {error.get('Code', '')}: {error.get('Message', '')}".strip(": ")
    return f"{type(err).__name__}: {err}"


def run_checks(
    outputs: Mapping[str, Any], clients: ClientFactory, expected: Expected | None = None
) -> list[CheckResult]:
    """Run every check group. A missing output raises ``InputError``; an AWS error makes that group one
    ``aws_error`` result; any other error (a resource not found, an unexpected answer) fails that group."""
    ctx = Context(outputs, clients, expected)
    results: list[CheckResult] = []
    for group, check in CHECKS:
        try:
            results.extend(check(ctx))
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - any failure of a group is reported, never a traceback
            if is_aws_error(err):
                results.append(CheckResult(f"{group} checks", False, describe_error(err), aws_error=True))
            elif "NotFound" in describe_error(err) or "NoSuch" in describe_error(err):
                results.append(CheckResult(
                    f"{group} checks", False,
                    describe_error(err) + " (not in the region the outputs file names: is it this stack's file, "
                    "and are the AWS account/profile and regions right?)", bad_input=True))
            else:
                results.append(CheckResult(f"{group} checks", False, describe_error(err)))
    return results


def report(results: Iterable[CheckResult]) -> tuple[str, bool]:
    results = list(results)
    lines = [f"{'ERROR' if r.aws_error else 'PASS' if r.ok else 'FAIL'}  {r.name}: {r.detail}" for r in results]
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines), failed == 0


def exit_code(results: Iterable[CheckResult]) -> int:
    results = list(results)
    if any(r.aws_error for r in results):
        return EXIT_AWS
    if any(r.bad_input for r in results):
        return EXIT_INPUT
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def main(argv: list[str] | None = None, *, clients: ClientFactory | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outputs", nargs="?", help="stack outputs JSON, or - for stdin "
                        f"(default: {OUTPUTS_DIR}/<stack>.json, written by deploy.py)")
    parser.add_argument("--stack", help="the stack (default: the outputs file's name, e.g. dev.json)")
    parser.add_argument("--endpoint-url", help="send every AWS call to this endpoint (an emulator)")
    parser.add_argument("--profile", help="AWS profile")
    args = parser.parse_args(argv)
    try:
        if args.outputs:
            path = args.outputs
            outputs = load_outputs(path, args.stack or "<stack>")
            stack = stack_of(path, args.stack, root, outputs)
        else:
            stack = stack_of(None, args.stack, root)
            path = str(root / OUTPUTS_DIR / f"{stack}.json")
            outputs = load_outputs(path, stack)
        expected, regions = stack_expectations(stack, root)
        validate_outputs(outputs, "stdin" if path == "-" else path, regions, expected.onprem_mode)
        factory = clients or client_factory(args.endpoint_url, args.profile)
        results = run_checks(outputs, factory, expected)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except ProfileNotFound as err:
        print(f"error: --profile: {err}; list the profiles with aws configure list-profiles", file=sys.stderr)
        return EXIT_INPUT
    except BotoCoreError as err:  # credentials that cannot be loaded, a broken AWS config file...
        print(f"error: AWS: {err}", file=sys.stderr)
        return EXIT_AWS
    text, _ = report(results)
    code = exit_code(results)
    print(text)
    if code == EXIT_AWS:
        errors = "; ".join(f"{r.name}: {r.detail}" for r in results if r.aws_error)
        print(f"error: some checks could not run (AWS error: {errors}); check the credentials, the permissions "
              "listed in docs/operations.md and the network", file=sys.stderr)
    elif code == EXIT_INPUT:
        print("error: the outputs file names resources that do not exist where it says (see above)", file=sys.stderr)
    elif code == EXIT_FAILED:
        print(f"error: {sum(not r.ok for r in results)} check(s) failed", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
