"""sg-no-public-ingress: inline ingress, SecurityGroupRule, SecurityGroupIngressRule; ports named in messages."""

from __future__ import annotations

from typing import Any

import pytest
from hybrid_burst_guardrails.least_privilege.sg_no_public_ingress import RULE

from tests.policies.guardrail_harness import UNKNOWN, Expect, assert_outcome, run_resource_policy

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def ingress(
    from_port: Any, to_port: Any, cidrs: Any = ("0.0.0.0/0",), protocol: Any = "tcp", **extra: Any
) -> dict[str, Any]:
    return {"protocol": protocol, "fromPort": from_port, "toPort": to_port, "cidrBlocks": list(cidrs), **extra}


CASES = [
    pytest.param(SG, {"ingress": [ingress(8020, 8020, ["10.20.0.0/16"])]}, None, Expect.PASS, "", id="compliant-vpc"),
    pytest.param(
        SG, {"ingress": [ingress(8020, 8020)]}, None, Expect.FAIL, "port 8020 (HDFS NameNode RPC)", id="hdfs-namenode"
    ),
    pytest.param(SG, {"ingress": [ingress(22, 22)]}, None, Expect.FAIL, "SSH", id="ssh"),
    pytest.param(
        SG, {"ingress": [ingress(9000, 10000)]}, None, Expect.FAIL, "9083 Hive metastore", id="range-names-ports-inside"
    ),
    pytest.param(
        SG,
        {"ingress": [ingress(0, 0, protocol="-1")]},
        None,
        Expect.FAIL,
        "19998 Alluxio master RPC",
        id="all-protocols",
    ),
    pytest.param(
        SG,
        {"ingress": [ingress(8889, 8889, [], ipv6CidrBlocks=["::/0"])]},
        None,
        Expect.FAIL,
        "Trino coordinator on EMR",
        id="ipv6-trino",
    ),
    pytest.param(
        SG_RULE,
        {"type": "ingress", **ingress(8088, 8088)},
        None,
        Expect.FAIL,
        "YARN ResourceManager",
        id="security-group-rule-yarn",
    ),
    pytest.param(
        SG_RULE, {"type": "egress", **ingress(0, 0, protocol="-1")}, None, Expect.PASS, "", id="egress-rule-ignored"
    ),
    pytest.param(
        INGRESS,
        {"cidrIpv4": "0.0.0.0/0", "fromPort": 19999, "toPort": 19999, "ipProtocol": "tcp"},
        None,
        Expect.FAIL,
        "Alluxio master web UI",
        id="vpc-ingress-rule-alluxio",
    ),
    pytest.param(
        INGRESS,
        {"referencedSecurityGroupId": "sg-1", "fromPort": 9083, "toPort": 9083, "ipProtocol": "tcp"},
        None,
        Expect.PASS,
        "",
        id="vpc-ingress-rule-from-security-group",
    ),
    pytest.param(SG, {"name": "sg"}, None, Expect.PASS, "", id="missing-property"),
    pytest.param(
        SG, {"ingress": [ingress(443, 443, [UNKNOWN])]}, None, Expect.UNKNOWN, "cidrBlocks[0]", id="unknown-cidr"
    ),
    pytest.param(SG, {"ingress": UNKNOWN}, None, Expect.UNKNOWN, "ingress", id="unknown-ingress"),
    pytest.param(
        SG_RULE,
        {"type": "ingress", **ingress(UNKNOWN, UNKNOWN)},
        None,
        Expect.UNKNOWN,
        "fromPort",
        id="unknown-ports-with-public-cidr",
    ),
    pytest.param(
        SG,
        {"ingress": [ingress(443, 443)]},
        {"allowedPublicPorts": [443]},
        Expect.PASS,
        "",
        id="config-override-allowed-port",
    ),
    pytest.param(
        SG,
        {"ingress": [ingress(80, 443)]},
        {"allowedPublicPorts": [80, 443]},
        Expect.FAIL,
        "ports 80-443",
        id="config-override-range-wider-than-allowed",
    ),
]


@pytest.mark.parametrize(("resource_type", "props", "config", "expected", "fragment"), CASES)
def test_check(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None, expected: Expect, fragment: str
) -> None:
    assert_outcome(RULE.evaluate(resource_type, props, config), expected, fragment)


def test_resource_policy_callback_reports_each_public_entry() -> None:
    props = {"ingress": [ingress(22, 22), ingress(8020, 8020), ingress(443, 443, ["10.0.0.0/8"])]}
    assert len(run_resource_policy(RULE, SG, props).reports) == 2
