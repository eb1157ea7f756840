"""Diff two offline plans: what a change to the program or its config adds, removes, changes and replaces.

``python scripts/plan.py --stack prod --diff BASE`` records the working tree's plan and compares it with the plan
recorded at ``BASE``: a git revision (the program and stack files at that commit are recorded in a temporary
``git archive`` of it, by that revision's own ``scripts/plan.py``, in a subprocess of the same interpreter) or a
record file written by ``plan.py --json`` (``{stack}`` in the path is substituted).

Resources are matched by URN. For a changed resource the diff lists the input paths that differ (JSON strings
such as IAM policies are compared as JSON), with secret inputs masked (the recorder knows which inputs were
secret and their values, so a secret never appears, not even copied into another input). A changed input that
forces a new resource of a stateful or slow type is flagged from ``force_new.FORCE_NEW``, our own cited table.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import layout
from .force_new import FORCE_NEW, NOTE, replacing_inputs, top_key

SECRET = "[secret]"  # noqa: S105 - the mask shown in place of a secret, not a password
_WIDTH = 100  # characters of a value shown per side


class BadBaseError(Exception):
    """The diff base is neither a readable record file nor a git revision that plans."""


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any
    secret: bool = False


@dataclass(frozen=True)
class Changed:
    urn: str
    type: str
    changes: list[Change]
    replaced_by: list[str]  # force-new inputs among the changes (our table)


@dataclass
class StackDiff:
    stack: str
    base: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    """(old URN, new URN) pairs the new plan's aliases join: the engine moves these, it does not replace them."""
    base_missing: bool = False  # the stack has no stack file at the base

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)

    @property
    def replaced(self) -> list[Changed]:
        return [c for c in self.changed if c.replaced_by]


# --- comparing records ------------------------------------------------------------------------------------------


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _as_json(value: Any) -> Any:
    """A JSON object/array encoded in a string (policies, EMR configurations), else ABSENT."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return ABSENT
    return ABSENT


def _compare(old: Any, new: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from _compare(old.get(key, ABSENT), new.get(key, ABSENT), _child(path, key))
        return
    if isinstance(old, list) and isinstance(new, list):
        yield from _compare_lists(old, new, path)
        return
    old_json, new_json = _as_json(old), _as_json(new)
    if old_json is not ABSENT and new_json is not ABSENT:
        yield from _compare(old_json, new_json, path)
        return
    yield path, old, new


def _compare_lists(old: list[Any], new: list[Any], path: str) -> Iterator[tuple[str, Any, Any]]:
    """Element changes aligned like a text diff: an insertion shows as one added element, not a shifted tail."""
    keys_old = [json.dumps(v, sort_keys=True) for v in old]
    keys_new = [json.dumps(v, sort_keys=True) for v in new]
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:  # same length: the elements were edited in place
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                yield from _compare(old[i], new[j], _child(path, j))
            continue
        for i in range(i1, i2):
            yield _child(path, i), old[i], ABSENT
        for j in range(j1, j2):
            yield _child(path, j), ABSENT, new[j]


def _secret_values(record: dict[str, Any]) -> set[str]:
    """Every string under a secret input of ``record`` (to mask copies of it anywhere)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and len(value) >= 4:
            found.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for key in record.get("secret_paths") or []:
        walk((record.get("inputs") or {}).get(key))
    return found


def _compared_view(record: dict[str, Any]) -> dict[str, Any]:
    """What a change is measured on: the inputs, the provider and the resource options (not mock outputs)."""
    return {
        "inputs": record.get("inputs") or {},
        "provider": record.get("provider"),
        "options": record.get("options") or {},
    }


def diff_records(stack: str, base: str, old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> StackDiff:
    """Compare two recorded plans (lists of ``RecordedResource.to_dict()``) of one stack."""
    before = {r["urn"]: r for r in old}
    after = {r["urn"]: r for r in new}
    result = StackDiff(stack=stack, base=base)
    # A new URN whose aliases name a URN of the old plan that is gone is that resource, moved (``aliases``).
    origin: dict[str, str] = {}
    for urn, now in after.items():
        if urn in before:
            continue
        for alias in now.get("aliases") or []:
            if alias in before and alias not in after and alias not in origin.values():
                origin[urn] = alias
                result.moved.append((alias, urn))
                break
    result.added = [r for urn, r in after.items() if urn not in before and urn not in origin]
    result.removed = [r for urn, r in before.items() if urn not in after and urn not in origin.values()]
    for urn, now in after.items():
        was = before.get(origin.get(urn, urn))
        if was is None:
            continue
        secret_keys = set(was.get("secret_paths") or []) | set(now.get("secret_paths") or [])
        ignored = (now.get("options") or {}).get("ignoreChanges") or []
        changes: list[Change] = []
        for path, a, b in _compare(_compared_view(was), _compared_view(now), ""):
            section, _, rest = path.partition(".")
            shown = rest if section == "inputs" else path
            if section == "inputs" and _ignored(rest, ignored):
                continue  # the engine keeps the old value of an ignoreChanges input: no change, no replacement
            is_secret = section == "inputs" and top_key(rest) in secret_keys
            changes.append(Change(shown, a, b, is_secret))
        if changes:
            inputs = [c.path for c in changes if not c.path.startswith(("options", "provider"))]
            result.changed.append(Changed(urn, now["type"], changes, replacing_inputs(now["type"], inputs)))
    return result


def _ignored(path: str, ignore_changes: Sequence[str]) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in ignore_changes)


# --- rendering ----------------------------------------------------------------------------------------------------


class _Masker:
    def __init__(self, records: Sequence[dict[str, Any]]) -> None:
        values: set[str] = set()
        for record in records:
            values |= _secret_values(record)
        self.values = sorted(values, key=len, reverse=True)

    def show(self, value: Any, secret: bool) -> str:
        if value is ABSENT:
            return "(absent)"
        if secret:
            return SECRET
        text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else json.dumps(value)
        for hidden in self.values:
            text = text.replace(hidden, SECRET)
        return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."


def _stateful(type_: str) -> str:
    facts = FORCE_NEW.get(type_)
    return facts.kind if facts else ""


def render_lines(diff: StackDiff, masker: _Masker) -> list[str]:
    """The diff as text lines, ``+``/``-``/``~`` first (shown as-is in the terminal and in a ```diff block)."""
    lines: list[str] = []
    if diff.base_missing:
        lines.append(f"# stack {diff.stack} has no stack file at {diff.base}: every resource is new")
    lines.extend(f"+ {rec['urn']}" for rec in diff.added)
    for rec in diff.removed:
        kind = _stateful(rec["type"])
        lines.append(f"- {rec['urn']}" + (f"    DELETED: {kind}" if kind else ""))
    for old_urn, new_urn in diff.moved:
        lines.append(f"> {new_urn}    MOVED (alias) from {old_urn}")
    for ch in diff.changed:
        head = f"~ {ch.urn}"
        if ch.replaced_by:
            head += f"    REPLACED (force-new: {', '.join(ch.replaced_by)}): {_stateful(ch.type)}"
        lines.append(head)
        lines.extend(
            f"    {c.path}: {masker.show(c.old, c.secret)} -> {masker.show(c.new, c.secret)}" for c in ch.changes
        )
    return lines


def summary_line(diff: StackDiff) -> str:
    deleted = sum(1 for r in diff.removed if _stateful(r["type"]))
    return (
        f"plan diff {diff.stack} vs {diff.base}: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed"
        + (f", {len(diff.moved)} moved by alias" if diff.moved else "")
        + f"; {len(diff.replaced)} stateful/slow replaced, {deleted} stateful deleted"
    )


def to_console(diff: StackDiff, masker: _Masker) -> str:
    body = render_lines(diff, masker)
    out = [summary_line(diff)]
    out += [f"  {line}" for line in body]
    if diff.replaced or any(_stateful(r["type"]) for r in diff.removed) or not diff.empty:
        out.append(f"  note: {NOTE}")
    return "\n".join(out)


def to_markdown(diff: StackDiff, masker: _Masker) -> str:
    body = render_lines(diff, masker)
    md = [f"**{summary_line(diff)}**", ""]
    if body:
        md += ["```diff", *body, "```", ""]
    else:
        md += ["No resource added, removed or changed.", ""]
    md.append(f"> {NOTE}")
    return "\n".join(md)


def masker_for(*plans: Sequence[dict[str, Any]]) -> _Masker:
    return _Masker([r for plan in plans for r in plan])


# --- loading the base ---------------------------------------------------------------------------------------------


def _read_record_file(path: Path, stack: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise BadBaseError(
            f"{path}: not a readable plan record ({err}); fix: pass a file written by `scripts/plan.py --json`"
        ) from None
    resources = doc.get("resources") if isinstance(doc, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) and "urn" in r for r in resources):
        raise BadBaseError(
            f'{path}: not a plan record (expected {{"stack", "resources": [{{"urn", ...}}]}}); '
            "fix: pass a file written by `scripts/plan.py --json`"
        )
    if doc.get("stack") not in (None, stack):
        raise BadBaseError(
            f"{path}: is the record of stack {doc['stack']!r}, not {stack!r}; fix: pass that stack's "
            "record, or a path with {stack} in it"
        )
    return resources


def _git(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(layout.ROOT), *args], capture_output=True, check=False, **kwargs)


def _resolve_revision(base: str) -> str:
    done = _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"])
    if done.returncode != 0 or not done.stdout.strip():
        raise BadBaseError(
            f"--diff {base!r}: neither a plan record file nor a git revision of {layout.ROOT}; fix: pass a commit, "
            "tag or branch (see `git log --oneline`) or a JSON file written by `scripts/plan.py --json`"
        )
    return done.stdout.decode().strip()


def _extract(sha: str, into: Path) -> None:
    done = _git(["archive", "--format=tar", sha], timeout=300)
    if done.returncode != 0:
        raise BadBaseError(f"git archive {sha}: {done.stderr.decode(errors='replace').strip()}")
    import io

    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(into, filter="data")


def _record_at_revision(base: str, stacks: Sequence[str]) -> dict[str, list[dict[str, Any]] | None]:
    sha = _resolve_revision(base)
    tmp = Path(tempfile.mkdtemp(prefix="hb-plan-base-"))
    try:
        tree = tmp / "tree"
        tree.mkdir()
        _extract(sha, tree)
        script = tree / "scripts" / "plan.py"
        if not script.exists():
            raise BadBaseError(f"--diff {base}: {sha[:12]} has no scripts/plan.py to record its plan with")
        present = [s for s in stacks if layout.stack_file(s, tree / "stacks").exists()]
        result: dict[str, list[dict[str, Any]] | None] = dict.fromkeys(stacks)
        if not present:
            return result
        out = tmp / "records"
        which = ["--all"] if len(present) > 1 else ["--stack", present[0]]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        done = subprocess.run(
            [sys.executable, str(script), *which, "--no-policy", "--quiet", "--json", str(out / "{stack}.json")],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
            raise BadBaseError(f"--diff {base}: the plan at {sha[:12]} failed (exit {done.returncode}):\n{tail}")
        for stack in present:
            result[stack] = _read_record_file(out / f"{stack}.json", stack)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_base(base: str, stacks: Sequence[str]) -> dict[str, list[dict[str, Any]] | None]:
    """The base plan of each stack (None: the stack does not exist at the base). Raises ``BadBaseError``."""
    if not base.strip():
        raise BadBaseError("--diff needs a git revision or a plan record file, got an empty string")
    as_files = {s: Path(base.replace("{stack}", s)) for s in stacks}
    if all(p.is_file() for p in as_files.values()):
        if len(set(as_files.values())) < len(stacks):
            raise BadBaseError(
                f"--diff {base}: one record file holds one stack; fix: put {{stack}} in the path "
                "(e.g. out/{stack}.json) or pass a git revision"
            )
        return {s: _read_record_file(p, s) for s, p in as_files.items()}
    if "{stack}" in base or base.endswith(".json"):
        missing = sorted(str(p) for p in as_files.values() if not p.is_file())
        raise BadBaseError(
            f"--diff {base}: no such record file {', '.join(missing)}; fix: write it with "
            "`scripts/plan.py --stack <stack> --json <file>` or pass a git revision"
        )
    return _record_at_revision(base, stacks)
