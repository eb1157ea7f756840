"""core.coerce: booleans and numbers as the provider reads them (Go strconv semantics), and every rule uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hybrid_burst_guardrails.core.coerce import INVALID, describe, provider_bool, provider_float, provider_int
from hybrid_burst_guardrails.core.unknowns import UNKNOWN

from tests.policies.guardrail_harness import PACK_DIR


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (None, None),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("t", True),
        ("1", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("f", False),
        ("0", False),
        ("", False),
        (0, False),
        (1, True),
        (1.0, True),
        ("yes", INVALID),
        ("tRuE", INVALID),  # Go's ParseBool is not case-insensitive
        (" true", INVALID),
        (2, INVALID),
        (UNKNOWN, INVALID),
    ],
)
def test_provider_bool(value: object, expected: object) -> None:
    assert provider_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30, 30),
        (30.0, 30),
        ("30", 30),
        ("+30", 30),
        ("-1", -1),
        ("0", 0),
        ("", 0),
        ("030", 24),  # a leading 0 is octal for ParseInt(s, 0, 0)
        ("0x1e", 30),
        ("0o36", 30),
        ("0b11110", 30),
        ("1_000", 1000),
        (None, None),
        ("30 days", INVALID),
        (" 30", INVALID),
        ("3.5", INVALID),
        ("08", INVALID),  # not a valid octal literal
        ("_1", INVALID),
        (True, INVALID),
        (UNKNOWN, INVALID),
    ],
)
def test_provider_int(value: object, expected: object) -> None:
    assert provider_int(value) == expected if expected is not INVALID else provider_int(value) is INVALID


@pytest.mark.parametrize(
    ("value", "expected"), [(80, 80.0), ("75.5", 75.5), ("1e2", 100.0), ("", 0.0), ("abc", INVALID), (None, None)]
)
def test_provider_float(value: object, expected: object) -> None:
    assert provider_float(value) == expected if expected is not INVALID else provider_float(value) is INVALID


def test_describe_names_the_reading() -> None:
    assert describe("false") == '"false" (a string the provider reads as false)'
    assert describe(False) == "False"


RULES_DIR = PACK_DIR / "hybrid_burst_guardrails"


#: Comparisons with True/False that are not provider properties: IAM condition values in a bucket policy document
#: (IAM's own string semantics) and the rule's own list of verdicts.
NOT_PROVIDER_PROPERTIES = {("s3_bucket_tls_only", "v")}
READINGS = ("provider_bool(", "json_bool(", "reading")


def _rule_files() -> list[Path]:
    return [p for p in RULES_DIR.glob("*/*.py") if p.parent.name != "core" and p.name != "__init__.py"]


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: p.stem)
def test_rules_read_booleans_and_numbers_through_the_shared_helper(path: Path) -> None:
    """No rule compares a property to True/False with ``is``/``==`` or calls int()/bool() on one itself."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Call):
            continue
        if isinstance(node, ast.Compare):
            for comparator in node.comparators:
                if isinstance(comparator, ast.Constant) and isinstance(comparator.value, bool):
                    left = ast.unparse(node.left)
                    allowed = left.startswith(READINGS) or (path.stem, left) in NOT_PROVIDER_PROPERTIES
                    assert allowed, (
                        f"{path.name}:{node.lineno}: compare a property with True/False through provider_bool "
                        f"({ast.unparse(node)})"
                    )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"bool", "float"}:
            arg = ast.unparse(node.args[0]) if node.args else ""
            assert "props" not in arg, f"{path.name}:{node.lineno}: {ast.unparse(node)}"
            assert ".get(" not in arg, f"{path.name}:{node.lineno}: {ast.unparse(node)}"
