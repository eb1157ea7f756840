"""Alias specs of a ``RegisterResource`` request resolved to URNs, as the engine resolves them
(https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/): every field left out is the resource's own
(name, type, stack, project, parent); ``noParent`` means the root stack. Aliases a child inherits from its
parent's aliases are not derived (the program sets them per resource)."""

from __future__ import annotations

from typing import Any


def alias_urns(request: Any, *, stack: str, project: str, stack_urn: str | None) -> list[str]:
    """The former URNs a registration names in its ``aliases`` option."""
    urns: list[str] = []
    for alias in request.aliases:
        if alias.urn:
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = request.parent
        if spec.parentUrn:
            parent = spec.parentUrn
        elif spec.noParent:
            parent = ""
        type_ = spec.type or request.type
        if parent and parent != stack_urn:
            type_ = f"{parent.split('::')[2]}${type_}"
        name = spec.name or request.name
        urns.append(f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{type_}::{name}")
    return urns
