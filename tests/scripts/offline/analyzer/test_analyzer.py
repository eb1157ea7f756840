"""scripts/offline/analyzer/: config reconciliation as the CLI does it, marshalling, and the pack process."""

from __future__ import annotations

import json
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from pulumi.runtime.proto import analyzer_pb2, engine_pb2, engine_pb2_grpc

from scripts.offline import analyzer
from scripts.offline.analyzer import (
    PackResult,
    PackStartError,
    PolicyConfigError,
    PolicyInfo,
    mandatory_violations,
    parse_policy_config,
    reconcile_config,
    run_pack,
    session,
)
from scripts.offline.analyzer import __main__ as cli
from scripts.offline.analyzer import marshal as wire_marshal

REPO = Path(__file__).resolve().parents[4]
PACK = REPO / "policies" / "hybrid-burst-guardrails"
PROVIDER_URN = "urn:pulumi:dev::hybrid-burst::pulumi:providers:aws::compute"


def policy(name: str, level: str = "mandatory", **props: dict[str, Any]) -> PolicyInfo:
    schema = {"properties": props} if props else {}
    return PolicyInfo(name, "d", level, "high", "resource", "fix", (), schema)


def rec(type_: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:dev::hybrid-burst::{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "id": f"{name}-id",
        "parent": None,
        "provider": None,
        "region": None,
        "inputs": inputs,
        "outputs": {**inputs, "id": f"{name}-id"},
        "dependencies": [],
        "property_dependencies": {},
        "options": {},
        "secret_paths": [],
        **extra,
    }


# --- policy-pack config ----------------------------------------------------------------------------------------
def test_parse_accepts_strings_and_objects_and_drops_empty_entries() -> None:
    parsed = parse_policy_config({"all": "mandatory", "a": {"enforcementLevel": "advisory", "n": 3}, "b": {}})
    assert parsed == {
        "all": {"enforcementLevel": "mandatory", "properties": {}},
        "a": {"enforcementLevel": "advisory", "properties": {"n": 3}},
    }


@pytest.mark.parametrize(
    "document", [{"all": "strict"}, {"a": {"enforcementLevel": 1}}, {"a": 3}], ids=["level", "type", "value"]
)
def test_parse_refuses_what_the_cli_refuses(document: dict[str, Any]) -> None:
    with pytest.raises(PolicyConfigError):
        parse_policy_config(document)


def test_reconcile_layers_defaults_initial_config_then_file_with_all_first() -> None:
    policies = [
        policy("a", minimum={"type": "integer", "default": 5}),
        policy("b", "advisory", flag={"type": "boolean", "default": False}),
    ]
    initial = {"a": {"enforcementLevel": None, "properties": {"minimum": 7}}}
    given = parse_policy_config({"all": "advisory", "b": {"enforcementLevel": "disabled", "flag": True}})
    config, unknown = reconcile_config(policies, initial, given)
    assert config["a"] == {"enforcementLevel": "advisory", "properties": {"minimum": 7}}
    assert config["b"] == {"enforcementLevel": "disabled", "properties": {"flag": True}}
    assert config["all"]["enforcementLevel"] == "advisory"  # the CLI sends the "all" entry too
    assert unknown == []


def test_reconcile_reports_keys_that_name_no_policy() -> None:
    _, unknown = reconcile_config([policy("a")], {}, parse_policy_config({"typo-rule": "mandatory"}))
    assert unknown == ["typo-rule"]


def test_reconcile_validates_against_each_schema() -> None:
    policies = [policy("a", minimum={"type": "integer", "minimum": 1, "default": 5})]
    with pytest.raises(PolicyConfigError, match="a: 0 is less than the minimum of 1"):
        reconcile_config(policies, {}, parse_policy_config({"a": {"minimum": 0}}))


# --- marshalling -----------------------------------------------------------------------------------------------
def test_secrets_are_wrapped_in_the_secret_signature() -> None:
    struct = wire_marshal._struct({"password": "x", "name": "n"}, ["password"])
    as_dict = json.loads(json.dumps(dict(struct.items()), default=lambda s: dict(s.items())))
    assert as_dict["password"] == {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x"}
    assert as_dict["name"] == "n"


@pytest.mark.parametrize(("value", "seconds"), [("1h30m", 5400.0), ("45s", 45.0), (12, 12.0), (None, 0.0)])
def test_custom_timeouts_become_seconds(value: object, seconds: float) -> None:
    assert wire_marshal._seconds(value) == seconds


def test_requests_carry_provider_options_and_dependencies() -> None:
    provider = rec("pulumi:providers:aws", "compute", {"region": "us-east-1"})
    bucket = rec(
        "aws:s3/bucket:Bucket",
        "b",
        {},
        provider=f"{PROVIDER_URN}::prov-id",
        parent="urn:parent",
        options={"protect": True, "customTimeouts": {"create": "10m"}},
    )
    sse = rec(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "s",
        {"bucket": "b-id"},
        dependencies=[bucket["urn"]],
        property_dependencies={"bucket": [bucket["urn"]], "rules": []},
    )
    marshal = wire_marshal.Marshaller([provider, bucket, sse])
    request = marshal.analyze_request(bucket)
    assert request.provider.urn == PROVIDER_URN
    assert request.provider.properties["region"] == "us-east-1"
    assert request.options.protect
    assert request.options.parent == "urn:parent"
    assert request.options.customTimeouts.create == 600.0
    stack_resource = marshal.stack_resource(sse)
    assert list(stack_resource.dependencies) == [bucket["urn"]]
    assert dict(stack_resource.propertyDependencies)["bucket"].urns == [bucket["urn"]]
    assert "rules" not in stack_resource.propertyDependencies  # the engine skips empty dependency lists
    assert stack_resource.properties["id"] == "s-id"  # AnalyzeStack sends outputs


def test_records_load_from_a_list_or_a_plan_object(tmp_path: Path) -> None:
    one = rec("aws:kms/key:Key", "k", {})
    (tmp_path / "list.json").write_text(json.dumps([one]))
    (tmp_path / "plan.json").write_text(json.dumps({"resources": [one], "outputs": {}}))
    assert analyzer.load_records(tmp_path / "list.json") == analyzer.load_records(tmp_path / "plan.json") == [one]


def test_engine_service_answers_log_calls() -> None:
    engine = session._Engine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            engine_pb2_grpc.EngineStub(channel).Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message="hi"))
    finally:
        server.stop(None)
    assert engine.logs == ["warning: hi"]


# --- the pack process ------------------------------------------------------------------------------------------
class _Recorded:
    """Duck-typed RecordedResource (anything with ``to_dict()``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)


def test_run_pack_end_to_end_returns_structured_violations_counts_and_timings(tmp_path: Path) -> None:
    key = rec("aws:kms/key:Key", "k", {"enableKeyRotation": False})
    topic = rec("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/a"})
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"all": "mandatory"}))
    result = run_pack(PACK, [_Recorded(key), topic], config_file=config, stack="dev")
    assert isinstance(result, PackResult)
    assert result.pack == "hybrid-burst-guardrails"
    declared = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())["version"]
    assert result.version == declared  # from PulumiPolicy.yaml, as the CLI reports it
    assert result.handshake == "unimplemented"
    assert result.resources == result.analyze_calls == 2
    violations = mandatory_violations(result)
    assert [(v.policy_name, v.urn, v.pack, v.phase) for v in violations] == [
        ("kms-key-rotation", key["urn"], "hybrid-burst-guardrails", "analyze")
    ]
    assert violations[0].detail.startswith("Key rotation is not enabled")
    assert result.counts() == {
        "mandatory": 1,
        "advisory": 0,
        "preview_notes": 0,
        "resources": 2,
        "policies": len(result.policies),
    }
    timings = result.timings
    assert timings.start_s > 0
    assert timings.total_s >= timings.start_s + timings.analyze_s + timings.analyze_stack_s
    assert result.ms_per_resource > 0
    assert json.loads(json.dumps(result.to_dict()))["counts"]["mandatory"] == 1
    assert "kms-key-rotation" in result.summary()


def test_a_pack_that_fails_to_start_reports_its_stderr(tmp_path: Path) -> None:
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text("raise SystemExit('boom: missing dependency')\n")
    with pytest.raises(PackStartError, match="boom: missing dependency"):
        run_pack(pack, [], config_file=None, stack="dev")


def test_pack_python_prefers_the_packs_virtualenv(tmp_path: Path) -> None:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime:\n  name: python\n  options:\n    virtualenv: venv\n")
    assert analyzer.pack_python(tmp_path) == sys.executable
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    assert analyzer.pack_python(tmp_path) == str(python)


def test_cli_exit_code_follows_mandatory_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([rec("aws:kms/key:Key", "k", {"enableKeyRotation": True})]))
    assert cli.main([str(records), "--pack", str(PACK), "--stack", "dev"]) == 0
    assert "0 mandatory" in capsys.readouterr().out
    records.write_text(json.dumps([rec("aws:kms/key:Key", "k", {})]))
    assert cli.main([str(records), "--pack", str(PACK), "--stack", "dev", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["counts"]["mandatory"] == 1


def test_analyzer_levels_map_to_the_proto_enum() -> None:
    assert analyzer.ENFORCEMENT_LEVELS == {
        "advisory": analyzer_pb2.ADVISORY,
        "mandatory": analyzer_pb2.MANDATORY,
        "remediate": analyzer_pb2.REMEDIATE,
        "disabled": analyzer_pb2.DISABLED,
    }
