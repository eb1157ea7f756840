"""The pack's servicer (type dispatch, one conversion per message) answers every request exactly as pulumi-policy's
stock servicer does over the same policies: the recorded stacks and the broken variant, preview and update, each
stack's config and a config that enables every rule."""

from __future__ import annotations

import json
import threading
from typing import Any

import pulumi_policy.policy as sdk
import pytest
from google.protobuf import json_format
from hybrid_burst_guardrails.core import servicer as pack_servicer
from hybrid_burst_guardrails.pack import PACK_NAME, build_servicer
from hybrid_burst_guardrails.registry import build_registry
from pulumi.runtime.proto import analyzer_pb2

from scripts.offline.analyzer import load_records
from scripts.offline.analyzer.inprocess import InProcessPack
from scripts.offline.analyzer.marshal import Marshaller, as_dict
from scripts.offline.layout import policy_config
from tests.plan_cache import recorded
from tests.policies.guardrail_harness import FIXTURES, PACK_DIR, UNKNOWN

STACKS = ("dev", "staging", "prod")


def records_of(source: str) -> list[dict[str, Any]]:
    if source == "broken":
        return [as_dict(r) for r in load_records(FIXTURES / "broken_stack.json")]
    return [as_dict(r) for r in recorded(source).resources]


def configured_pair(config: dict[str, Any], stack: str) -> tuple[Any, Any]:
    """The stock and the pack's servicer, each configured by the harness the way the CLI configures a pack."""
    pair = []
    for stock in (True, False):
        session = InProcessPack(PACK_DIR, build_servicer(stock=stock), stack=stack)
        session.evaluate([], config=config)  # ConfigureStack, GetAnalyzerInfo, Configure (no resource)
        pair.append(session.servicer)
    return pair[0], pair[1]


@pytest.mark.parametrize("source", [*STACKS, "broken"])
@pytest.mark.parametrize("config_of", ["own", "all-mandatory"])
def test_same_responses_as_the_stock_servicer(source: str, config_of: str) -> None:
    stack = "prod" if source == "broken" else source
    config = json.loads(policy_config(stack).read_text()) if config_of == "own" else {"all": "mandatory"}
    stock, ours = configured_pair(config, stack)
    records = records_of(source)
    marshal = Marshaller(records)
    analyzed = 0
    for record in records:
        request = marshal.analyze_request(record)
        expected = stock.Analyze(request, None)
        assert ours.Analyze(request, None) == expected, record["urn"]
        analyzed += len(expected.diagnostics)
    stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[marshal.stack_resource(r) for r in records])
    expected = stock.AnalyzeStack(stack_request, None)
    assert ours.AnalyzeStack(stack_request, None) == expected
    # prod passes every rule since it has Kerberos and closed default groups (issues 13, 14): not silence but clean.
    if source == "broken" or (config_of == "all-mandatory" and source != "prod"):
        # A shipped stack may be clean under its own config (dev is, since its default security groups are
        # closed); the broken variant and the every-rule config keep the comparison from being only silence.
        assert analyzed + len(expected.diagnostics) > 0, "the comparison must include findings, not only silence"


def test_unknown_values_give_the_same_advisory_notes() -> None:
    stock, ours = configured_pair({"all": "mandatory"}, "dev")
    record = {
        "urn": "urn:pulumi:dev::hybrid-burst::aws:ec2/securityGroup:SecurityGroup::sg",
        "type": "aws:ec2/securityGroup:SecurityGroup",
        "name": "sg",
        "custom": True,
        "inputs": {"ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": [UNKNOWN]}]},
    }
    request = Marshaller([record]).analyze_request(record)
    expected = stock.Analyze(request, None)
    assert expected.diagnostics, "the unknown CIDR gives an advisory note"
    assert ours.Analyze(request, None) == expected


def test_a_type_no_resource_rule_reads_gets_the_empty_response_the_stock_loop_gives() -> None:
    stock, ours = configured_pair({"all": "mandatory"}, "dev")
    record = {"urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "type": "aws:sqs/queue:Queue", "name": "q"}
    request = Marshaller([record]).analyze_request(record)
    assert ours.Analyze(request, None) == stock.Analyze(request, None) == analyzer_pb2.AnalyzeResponse()


def test_every_resource_rule_is_dispatched_for_each_of_its_types() -> None:
    servicer = build_servicer()
    for rule in build_registry():
        if rule.to_policy().__class__.__name__ != "ResourceValidationPolicy":
            continue
        for type_ in rule.resource_types:
            child = servicer._by_type[type_]
            names = [p.name for p in child._PolicyAnalyzerServicer__policies]
            assert rule.id in names, (rule.id, type_)


def test_the_version_reported_is_the_packs() -> None:
    from hybrid_burst_guardrails import __version__

    info = build_servicer().GetAnalyzerInfo(None, None)
    assert (info.name, info.version) == (PACK_NAME, __version__)


def test_the_memo_is_per_request_and_per_thread() -> None:
    """Outside a request, and on another thread during one, MessageToDict converts afresh."""
    memo = pack_servicer._install_memo()
    assert sdk.json_format is memo
    struct = analyzer_pb2.AnalyzeRequest(type="t").properties
    struct.update({"a": 1})
    assert memo.MessageToDict(struct) is not memo.MessageToDict(struct)
    seen: list[Any] = []
    with memo.per_request():
        first = memo.MessageToDict(struct)
        assert memo.MessageToDict(struct) is first
        worker = threading.Thread(target=lambda: seen.append(memo.MessageToDict(struct)))
        worker.start()
        worker.join()
    assert seen[0] == first
    assert seen[0] is not first
    assert memo.MessageToDict(struct) is not first
    assert memo.MessageToDict(struct) == json_format.MessageToDict(struct)


def test_what_the_servicer_relies_on_in_pulumi_policy_exists() -> None:
    """A pulumi-policy release that renames these fails here rather than changing the pack's behaviour."""
    assert pack_servicer.StockServicer is sdk._PolicyAnalyzerServicer
    assert hasattr(sdk, "_GRPC_CHANNEL_OPTIONS")
    for name in ("Analyze", "AnalyzeStack", "Configure", "ConfigureStack", "GetAnalyzerInfo"):
        assert callable(getattr(sdk._PolicyAnalyzerServicer, name))
    assert isinstance(sdk.json_format, pack_servicer._MemoJsonFormat | type(json_format))


def test_the_pack_process_uses_the_projects_gc_thresholds() -> None:
    import gc

    from scripts.offline import gc_policy

    assert pack_servicer.GC_THRESHOLDS == gc_policy.THRESHOLDS, "one collector policy for the plan and the pack"
    before = gc.get_threshold()
    try:
        pack_servicer.apply_gc_policy()
        assert gc.get_threshold() == gc_policy.THRESHOLDS
    finally:
        gc.set_threshold(*before)
