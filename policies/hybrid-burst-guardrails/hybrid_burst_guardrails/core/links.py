"""Joining resources inside a stack (a bucket and its encryption configuration, a cluster and its subnets).

Two signals, strongest first:

1. ``propertyDependencies``: the engine records, per input property, the URNs it was computed from (``bucket=b.id``
   gives ``{"bucket": [b.urn]}``). It is present during preview, when the value itself is still unknown.
2. The value: equal to the target's id/name/ARN output, or to its URN (the offline recorder turns resource
   references into URNs).

A link is ``LINKED``, ``UNLINKED``, or ``UNDETERMINED`` (the value is unknown and no dependency says where it
came from): rules must not call an undetermined link a violation.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from .rule import StackResource
from .unknowns import is_unknown
from .values import as_list


class Link(enum.Enum):
    LINKED = "linked"
    UNLINKED = "unlinked"
    UNDETERMINED = "undetermined"


def link(source: StackResource, prop: str, target: StackResource, keys: Iterable[str] = ("id",)) -> Link:
    """Does ``source.props[prop]`` (top-level; a string or a list of strings) refer to ``target``?"""
    deps = source.deps_of(prop)
    if target.urn in deps:
        return Link.LINKED
    values = as_list(source.props.get(prop))
    if not values:
        return Link.UNLINKED
    identities = {target.urn}
    for key in keys:
        value = target.props.get(key)
        if isinstance(value, str) and value and not is_unknown(value):
            identities.add(value)
    if any(isinstance(v, str) and v in identities for v in values):
        return Link.LINKED
    # An unknown value whose origin the engine did record (deps non-empty, target not among them) is unlinked.
    if any(is_unknown(v) for v in values) and not deps:
        return Link.UNDETERMINED
    return Link.UNLINKED


def value_matches(value: object, target: StackResource, keys: Iterable[str]) -> bool:
    """Does a nested value (not a top-level property, so no ``propertyDependencies``) name ``target``?"""
    if not isinstance(value, str) or is_unknown(value):
        return False
    if value == target.urn:
        return True
    return any(target.props.get(k) == value for k in keys)


class Attachments:
    """Which sources refer to which targets through ``prop``, resolved once for the whole stack.

    Same signals and precedence as ``link`` but in O(sources + targets): a stack of 5,000 resources with
    hundreds of buckets would otherwise compare every bucket with every configuration resource.
    """

    def __init__(
        self,
        targets: Iterable[StackResource],
        sources: Iterable[StackResource],
        prop: str,
        keys: Iterable[str] = ("id",),
    ) -> None:
        identities: dict[str, set[str]] = {}
        target_urns: set[str] = set()
        key_list = tuple(keys)
        for target in targets:
            target_urns.add(target.urn)
            identities.setdefault(target.urn, set()).add(target.urn)
            for key in key_list:
                value = target.props.get(key)
                if isinstance(value, str) and value and not is_unknown(value):
                    identities.setdefault(value, set()).add(target.urn)
        self._by_target: dict[str, list[StackResource]] = {}
        self.undetermined: list[StackResource] = []
        for source in sources:
            deps = source.deps_of(prop)
            linked = {d for d in deps if d in target_urns}
            values = as_list(source.props.get(prop))
            for value in values:
                if isinstance(value, str):
                    linked.update(identities.get(value, ()))
            if not linked and not deps and any(is_unknown(v) for v in values):
                self.undetermined.append(source)
            for urn in linked:
                self._by_target.setdefault(urn, []).append(source)

    def of(self, target: StackResource) -> list[StackResource]:
        """Sources linked to ``target``, in stack order."""
        return self._by_target.get(target.urn, [])

    @property
    def linked_sources(self) -> set[str]:
        return {s.urn for sources in self._by_target.values() for s in sources}
