"""House-style invariants checked over every component module and over a recorded stack."""

from __future__ import annotations

import ast
import gc
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.offline.recorder import Plan

ROOT = Path(__file__).resolve().parents[2]
COMPONENT_FILES = sorted(
    p for p in (ROOT / "components").rglob("*.py") if p.name != "__init__.py" and "config" not in p.parts
)
STACK_FILES = sorted((ROOT / "stack").glob("*.py"))
MAX_MODULE_LINES = 450
MAX_MAIN_LINES = 150


def _parse(path: Path) -> ast.Module:
    """``ast.parse`` with the garbage collector paused.

    A collection during AST construction can finalize an asyncio future left by an earlier failing Pulumi program;
    its "exception was never retrieved" log formats a traceback, which re-enters the AST constructor and makes
    CPython 3.11 raise ``SystemError: AST constructor recursion depth mismatch`` (seen under xdist).
    """
    gc.disable()
    try:
        return ast.parse(path.read_text())
    finally:
        gc.enable()


def _component_classes(path: Path) -> list[ast.ClassDef]:
    tree = _parse(path)
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("ComponentResource") for base in node.bases)
    ]


@pytest.mark.parametrize("path", COMPONENT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_component_token_matches_class_and_register_outputs_is_last(path: Path) -> None:
    classes = _component_classes(path)
    assert len(classes) <= 1, f"{path}: one component per module"
    for cls in classes:
        init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
        source = ast.unparse(init)
        domain = path.parent.name
        token = re.search(r"super\(\).__init__\('([^']+)'", source)
        assert token, f"{cls.name}: super().__init__ with a literal type token"
        assert token.group(1) == f"hybrid-burst:{domain}:{cls.name}", f"{cls.name}: token {token.group(1)}"
        last = init.body[-1]
        assert "register_outputs" in ast.unparse(last), f"{cls.name}: register_outputs must be the last statement"
        assert source.count("register_outputs") == 1, f"{cls.name}: register_outputs exactly once"


def test_no_resources_created_inside_apply() -> None:
    """A resource constructor inside a lambda passed to .apply() is invisible to preview."""
    offenders = []
    for path in [*COMPONENT_FILES, *STACK_FILES, ROOT / "__main__.py"]:
        tree = _parse(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "apply":
                for arg in node.args:
                    text = ast.unparse(arg)
                    if re.search(r"\baws\.[a-z0-9_]+\.[A-Z]\w*\(", text):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_custom_resource_has_an_explicit_regional_provider_and_a_component_parent(
    run_stack: Callable[..., Plan], stack: str
) -> None:
    plan = run_stack(stack)
    assert plan.custom_resources, "the stack registers resources"
    for res in plan.custom_resources:
        if res.type.startswith("aws:"):
            assert res.region in {"us-west-1", "us-east-1"}, f"{res.urn} has no explicit regional provider"
        assert plan.component_of(res) is not None, f"{res.urn} is not inside a hybrid-burst component"


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "components").rglob("*.py")) + STACK_FILES + sorted((ROOT / "scripts").rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it along its concerns"


def test_main_is_a_short_composition() -> None:
    lines = (ROOT / "__main__.py").read_text().splitlines()
    assert len(lines) < MAX_MAIN_LINES
    assert "pulumi.export" not in "\n".join(lines), "outputs are declared in stack/outputs.py"


def test_stack_layer_defines_no_components() -> None:
    """Plain functions keep every URN: a ComponentResource in stack/ would re-parent everything below it."""
    for path in STACK_FILES:
        assert _component_classes(path) == [], f"{path.name} defines a ComponentResource"


def test_main_sets_the_collector_policy_before_importing_the_program() -> None:
    """``pulumi preview``/``up`` run ``__main__.py`` in the language host: the GC policy the plan is measured with
    (scripts/offline/gc_policy.py) must be in force before the stack layer imports the provider SDKs."""
    body = _parse(ROOT / "__main__.py").body
    calls = [i for i, node in enumerate(body) if "gc_policy.apply()" in ast.unparse(node)]
    imports_stack = [i for i, node in enumerate(body) if isinstance(node, ast.Import) and "stack" in ast.unparse(node)]
    assert calls, "__main__.py does not apply the GC policy"
    assert imports_stack, "__main__.py does not import the stack layer"
    assert calls[0] < imports_stack[0]
