"""The policy-config file is checked against the pack's own schemas (GetAnalyzerInfo) before the program runs:
every mistake exits 2 naming the file, the key, the value and the fix, and nothing is registered."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts import plan
from scripts.offline import layout, recorder
from scripts.offline.analyzer import PackSession, PolicyInfo
from scripts.offline.analyzer.config import check_policy_config

PACK = layout.ROOT / "policies" / "hybrid-burst-guardrails"


@pytest.fixture(scope="module")
def policies() -> Iterator[tuple[PolicyInfo, ...]]:
    with PackSession(PACK, stack="dev") as session:
        session.configure_stack()
        yield session.analyzer_info()[1]


# (file text, what the message must contain: key, value, fix)
BAD_FILES: list[tuple[str, str, list[str]]] = [
    ("invalid-json", '{"all": "mandatory",}', ["not valid JSON", "line 1 column 21", "fix:"]),
    ("not-an-object", '["all", "mandatory"]', ["top level is a JSON array", 'fix: write an object such as {"all"']),
    ("level-blocking", '{"all": "blocking"}', ['all = "blocking" is not an enforcement level', "advisory, mandatory"]),
    ("level-case", '{"all": "Advisory"}', ['all = "Advisory"', 'did you mean "advisory" (names are case-sensitive)']),
    ("level-number", '{"kms-key-rotation": 1}', ["kms-key-rotation = 1 must be an enforcement level (string)"]),
    (
        "level-in-object",
        '{"kms-key-rotation": {"enforcementLevel": "warn"}}',
        ['kms-key-rotation.enforcementLevel = "warn" is not an enforcement level'],
    ),
    (
        "rule-typo",
        '{"emr-cluster-multiple-subnet": {"minSubnets": 3}}',
        ['key "emr-cluster-multiple-subnet" is not a policy', 'did you mean "emr-cluster-multiple-subnets"?'],
    ),
    (
        "property-typo",
        '{"kms-key-rotation": {"maxRotationPeriodDay": 400}}',
        [
            'kms-key-rotation.maxRotationPeriodDay: "maxRotationPeriodDay" is not a property',
            'did you mean "maxRotationPeriodDays"?',
        ],
    ),
    (
        "property-wrong-type",
        '{"emr-cluster-multiple-subnets": {"minSubnets": "three"}}',
        ['emr-cluster-multiple-subnets.minSubnets = "three"', "is not of type 'integer'", "fix: the default is 2"],
    ),
    (
        "property-out-of-range",
        '{"kms-key-rotation": {"maxRotationPeriodDays": 30}}',
        ["kms-key-rotation.maxRotationPeriodDays = 30", "less than the minimum of 90", "fix: the default is 365"],
    ),
    (
        "property-bad-enum-item",
        '{"emr-fleet-spot-timeout": {"allowedTimeoutActions": ["TERMINATE"]}}',
        ['emr-fleet-spot-timeout.allowedTimeoutActions = ["TERMINATE"]', "is not one of"],
    ),
    (
        "properties-on-a-rule-without-any",
        '{"s3-bucket-tls-only": {"strict": true}}',
        ['s3-bucket-tls-only.strict: "strict" is not a property', "only enforcementLevel"],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_each_mistake_is_named_with_its_fix(
    tmp_path: Path, policies: tuple[PolicyInfo, ...], case: str, text: str, expected: list[str]
) -> None:
    path = tmp_path / f"policy-config.{case}.json"
    path.write_text(text)
    errors = check_policy_config(path, policies)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}: ")
    for part in expected:
        assert part in errors[0]
    assert "fix:" in errors[0]


def test_not_utf8_is_refused(tmp_path: Path, policies: tuple[PolicyInfo, ...]) -> None:
    path = tmp_path / "policy-config.latin1.json"
    path.write_bytes('{"all": "mandatory", "x": "caf\u00e9"}'.encode("latin-1"))
    (error,) = check_policy_config(path, policies)
    assert "cannot be read as UTF-8" in error


@pytest.mark.parametrize("stack", layout.stacks())
def test_the_shipped_configs_are_clean(stack: str, policies: tuple[PolicyInfo, ...]) -> None:
    assert check_policy_config(layout.policy_config(stack), policies) == []


def _stacks_with_policy_config(tmp_path: Path, document: Any) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    shutil.copy(layout.stack_file("dev"), layout.stack_file("bad", stacks))
    text = document if isinstance(document, str) else json.dumps(document)
    layout.policy_config("bad", stacks).write_text(text)
    return stacks


@pytest.mark.parametrize(
    ("document", "key"),
    [
        (
            {"all": "mandatory", "kms-key-rotation": {"maxRotationPeriodDays": "365"}},
            "kms-key-rotation.maxRotationPeriodDays",
        ),
        ({"all": "mandatory", "sg-no-public-ingres": "advisory"}, 'did you mean "sg-no-public-ingress"'),
        ('{"all": ', "not valid JSON"),
    ],
)
def test_plan_exits_2_before_the_program_registers_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, document: Any, key: str
) -> None:
    stacks = _stacks_with_policy_config(tmp_path, document)
    recorded: list[str] = []
    real_record = recorder.record
    monkeypatch.setattr(recorder, "record", lambda *a, **k: recorded.append("run") or real_record(*a, **k))
    code = plan.main(["--stack", "bad", "--stacks-dir", str(stacks), "--report", str(tmp_path / "r.md")])
    err = capsys.readouterr().err
    assert code == plan.EXIT_CONFIG
    assert str(layout.policy_config("bad", stacks)) in err
    assert key in err
    assert "Traceback" not in err
    assert recorded == [], "the program never ran: zero resources registered"
    assert not (tmp_path / "r.md").exists()
