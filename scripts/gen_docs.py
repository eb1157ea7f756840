"""Generate the reference docs from the code, so they cannot drift from it.

- ``docs/configuration.md``: every stack-config key (YAML spelling), its type, its default and the value each
  environment preset gives it, from the pydantic models' fields and attribute docstrings.
- ``docs/components.md``: every component's inputs (its ``*Args`` dataclass: field, type, default, docstring) and
  outputs (its ``pulumi.Output`` attributes), parsed from the source with ``ast``.

    python scripts/gen_docs.py          # rewrite both files
    python scripts/gen_docs.py --check  # exit 1 if either is stale (CI and tests)
"""

from __future__ import annotations

import argparse
import ast
import functools
import inspect
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.config import stack as stack_cfg  # noqa: E402

DOCS = ROOT / "docs"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in typing.get_args(annotation))
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(annotation)
        return f"list[{_type_name(args[0])}]" if args else "list"
    if origin is dict:
        k, v = typing.get_args(annotation)
        return f"map[{_type_name(k)}, {_type_name(v)}]"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for candidate in [annotation, *typing.get_args(annotation)]:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        inner = typing.get_args(candidate)
        for sub in inner:
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                return sub
    return None


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        try:
            value = field.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return "(computed)"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(object)"
    return f"`{json.dumps(value, default=str)}`"


def _preset_value(presets: dict[str, Any], path: list[str]) -> str:
    node: Any = presets
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return ""
        node = node[part]
    if isinstance(node, dict):
        return ""
    text = json.dumps(node)
    return f"`{text if len(text) <= 60 else text[:57] + '...'}`"


@functools.cache
def _attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Each field's attribute docstring (the string literal under it), this class's and its bases'.

    Read from the source here, not by pydantic: the config models leave ``use_attribute_docstrings`` off, because
    it re-reads the source of every model class in every process that loads the config (docs/performance.md)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(cls)))
        except (OSError, TypeError):  # no source (built-in or generated class): no docstrings
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                text = _docstring_after(body, i)
                if text:
                    docs[stmt.target.id] = inspect.cleandoc(text)
    return docs


def _walk(model: type[BaseModel], path: list[str], presets: dict[str, dict[str, Any]], rows: list[str]) -> None:
    docs = _attribute_docstrings(model)
    for name, field in model.model_fields.items():
        key = field.alias or name
        sub = [*path, key]
        nested = _model_of(field.annotation)
        env_values = " / ".join(_preset_value(presets[e], sub[1:]) or "-" for e in stack_cfg.ENVIRONMENTS)
        rows.append(
            f"| `{'.'.join(sub)}` | {_type_name(field.annotation)} | {_default(field)} | {env_values} | "
            f"{_cell(field.description or docs.get(name, ''))} |"
        )
        if nested is not None:
            _walk(nested, sub, presets, rows)


def configuration_md() -> str:
    out = [
        "# Stack configuration reference",
        "",
        "<!-- generated by scripts/gen_docs.py from components/config/; do not edit by hand -->",
        "",
        (
            "Every stack file (`stacks/Pulumi.<stack>.yaml`) names an environment preset with "
            "`hybrid-burst:environment` (`dev`, `staging` or `prod`). Each section starts from that preset; the stack "
            "file overrides it key by key (objects merge, lists and scalars replace). Unknown keys are rejected. "
            "Validate offline with `python scripts/plan.py --stack <stack>`."
        ),
        "",
        "| top-level key | meaning |",
        "|---|---|",
        "| `hybrid-burst:environment` | `dev`, `staging` or `prod`: the preset every section starts from. Required. |",
        (
            "| `hybrid-burst:protect` | protect and retain stateful resources. Preset: dev `false`, staging `false`, "
            "prod `true`. |"
        ),
    ]
    for section, (model, _) in stack_cfg._SECTIONS.items():
        summary = (model.__doc__ or "").strip().splitlines()
        out.append(f"| `hybrid-burst:{section}` | {_cell(summary[0] if summary else '')} |")
    for section, (model, presets) in stack_cfg._SECTIONS.items():
        rows: list[str] = []
        _walk(model, [f"hybrid-burst:{section}"], presets, rows)
        out += [
            "",
            f"## `hybrid-burst:{section}`",
            "",
            "| key | type | default | preset dev / staging / prod | description |",
            "|---|---|---|---|---|",
            *rows,
        ]
    return "\n".join(out) + "\n"


def _docstring_after(body: list[ast.stmt], index: int) -> str:
    if index + 1 < len(body):
        nxt = body[index + 1]
        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            return nxt.value.value
    return ""


def components_md() -> str:
    out = [
        "# Component reference",
        "",
        "<!-- generated by scripts/gen_docs.py from components/; do not edit by hand -->",
        "",
        (
            "Each component lives in `components/<domain>/<module>.py`, with type token "
            "`hybrid-burst:<domain>:<Class>` and a frozen keyword-only `<Class>Args` dataclass."
        ),
    ]
    for path in sorted((ROOT / "components").rglob("*.py")):
        if path.name == "__init__.py" or "config" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text())
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        comps = [c for c in classes if any(ast.unparse(b).endswith("ComponentResource") for b in c.bases)]
        for comp in comps:
            rel = path.relative_to(ROOT)
            out += ["", f"## `{comp.name}` ({rel})", "", _cell(ast.get_docstring(comp) or ""), ""]
            args = next((c for c in classes if c.name == f"{comp.name}Args"), None)
            if args is not None:
                out += [
                    "**Inputs** (`" + args.name + "`)",
                    "",
                    "| input | type | default | description |",
                    "|---|---|---|---|",
                ]
                for i, stmt in enumerate(args.body):
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                        default = "**required**" if stmt.value is None else f"`{ast.unparse(stmt.value)}`"
                        out.append(
                            f"| `{stmt.target.id}` | `{_cell(ast.unparse(stmt.annotation))}` | {_cell(default)} | "
                            f"{_cell(_docstring_after(args.body, i))} |"
                        )
                out.append("")
            outputs = [s for s in comp.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            if outputs:
                out += ["**Outputs**", "", "| output | type |", "|---|---|"]
                out += [f"| `{s.target.id}` | `{_cell(ast.unparse(s.annotation))}` |" for s in outputs]  # type: ignore[union-attr]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated doc is stale")
    args = parser.parse_args(argv)
    targets = {DOCS / "configuration.md": configuration_md(), DOCS / "components.md": components_md()}
    stale = [p for p, text in targets.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)} (run python scripts/gen_docs.py)", file=sys.stderr)
        return 1 if stale else 0
    DOCS.mkdir(exist_ok=True)
    for p, text in targets.items():
        p.write_text(text)
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
