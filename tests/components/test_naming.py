"""components/naming.py: each service's naming rules, written from the AWS documentation (see the module)."""

from __future__ import annotations

import pytest

from components import naming


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("hb-dev-compute-zones-raw-abc", True),
        ("a.b-c", True),
        ("ab", False),  # under 3 characters
        ("a" * 64, False),  # over 63
        ("Hb-dev", False),  # upper case
        ("hb_dev", False),  # underscore
        ("-hb", False),  # must begin with a letter or digit
        ("hb-", False),  # must end with one
        ("hb..dev", False),  # adjacent periods
        ("192.168.5.4", False),  # IP address format
        ("xn--hb", False),
        ("sthree-hb", False),
        ("amzn-s3-demo-hb", False),
        ("hb-s3alias", False),
        ("hb--ol-s3", False),
        ("hb.mrap", False),
        ("hb--x-s3", False),
        ("hb--table-s3", False),
    ],
)
def test_s3_bucket_names(name: str, ok: bool) -> None:
    assert (naming.s3_bucket_problem(name) is None) is ok, naming.s3_bucket_problem(name)


def test_s3_bucket_prefix_is_at_most_37_characters_of_a_legal_name() -> None:
    assert naming.s3_bucket_prefix_problem("hb-dev-compute-zones-raw-") is None
    assert "37" in str(naming.s3_bucket_prefix_problem("h" * 38))
    assert naming.s3_bucket_prefix_problem("hb-Dev-") is not None


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("s3://my-pki/emr/certs.zip", True),
        ("s3://my-pki/emr/../certs.zip", False),
        ("s3://my-pki/./certs.zip", False),
        ("s3://my-pki/emr//certs.zip", False),
        ("s3://10.0.0.1/certs.zip", False),
        ("s3://My-PKI/certs.zip", False),
        ("s3://my_pki/certs.zip", False),
        ("s3://my-pki", False),
        ("https://my-pki/certs.zip", False),
    ],
)
def test_s3_uris(uri: str, ok: bool) -> None:
    assert (naming.s3_uri_problem(uri) is None) is ok, naming.s3_uri_problem(uri)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (naming.iam_role_name_problem, "hybrid-burst-dev-job", ["r" * 65, "has space", "a/b"]),
        (naming.iam_policy_name_problem, "p+=,.@_-", ["p" * 129, "p*"]),
        (naming.iam_path_problem, "/hybrid-burst/dev/", ["hybrid-burst/", "/no-trailing", "/sp ace/"]),
        (naming.glue_name_problem, "tpcds_sf100", ["TPCDS", "tpc-ds", "t" * 256]),
        (naming.log_group_problem, "/hybrid-burst/dev/vpc/flow-logs", ["aws/x", "/a b", "g" * 513]),
        (naming.alarm_name_problem, "hybrid-burst-dev-x", ["a" * 256, ""]),
        (naming.dashboard_name_problem, "hybrid-burst-dev", ["hybrid.burst", "d" * 256]),
        (naming.event_rule_name_problem, "hb.dev_rule-1", ["r" * 65, "r/1"]),
        (naming.sns_topic_problem, "hybrid-burst-dev", ["a.b", "t" * 257]),
        (naming.kms_alias_problem, "alias/hybrid-burst/dev/data", ["hybrid-burst", "alias/aws/s3", "alias/a b"]),
        (naming.eks_cluster_name_problem, "hybrid-burst-dev-eks", ["-eks", "e" * 101, "a.b"]),
        (naming.virtual_cluster_name_problem, "vc-dev", ["v" * 65, "v c"]),
        (naming.emr_cluster_name_problem, "hybrid-burst-dev", ["c" * 257]),
        (naming.k8s_label_problem, "emr-spark", ["Emr", "-emr", "emr-", "e" * 64, "a.b"]),
        (naming.k8s_subdomain_problem, "a.b-c", ["a..b", "A.b", "a" * 254]),
    ],
)
def test_service_rules(check, good: str, bad: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert check(good) is None
    for name in bad:
        assert check(name) is not None, name


@pytest.mark.parametrize(
    ("stack", "ok"),
    [("dev", True), ("team-a-2", True), ("Dev", False), ("dev_eu", False), ("dev.eu", False), ("2dev", False),
     ("", False), ("x" * 101, False)],
)
def test_stack_names(stack: str, ok: bool) -> None:
    assert (naming.stack_name_problem(stack) is None) is ok
    if not ok and stack:
        assert "rename" in str(naming.stack_name_problem(stack)) or "Pulumi" in str(naming.stack_name_problem(stack))
