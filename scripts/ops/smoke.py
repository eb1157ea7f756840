"""Smoke checks of a deployed hybrid-burst stack, with boto3, from the stack's outputs.

    pulumi stack output --json -s dev > outputs.json
    python -m scripts.ops.smoke outputs.json            # exit 0 when every check passes, 1 otherwise

Checks (each prints PASS/FAIL and what it saw):
- both VPCs exist; the peering connection is ``active``; each side's route tables route the other side's CIDR
  through the peering connection;
- both EMR clusters are ``WAITING`` or ``RUNNING`` and carry their security configuration;
- every lake bucket has SSE-KMS default encryption and a full public access block;
- the Glue Data Catalog encrypts metadata with SSE-KMS and connection passwords;
- every alarm topic has a KMS key.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scripts.ops.aws import ClientFactory, client_factory, read_outputs

EMR_HEALTHY = ("WAITING", "RUNNING")
SIDES = ("onprem", "compute")
EMR_CLUSTERS = {"onprem": "onprem", "burst": "compute"}  # output prefix -> region side


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


class MissingOutputError(KeyError):
    """A stack output a check needs is absent."""


class Context:
    def __init__(self, outputs: Mapping[str, Any], clients: ClientFactory) -> None:
        self.outputs = outputs
        self.clients = clients

    def out(self, key: str) -> Any:
        if key not in self.outputs:
            raise MissingOutputError(f"stack output {key!r} is missing (is the stack deployed with this program?)")
        return self.outputs[key]

    def region(self, side: str) -> str:
        return str(self.out("regions")[side])


Check = Callable[[Context], Iterable[CheckResult]]


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
        cluster_id = ctx.out(f"{key}_cluster_id")
        cluster = ctx.clients("emr", ctx.region(side)).describe_cluster(ClusterId=cluster_id)["Cluster"]
        state = cluster["Status"]["State"]
        yield CheckResult(f"EMR {key} cluster state", state in EMR_HEALTHY, f"{cluster_id} {state}")
        want = ctx.out(f"{key}_security_configuration_name")
        got = cluster.get("SecurityConfiguration")
        yield CheckResult(f"EMR {key} security configuration", got == want, f"attached {got!r}, expected {want!r}")


def check_buckets(ctx: Context) -> Iterable[CheckResult]:
    for side in SIDES:
        s3 = ctx.clients("s3", ctx.region(side))
        for zone, bucket in sorted(ctx.out(f"{side}_lake_bucket_names").items()):
            rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
            algos = {r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules}
            kms = any(a.startswith("aws:kms") for a in algos)
            yield CheckResult(f"s3 {side}/{zone} SSE-KMS", kms, f"{bucket} {sorted(algos)}")
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
    for side in SIDES:
        arn = ctx.out(f"{side}_alarm_topic_arn")
        attrs = ctx.clients("sns", ctx.region(side)).get_topic_attributes(TopicArn=arn)["Attributes"]
        key = attrs.get("KmsMasterKeyId")
        yield CheckResult(f"SNS {side} alarm topic KMS", bool(key), f"{arn} key {key or 'none'}")


CHECKS: tuple[tuple[str, Check], ...] = (
    ("network", check_vpcs_and_peering),
    ("emr", check_emr_clusters),
    ("s3", check_buckets),
    ("glue", check_glue_catalog),
    ("sns", check_topics),
)


def run_checks(outputs: Mapping[str, Any], clients: ClientFactory) -> list[CheckResult]:
    """Run every check group; an error (missing output, API error) fails that group with its message."""
    ctx = Context(outputs, clients)
    results: list[CheckResult] = []
    for group, check in CHECKS:
        try:
            results.extend(check(ctx))
        except Exception as err:  # noqa: BLE001 - any failure of a group is a failed check, reported
            results.append(CheckResult(f"{group} checks", False, f"{type(err).__name__}: {err}"))
    return results


def report(results: Iterable[CheckResult]) -> tuple[str, bool]:
    results = list(results)
    lines = [f"{'PASS' if r.ok else 'FAIL'}  {r.name}: {r.detail}" for r in results]
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines), failed == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outputs", help="stack outputs JSON (pulumi stack output --json), or - for stdin")
    parser.add_argument("--endpoint-url", help="send every AWS call to this endpoint (an emulator)")
    parser.add_argument("--profile", help="AWS profile")
    args = parser.parse_args(argv)
    text, ok = report(run_checks(read_outputs(args.outputs), client_factory(args.endpoint_url, args.profile)))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
