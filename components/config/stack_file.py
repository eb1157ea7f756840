"""Read a stack file (``stacks/Pulumi.<stack>.yaml``) strictly, inside the error path.

The Pulumi CLI reads the stack file before the program runs; the offline tools (``scripts/plan.py``, the recorder)
read it themselves, through this module only. Every way a stack file can be broken ends in a ``StackFileError``
(a ``ConfigError``: exit 2) that names the file and the line, never in a traceback:

- bytes that are not UTF-8 (the YAML 1.2 spec allows UTF-8/16/32; Pulumi's Go YAML reader expects UTF-8);
- malformed YAML (an unclosed flow list, a tab used for indentation, bad indentation) - PyYAML's own message and mark;
- several YAML documents in one file (Pulumi reads one document per stack file);
- a tag the safe loader does not know (CloudFormation's ``!Ref``, ``!Sub``, Python tags): refused, not executed;
- duplicate keys at any depth (the Pulumi CLI refuses them; a plain YAML load silently keeps the last one);
- a top level that is not a mapping, ``config:`` that is not a mapping, project keys written at the top level
  instead of under ``config:``, and top-level keys a Pulumi stack file does not have.

``read_stack_file`` also returns the line of every config key, so a config error can point at its line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import PROJECT, ConfigError

# Top-level keys of a Pulumi stack settings file (``Pulumi.<stack>.yaml``): config, the secrets provider and its
# key material, and the ESC environments it imports (https://www.pulumi.com/docs/iac/concepts/projects/
# stack-settings-file/ ; pulumi/pulumi sdk/go/common/workspace/project.go, ``ProjectStack``).
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


class StackFileError(ConfigError):
    """The stack file cannot be read as a Pulumi stack file; ``problems`` are ``(where, value, message)``."""

    def __init__(self, path: Path, problems: list[tuple[str, Any, str]]) -> None:
        self.path = path
        super().__init__(problems)
        # The caller names the file (``error: <path>: ...``); the path is kept on the exception for others.
        lines = [f"not a valid Pulumi stack file ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
        lines += [f"  - {where}: {message}" for where, _, message in problems]
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class StackFile:
    """A stack file read strictly: its ``config:`` mapping and the line of every key in it."""

    path: Path
    config: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    """1-based line of each config key, by path: ``hybrid-burst:network``, ``hybrid-burst:network.compute.cidr``,
    list items by index (``hybrid-burst:network.compute.interfaceEndpoints.1``)."""

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` or of its nearest enclosing key written in the file."""
        parts = key.split(".")
        while parts:
            line = self.lines.get(".".join(parts))
            if line is not None:
                return line
            parts.pop()
        return None


def _line(mark: Any) -> int | None:
    return None if mark is None else int(mark.line) + 1


def _yaml_problem(err: yaml.YAMLError) -> tuple[str, str]:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    text = f"{context}: {problem}" if context else str(problem)
    if "found character '\\t'" in text:
        text += " (YAML forbids tabs for indentation; indent with spaces)"
    if "could not determine a constructor for the tag" in text:
        text += (
            " (tags such as CloudFormation's !Ref or !Sub mean nothing to Pulumi; write the plain value, "
            "e.g. a literal ARN or name)"
        )
    if "mapping values are not allowed here" in text or "expected <block end>" in text:
        text += " (check the indentation: keys of one mapping must start in the same column, with spaces)"
    if "<stream end>" in text and "flow" in text:
        text += " (the file ends inside an unclosed [ ... ] or { ... }: close it)"
    line = _line(mark)
    opened = _line(getattr(err, "context_mark", None))
    if opened and line and opened != line:
        text += f" (the construct opened on line {opened}: is a ']', '}}' or quote missing?)"
    return (f"line {line}" if line else "file"), text


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[tuple[str, Any, str]]) -> None:
    """Record each key's line and refuse duplicate keys, at every depth."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    (
                        f"line {_line(key_node.start_mark)}",
                        None,
                        "a mapping key must be a plain name, not a list or map",
                    )
                )
                continue
            key = key_node.value
            line = _line(key_node.start_mark) or 0
            if key == "<<":  # a YAML merge key: its keys are checked where they were written
                _walk(value_node, path, lines, problems)
                continue
            child = f"{path}.{key}" if path else key
            if key in seen:
                problems.append(
                    (
                        f"line {line}, {child}",
                        None,
                        (f"duplicate key {key!r} (first written on line {seen[key]}); the Pulumi CLI refuses "
                        "duplicate keys - merge the two into one"),
                    )
                )
            else:
                seen[key] = line
                lines.setdefault(child, line)
            _walk(value_node, child, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}.{i}"
            lines.setdefault(child, _line(item.start_mark) or 0)
            _walk(item, child, lines, problems)


def parse_stack_text(path: Path, data: bytes) -> StackFile:
    """Parse a stack file's bytes; raise ``StackFileError`` naming the line of every problem found."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise StackFileError(
            path,
            [(f"line {line}", None, f"byte 0x{data[err.start]:02x} is not UTF-8; save the file as UTF-8")],
        ) from None

    try:
        loader = yaml.SafeLoader(text)  # safe: unknown tags are refused, never constructed
    except yaml.reader.ReaderError as err:  # a control character (NUL, ESC, ...) the YAML spec forbids
        line = text[: err.position].count("\n") + 1
        raise StackFileError(
            path,
            [
                (
                    f"line {line}",
                    None,
                    (f"character U+{err.character:04X} is not allowed in YAML (control characters are not "
                    "printable); delete it - the file may have been saved by a binary tool or be truncated"),
                )
            ],
        ) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.composer.ComposerError as err:
            if "expected a single document" in str(err):
                raise StackFileError(
                    path,
                    [
                        (
                            f"line {_line(err.problem_mark)}",
                            None,
                            ("a second YAML document starts here ('---'); a Pulumi stack file holds one document - "
                            "remove the separator and merge the documents"),
                        )
                    ],
                ) from None
            raise
        if node is None:
            empty = "is empty; write a config: mapping with hybrid-burst:environment"
            raise StackFileError(path, [("file", None, empty)])
        lines: dict[str, int] = {}
        problems: list[tuple[str, Any, str]] = []
        _walk(node, "", lines, problems)
        if problems:
            raise StackFileError(path, problems)
        doc = loader.construct_document(node)
    except yaml.YAMLError as err:
        where, message = _yaml_problem(err)
        raise StackFileError(path, [(where, None, message)]) from None
    finally:
        loader.dispose()
    return _stack_file(path, doc, lines)


def _stack_file(path: Path, doc: Any, lines: dict[str, int]) -> StackFile:
    """Check the parsed document's shape: a mapping of stack-file keys with ``config:`` a mapping."""
    if not isinstance(doc, Mapping):
        raise StackFileError(
            path,
            [
                (
                    "line 1",
                    None,
                    (f"the top level is a {_kind(doc)}, not a mapping; a stack file is a mapping with a config: key, "
                    "e.g.\n      config:\n        hybrid-burst:environment: dev"),
                )
            ],
        )
    problems: list[tuple[str, Any, str]] = []
    for key in doc:
        line = lines.get(str(key), 1)
        skey = str(key)
        if skey in STACK_FILE_KEYS:
            continue
        if ":" in skey or skey in _PROJECT_SECTIONS:
            name = skey if ":" in skey else f"{PROJECT}:{skey}"
            problems.append(
                (
                    f"line {line}, {skey}",
                    None,
                    (f"config keys belong under config: (indent {name} two spaces under a top-level config: key); "
                    "at the top level Pulumi does not read it"),
                )
            )
        else:
            hint = did_you_mean(skey, STACK_FILE_KEYS)
            problems.append((f"line {line}, {skey}", None, f"not a stack file key{hint}"))
    config = doc.get("config")
    if config is None:
        config = {}
    elif not isinstance(config, Mapping):
        problems.append(
            (
                f"line {lines.get('config', 1)}, config",
                None,
                f"config: must be a mapping of keys (hybrid-burst:environment: dev, ...), not a {_kind(config)}",
            )
        )
        config = {}
    if problems:
        raise StackFileError(path, problems)
    config_lines = {k.removeprefix("config."): v for k, v in lines.items() if k.startswith("config.")}
    return StackFile(path=path, config=dict(config), lines=config_lines)


def read_stack_file(path: Path) -> StackFile:
    """Read ``path`` strictly (see the module docstring); raise ``StackFileError`` on any problem."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise StackFileError(path, [("file", None, f"cannot be read ({err.strerror or err})")]) from None
    return parse_stack_text(path, data)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def did_you_mean(word: str, candidates: Any) -> str:
    """``"; did you mean X?"`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


# Section names of the project namespace (without the prefix); kept in sync with ``stack.KNOWN_KEYS`` by a test.
_PROJECT_SECTIONS = frozenset(
    {"environment", "protect", "onprem", "regions", "network", "emr", "lake", "observability", "eks", "accountBaseline"}
)
