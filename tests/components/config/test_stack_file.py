"""The strict stack-file reader: every broken file is a StackFileError naming the line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.config import stack
from components.config.stack_file import (
    _PROJECT_SECTIONS,
    StackFileError,
    parse_stack_text,
    read_stack_file,
)
from scripts.offline.recorder import STACKS_DIR, available_stacks

P = Path("Pulumi.t.yaml")


def _err(text: bytes | str) -> StackFileError:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(StackFileError) as caught:
        parse_stack_text(P, data)
    return caught.value


@pytest.mark.parametrize(
    ("text", "where", "phrase"),
    [
        pytest.param("config:\n  hybrid-burst:regions: [us-east-1,\n", "line 3", "unclosed", id="unclosed-flow-list"),
        pytest.param("config:\n\thybrid-burst:environment: dev\n", "line 2", "tabs", id="tab-indentation"),
        pytest.param(
            "config:\n  hybrid-burst:environment: dev\n   hybrid-burst:protect: true\n",
            "line 3",
            "indentation",
            id="bad-indentation",
        ),
        pytest.param("config: {}\n---\nconfig: {}\n", "line 2", "second YAML document", id="two-documents"),
        pytest.param("config:\n  hybrid-burst:environment: !Ref Env\n", "line 2", "!Ref", id="cloudformation-tag"),
        pytest.param(
            "config:\n  x: !!python/object/apply:os.system ['true']\n", "line 2", "constructor", id="python-tag"
        ),
        pytest.param(b"config:\n  hybrid-burst:environment: d\xe9v\n", "line 2", "not UTF-8", id="latin-1"),
        pytest.param("- config\n- dev\n", "line 1", "top level is a list", id="top-level-list"),
        pytest.param("just a string\n", "line 1", "top level is a string", id="top-level-scalar"),
        pytest.param("config:\n  - hybrid-burst:environment\n", "line 1, config", "not a list", id="config-list"),
        pytest.param("config: dev\n", "line 1, config", "not a string", id="config-scalar"),
        pytest.param(
            "config:\n  hybrid-burst:environment: dev\n  hybrid-burst:environment: prod\n",
            "line 3, config.hybrid-burst:environment",
            "duplicate key",
            id="duplicate-top-key",
        ),
        pytest.param(
            "config:\n  hybrid-burst:network:\n    onprem: {cidr: 10.1.0.0/16}\n    onprem: {cidr: 10.2.0.0/16}\n",
            "line 4, config.hybrid-burst:network.onprem",
            "first written on line 3",
            id="duplicate-nested-key",
        ),
        pytest.param(
            "hybrid-burst:environment: dev\n",
            "line 1, hybrid-burst:environment",
            "belong under config:",
            id="no-config",
        ),
        pytest.param("environment: dev\nregions: {}\n", "line 2, regions", "belong under config:", id="bare-section"),
        pytest.param("confg:\n  hybrid-burst:environment: dev\n", "line 1, confg", "did you mean config?", id="typo"),
        pytest.param("", "file", "empty", id="empty-file"),
    ],
)
def test_broken_stack_files_name_the_line(text: bytes | str, where: str, phrase: str) -> None:
    err = _err(text)
    assert err.keys[0] == where, str(err)
    assert phrase in str(err)
    assert "Traceback" not in str(err)


def test_every_problem_is_reported_at_once() -> None:
    err = _err("hybrid-burst:environment: dev\nconfg: {}\n")
    assert err.keys == ["line 1, hybrid-burst:environment", "line 2, confg"]


def test_lines_of_config_keys_are_recorded() -> None:
    text = "# c\nconfig:\n  hybrid-burst:environment: dev\n  hybrid-burst:network:\n    compute:\n      cidr: x\n"
    sf = parse_stack_text(P, text.encode())
    assert sf.config["hybrid-burst:environment"] == "dev"
    assert sf.lines["hybrid-burst:network.compute.cidr"] == 6
    assert sf.line_of("hybrid-burst:network.compute.cidr.extra") == 6
    assert sf.line_of("hybrid-burst:emr") is None


def test_empty_config_and_yaml_merge_keys_are_accepted() -> None:
    assert parse_stack_text(P, b"config:\n").config == {}
    text = "base: &b {onprem: us-west-1}\nconfig:\n  hybrid-burst:regions:\n    <<: *b\n    compute: us-east-1\n"
    err = _err(text)  # ``base`` is not a stack-file key; the merge itself is fine
    assert err.keys == ["line 1, base"]


def test_a_missing_file_is_a_stack_file_error(tmp_path: Path) -> None:
    with pytest.raises(StackFileError, match="cannot be read"):
        read_stack_file(tmp_path / "Pulumi.none.yaml")


@pytest.mark.parametrize("name", available_stacks())
def test_the_shipped_stack_files_read_cleanly(name: str) -> None:
    sf = read_stack_file(STACKS_DIR / f"Pulumi.{name}.yaml")
    assert sf.config["hybrid-burst:environment"] in stack.ENVIRONMENTS


def test_project_sections_match_the_model() -> None:
    assert frozenset(stack.KNOWN_KEYS) == _PROJECT_SECTIONS
