"""A corpus of the mistakes a new user makes in stack files, policy-config files and stack names (issue 17).

Each case is written to a fresh stacks directory and planned with ``scripts/plan.py`` (its ``main``, in process, as
``tests/scripts/test_plan.py`` does). Every one must end in exit 2 with the file and the key (or the YAML line) named
on stderr, and with nothing registered: the recorder's monitor must not see a single ``RegisterResource``.

The values come from AWS's own rules as cited in ``components/naming.py`` and ``components/config/facts.py`` (S3
bucket naming, IAM name limits, AZ letters per Region, the EMR release list, the EC2 instance types botocore knows),
not from the issue's examples. The classes are issue 17's:

1. the stack file cannot be read as a Pulumi stack file (YAML, encoding, shape, duplicates);
2. the policy-config file is wrong (JSON, shape, types, enforcement levels, names);
3. checks components make in their constructors (names past a limit, forceDestroy with protect, ...);
4. a Region outside the price catalog plans, with its cost unknown (``test_a_stack_in_europe_is_not_bad_input``
   here; the plan itself: ``tests/scripts/offline/test_stack_cost.py::test_an_eu_stack_plans_and_its_cost_reads_
   unknown``);
5. keys nothing reads (a misspelled namespace, no namespace, an unknown key);
6. list entries that would collide into one resource name;
7. facts that do not exist (AZ letters, EMR releases, EC2 instance types, CIDRs, mixed architectures);
8. names AWS refuses (stack names, S3 URIs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from components.config import load_stack_config, load_stack_file
from scripts import plan
from scripts.offline import layout, recorder

P = "hybrid-burst"
# Every stack names its account and whether it owns the account baseline (issue 10 item 3): a sharing stack needs
# nothing more.
ACCOUNT = f"  {P}:accountBaseline: {{ownership: shared, accountId: '111111111111'}}\n"
NETWORK = f"  {P}:network:\n    onprem:\n      cidr: 10.10.0.0/16\n    compute:\n      cidr: 10.20.0.0/16\n"


def stack_text(extra: str = "", *, env: str = "staging", network: bool = True) -> str:
    """A stack file: the environment (staging: EMR on EKS on), the account (line 3), both VPC CIDRs, then ``extra``
    (indented YAML)."""
    return f"config:\n  {P}:environment: {env}\n" + ACCOUNT + (NETWORK if network else "") + extra


def policy_text(**overrides: Any) -> str:
    """The shipped dev policy config with ``overrides`` (policy name -> value)."""
    doc = json.loads(layout.policy_config("dev").read_text())
    doc.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return json.dumps(doc, indent=1)


TLS = f"  {P}:emr:\n    settings:\n      tls:\n        generateSelfSigned: false\n"


def tls(onprem: str, burst: str = "s3://example-pki/emr/burst.zip") -> str:
    return TLS + f"        onpremCertificateZipS3Uri: {onprem}\n        burstCertificateZipS3Uri: {burst}\n"


@dataclass(frozen=True)
class Case:
    """One bad input: what is written, and what stderr must name."""

    klass: int
    stack: str | bytes = field(default_factory=stack_text)
    policy: str | bytes | None = None
    """The policy-config file; None: the shipped dev one (then the case is about the stack file)."""
    name: str = "bad"
    """The stack name (the stack file is ``Pulumi.<name>.yaml``)."""
    names: tuple[str, ...] = ()
    """Strings stderr must contain: the key (as written in the file) or ``line N``, and often the value or fix."""


# A sequence of cases per class; the id says what the mistake is.
CASES: dict[str, Case] = {
    # 1. The stack file itself ----------------------------------------------------------------------------------
    "yaml-unclosed-flow-list": Case(
        1,
        stack_text(f"  {P}:eks:\n    publicAccessCidrs: [198.51.100.0/24\n"),
        names=("line 11", "unclosed", "opened on line 10"),
    ),
    "yaml-tab-indentation": Case(1, stack_text(f"  {P}:regions:\n\tonprem: us-west-1\n"), names=("line 10", "tabs")),
    "yaml-bad-indentation": Case(
        1,
        stack_text(f"  {P}:regions:\n    onprem: us-west-1\n   compute: us-east-1\n"),
        names=("line 11", "indentation"),
    ),
    "yaml-two-documents": Case(1, stack_text() + "---\nconfig: {}\n", names=("line 9", "second YAML document")),
    "yaml-cloudformation-ref": Case(
        1, stack_text(f"  {P}:regions:\n    compute: !Ref AWS::Region\n"), names=("line 10", "!Ref")
    ),
    "yaml-python-tag-not-executed": Case(
        1, stack_text(f"  {P}:protect: !!python/object/apply:os.getcwd []\n"), names=("line 9", "tag")
    ),
    "yaml-nul-byte": Case(1, stack_text().encode() + b"  # \x00\n", names=("line 9", "U+0000")),
    "encoding-latin-1": Case(
        1, stack_text("  # r\xe9gion de calcul\n").encode("latin-1"), names=("line 9", "not UTF-8")
    ),
    "encoding-utf-16": Case(1, stack_text().encode("utf-16"), names=("line 1", "not UTF-8")),
    "empty-file": Case(1, "", names=("empty",)),
    "top-level-list": Case(1, f"- config:\n    {P}:environment: dev\n", names=("line 1", "not a mapping")),
    "config-is-a-list": Case(1, f"config:\n  - {P}:environment: dev\n", names=("line 1, config", "not a list")),
    "config-is-a-scalar": Case(1, "config: staging\n", names=("line 1, config", "not a string")),
    "duplicate-section": Case(
        1,
        stack_text(f"  {P}:network:\n    allowRemoteDnsResolution: false\n"),
        names=("line 9", f"duplicate key '{P}:network'", "first written on line 4"),
    ),
    "duplicate-nested-key": Case(
        1,
        stack_text(network=False) + NETWORK + "      cidr: 10.30.0.0/16\n",
        names=("line 9", "duplicate key 'cidr'", "first written on line 8"),
    ),
    "keys-not-under-config": Case(
        1, f"{P}:environment: staging\n{P}:regions:\n  compute: us-east-2\n", names=(f"line 1, {P}:environment",
                                                                                  "belong under config:")
    ),
    "misspelled-config": Case(1, f"confg:\n  {P}:environment: dev\n", names=("line 1, confg", "did you mean config")),
    # 2. The policy-config file --------------------------------------------------------------------------------
    "policy-invalid-json": Case(
        2, policy='{"all": "advisory",\n "kms-key-rotation": {"maxRotationPeriodDays": 90,}\n}\n',
        names=("policy-config.bad.json", "not valid JSON", "line 2"),
    ),
    "policy-not-an-object": Case(2, policy='["all", "mandatory"]', names=("policy-config.bad.json", "JSON array")),
    "policy-wrong-property-type": Case(
        2, policy=policy_text(kms_key_rotation={"maxRotationPeriodDays": "90"}),
        names=("kms-key-rotation.maxRotationPeriodDays", "not of type 'integer'"),
    ),
    "policy-level-blocking": Case(2, policy=policy_text(all="blocking"), names=("all", "not an enforcement level")),
    "policy-level-capitalised": Case(
        2, policy=policy_text(emr_kerberos_required={"enforcementLevel": "Advisory"}),
        names=("emr-kerberos-required.enforcementLevel", '"advisory"', "case-sensitive"),
    ),
    "policy-level-number": Case(
        2, policy=policy_text(sns_topic_kms=1), names=("sns-topic-kms", "must be an enforcement level")
    ),
    "policy-misspelled-rule": Case(
        2, policy=policy_text(kms_key_rotaton={"maxRotationPeriodDays": 90}),
        names=('"kms-key-rotaton"', 'did you mean "kms-key-rotation"'),
    ),
    "policy-misspelled-property": Case(
        2, policy=policy_text(emr_fleet_spot_diversification={"taskMinInstanceType": 5}),
        names=("emr-fleet-spot-diversification.taskMinInstanceType", 'did you mean "taskMinInstanceTypes"'),
    ),
    "policy-duplicate-key": Case(
        2, policy='{"all": "advisory",\n "all": "mandatory"}\n', names=('line 2: key "all" is written twice',)
    ),
    "policy-not-utf-8": Case(
        2, policy='{"all": "advisory", "x": "d\xe9j\xe0"}'.encode("latin-1"), names=("policy-config.bad.json",
                                                                                    "UTF-8")
    ),
    # 3. Checks that components make in their constructors ----------------------------------------------------
    # IAM role names are at most 64 characters; the EMR on EKS job role is hybrid-burst-<stack>-emr-on-eks-job.
    "long-stack-name-iam-role": Case(
        3, name="analytics-burst-platform-team-eu-2026", names=("stack name", "iam-role", "1-64")
    ),
    "force-destroy-with-protect": Case(
        3, stack_text(f"  {P}:protect: true\n  {P}:lake:\n    forceDestroy: true\n"),
        names=(f"line 11, {P}:lake.forceDestroy", "protect"),
    ),
    "no-lake-admins": Case(3, stack_text(f"  {P}:lake:\n    admins: []\n"), names=(f"line 10, {P}:lake.admins",)),
    "onprem-cidr-too-fine-for-the-dashboard-filter": Case(
        3, stack_text(network=False) + NETWORK.replace("10.10.0.0/16", "10.10.0.0/19"),
        names=(f"line 6, {P}:network.onprem.cidr", "/19"),
    ),
    # 5. Keys nothing reads ------------------------------------------------------------------------------------
    "namespace-misspelled": Case(
        5, stack_text("  hybridburst:regions:\n    compute: us-east-2\n"), names=("line 9, hybridburst:regions",
                                                                              f"did you mean {P}:regions")
    ),
    "namespace-with-underscore": Case(
        5, stack_text("  hybrid_burst:protect: true\n"), names=("hybrid_burst:protect", f"{P}:protect")
    ),
    "no-namespace": Case(5, stack_text("  protect: true\n"), names=("line 9, protect", f"did you mean {P}:protect")),
    "unknown-section": Case(
        5, stack_text(f"  {P}:observabilty:\n    alarms: {{}}\n"), names=(f"{P}:observabilty",
                                                                       f"did you mean {P}:observability")
    ),
    "dotted-key-at-top": Case(
        5, stack_text(f"  {P}:network.compute.natGateway: false\n"), names=(f"{P}:network.compute.natGateway",
                                                                            "nested")
    ),
    "unknown-nested-key": Case(
        5, stack_text(network=False) + NETWORK + "      natGateways: true\n",
        names=(f"line 9, {P}:network.compute.natGateways", "did you mean natGateway"),
    ),
    # 6. Entries that would become two resources with one name -------------------------------------------------
    "duplicate-interface-endpoint": Case(
        6, stack_text(network=False) + NETWORK + "      interfaceEndpoints: [sts, logs, glue, sts]\n",
        names=(f"line 9, {P}:network.compute.interfaceEndpoints.3", "repeats entry 0"),
    ),
    "duplicate-location-grant": Case(
        6, stack_text(
            f"  {P}:lake:\n    locationGrants:\n      - principal: emr-runtime\n        zone: curated\n"
            "      - principal: emr-runtime\n        zone: curated\n"
        ),
        names=(f"line 13, {P}:lake.locationGrants.1", "repeats", "emr-runtime"),
    ),
    "duplicate-az": Case(
        6, stack_text(network=False) + NETWORK + "      azCount: 2\n      azNames: [us-east-1a, us-east-1a]\n",
        names=(f"line 10, {P}:network.compute.azNames", "repeats an AZ"),
    ),
    "duplicate-subscription-by-case": Case(
        6, stack_text(
            f"  {P}:observability:\n    subscriptions:\n      - {{protocol: email, endpoint: ops@example.com}}\n"
            "      - {protocol: email, endpoint: Ops@Example.com}\n"
        ),
        names=(f"line 12, {P}:observability.subscriptions.1",),
    ),
    # 7. Facts checked against a catalog -----------------------------------------------------------------------
    # us-east-1's AZs are a-f; us-west-1 has three AZ letters (components/config/data/availability_zones.csv).
    "az-letter-past-the-last": Case(
        7, stack_text(network=False) + NETWORK + "      azCount: 2\n      azNames: [us-east-1a, us-east-1g]\n",
        names=(f"line 10, {P}:network.compute.azNames.1", "us-east-1f"),
    ),
    "az-is-the-region-name": Case(
        7, stack_text(network=False) + NETWORK + "      azCount: 2\n      azNames: [us-east-1, us-east-1b]\n",
        names=(f"{P}:network.compute.azNames.0", "Region name alone"),
    ),
    "az-of-the-other-region": Case(
        7, stack_text(network=False) + NETWORK + "      azCount: 2\n      azNames: [us-west-1a, us-east-1b]\n",
        names=(f"{P}:network.compute.azNames.0", "not an AZ of us-east-1"),
    ),
    "region-that-does-not-exist": Case(
        7, stack_text(f"  {P}:regions:\n    compute: us-east-7\n"), names=(f"line 10, {P}:regions.compute",)
    ),
    "emr-release-that-does-not-exist": Case(
        7, stack_text(f"  {P}:emr:\n    releaseLabel: emr-7.4.5\n"), names=(f"line 10, {P}:emr.releaseLabel",)
    ),
    "emr-release-without-prefix": Case(
        7, stack_text(f"  {P}:emr:\n    releaseLabel: 7.5.0\n"), names=(f"{P}:emr.releaseLabel", "emr-7.5.0")
    ),
    # c6i starts at large (no medium); t3 has no 4xlarge.
    "eks-size-that-does-not-exist": Case(
        7, stack_text(f"  {P}:eks:\n    system:\n      instanceTypes: [m6i.large, c6i.medium]\n"),
        names=(f"line 11, {P}:eks.system.instanceTypes.1", "c6i has no size 'medium'"),
    ),
    "eks-family-that-does-not-exist": Case(
        7, stack_text(f"  {P}:eks:\n    system:\n      instanceTypes: [m6i.large, t3x.large]\n"),
        names=(f"{P}:eks.system.instanceTypes.1", "'t3x'"),
    ),
    "eks-spot-group-mixes-x86-and-graviton": Case(
        7, stack_text(
            f"  {P}:eks:\n    spot:\n      instanceTypes: [r6i.2xlarge, r5.2xlarge, r6a.2xlarge, r6g.2xlarge,"
            " r7g.2xlarge, r5a.2xlarge]\n"
        ),
        names=(f"line 11, {P}:eks.spot.instanceTypes", "arm64: r6g.2xlarge, r7g.2xlarge"),
    ),
    "eks-cidr-with-host-bits": Case(
        7, stack_text(f"  {P}:eks:\n    endpointPublicAccess: true\n    publicAccessCidrs: [198.51.100.7/24]\n"),
        names=(f"line 11, {P}:eks.publicAccessCidrs.0", "198.51.100.0/24"),
    ),
    "eks-cidr-prefix-past-32": Case(
        7, stack_text(f"  {P}:eks:\n    endpointPublicAccess: true\n    publicAccessCidrs: [198.51.100.0/33]\n"),
        names=(f"{P}:eks.publicAccessCidrs.0", "not a CIDR"),
    ),
    # 8. Names AWS refuses -------------------------------------------------------------------------------------
    "stack-name-upper-case": Case(8, name="Analytics", names=("stack name", "lowercase", "e.g. analytics")),
    "stack-name-underscore": Case(8, name="team_a", names=("stack name", "e.g. team-a")),
    "stack-name-dot": Case(8, name="team.a", names=("stack name", "no '.'")),
    "s3-uri-adjacent-periods": Case(
        8, stack_text(tls("s3://example..pki/emr/onprem.zip")), names=(f"{P}:emr.settings.tls.onpremCertificate",
                                                                        "two adjacent periods")
    ),
    "s3-uri-ip-address-bucket": Case(
        8, stack_text(tls("s3://10.20.30.40/emr/onprem.zip")), names=("onpremCertificateZipS3Uri", "IP address")
    ),
    "s3-uri-upper-case-bucket": Case(
        8, stack_text(tls("s3://example-pki/emr/onprem.zip", "s3://Example-PKI/emr/burst.zip")),
        names=(f"line 14, {P}:emr.settings.tls.burstCertificateZipS3Uri", "upper-case"),
    ),
    "s3-uri-underscore-bucket": Case(
        8, stack_text(tls("s3://example_pki/emr/onprem.zip")), names=("onpremCertificateZipS3Uri", "underscore")
    ),
    "s3-uri-dot-dot-in-key": Case(
        8, stack_text(tls("s3://example-pki/emr/../onprem.zip")), names=("onpremCertificateZipS3Uri", "'..'")
    ),
    "s3-uri-reserved-suffix": Case(
        8, stack_text(f"  {P}:emr:\n    settings:\n      alluxio:\n        tarballUri: s3://tarballs-s3alias/a.tar.gz\n"),
        names=(f"line 12, {P}:emr.settings.alluxio.tarballUri", "-s3alias"),
    ),
}


@pytest.fixture
def registrations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every RegisterResource the recorder's monitor receives during the test (URNs, in order)."""
    seen: list[str] = []
    original = recorder.RecordingMonitor.RegisterResource

    def counting(self: recorder.RecordingMonitor, request: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(f"{request.type}::{request.name}")
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(recorder.RecordingMonitor, "RegisterResource", counting)
    return seen


def _write(tmp_path: Path, case: Case) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    stack_file = layout.stack_file(case.name, stacks)
    if isinstance(case.stack, bytes):
        stack_file.write_bytes(case.stack)
    else:
        stack_file.write_text(case.stack)
    policy = layout.policy_config(case.name, stacks)
    if case.policy is None:
        policy.write_text(layout.policy_config("dev").read_text())
    elif isinstance(case.policy, bytes):
        policy.write_bytes(case.policy)
    else:
        policy.write_text(case.policy)
    return stacks


def test_the_corpus_covers_every_class_of_mistake() -> None:
    """At least one case for each of issue 17's classes 1-3 and 5-8 (class 4 is a stack that must plan)."""
    assert {case.klass for case in CASES.values()} == {1, 2, 3, 5, 6, 7, 8}


@pytest.mark.parametrize("case_id", list(CASES))
def test_a_bad_input_exits_2_naming_file_and_key_before_anything_is_registered(
    case_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], registrations: list[str]
) -> None:
    case = CASES[case_id]
    stacks = _write(tmp_path, case)
    before = sum(recorder.RECORDINGS.values())
    report = tmp_path / "report.md"

    code = plan.main(["--stack", case.name, "--stacks-dir", str(stacks), "--quiet", "--report", str(report)])

    out, err = capsys.readouterr()
    assert code == plan.EXIT_CONFIG, f"exit {code}\nstdout: {out[-1500:]}\nstderr: {err[-1500:]}"
    assert registrations == [], f"{len(registrations)} resources registered before the error"
    assert sum(recorder.RECORDINGS.values()) == before, "the program was started"
    assert not report.exists(), "no report for a refused input"
    assert "Traceback" not in err
    assert err.startswith("error: ")
    bad_file = layout.policy_config(case.name, stacks) if case.policy is not None else layout.stack_file(
        case.name, stacks
    )
    assert str(bad_file) in err, f"the file is not named:\n{err}"
    for name in case.names:
        assert name in err, f"{name!r} not named:\n{err}"


def test_a_stack_in_europe_is_not_bad_input(tmp_path: Path) -> None:
    """Class 4: Regions the price catalog lacks are valid config (the plan shows their cost as unknown: see
    tests/scripts/offline/test_stack_cost.py, which plans this stack)."""
    path = tmp_path / "Pulumi.eu.yaml"
    path.write_text(stack_text(f"  {P}:regions:\n    onprem: eu-west-1\n    compute: eu-central-1\n", env="dev"))
    cfg = load_stack_file(path, stack="eu")
    assert (cfg.regions.onprem, cfg.regions.compute) == ("eu-west-1", "eu-central-1")


@pytest.mark.parametrize(
    ("key", "value"),
    [("aws:region", "us-east-1"), ("aws:skipMetadataApiCheck", "false"), ("kubernetes:enableServerSideApply", "true")],
)
def test_provider_namespaces_are_left_to_the_providers(key: str, value: str) -> None:
    config = {f"{P}:environment": "dev", f"{P}:network": {"onprem": {"cidr": "10.10.0.0/16"},
                                                          "compute": {"cidr": "10.20.0.0/16"}}, key: value,
              f"{P}:accountBaseline": {"ownership": "shared", "accountId": "111111111111"}}
    assert load_stack_config(config, stack="dev").environment == "dev"


def test_all_with_no_stack_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["--all", "--stacks-dir", str(tmp_path)]) == plan.EXIT_CONFIG
    assert f"no stack files (Pulumi.<stack>.yaml) in {tmp_path}" in capsys.readouterr().err
