"""Joining resources: property dependencies first, then values; unknown without dependencies is undetermined."""

from __future__ import annotations

import pytest
from hybrid_burst_guardrails.core.links import Attachments, Link, link, value_matches
from hybrid_burst_guardrails.core.rule import StackResource
from hybrid_burst_guardrails.core.unknowns import UNKNOWN

BUCKET = StackResource.of("aws:s3/bucket:Bucket", "raw", {"id": "raw-bkt", "arn": "arn:aws:s3:::raw-bkt"})
OTHER = StackResource.of("aws:s3/bucket:Bucket", "other", {"id": "other-bkt"})


@pytest.mark.parametrize(
    ("value", "deps", "expected"),
    [
        (UNKNOWN, [BUCKET.urn], Link.LINKED),
        ("raw-bkt", [], Link.LINKED),
        (BUCKET.urn, [], Link.LINKED),
        ("other-bkt", [], Link.UNLINKED),
        (UNKNOWN, [OTHER.urn], Link.UNLINKED),
        (UNKNOWN, [], Link.UNDETERMINED),
        (None, [], Link.UNLINKED),
    ],
    ids=["dependency", "id", "urn", "other-id", "unknown-with-other-dependency", "unknown-undetermined", "missing"],
)
def test_link(value: object, deps: list[str], expected: Link) -> None:
    source = StackResource.of("x:y:Z", "src", {"bucket": value}, property_dependencies={"bucket": deps})
    assert link(source, "bucket", BUCKET, ("id",)) is expected


def test_value_matches_named_keys_only() -> None:
    assert value_matches("arn:aws:s3:::raw-bkt", BUCKET, ("arn",))
    assert not value_matches("arn:aws:s3:::raw-bkt", BUCKET, ("id",))
    assert not value_matches(UNKNOWN, StackResource.of("t:t:T", "u", {"id": UNKNOWN}), ("id",))


def test_attachments_index_agrees_with_link_for_every_case() -> None:
    sources = [
        StackResource.of("x:y:Z", f"s{i}", {"bucket": value}, property_dependencies={"bucket": deps})
        for i, (value, deps) in enumerate(
            [
                (UNKNOWN, [BUCKET.urn]),
                ("raw-bkt", []),
                (BUCKET.urn, []),
                ("other-bkt", []),
                (UNKNOWN, [OTHER.urn]),
                (UNKNOWN, []),
                (None, []),
            ]
        )
    ]
    index = Attachments([BUCKET, OTHER], sources, "bucket", ("id",))
    for target in (BUCKET, OTHER):
        expected = [s.name for s in sources if link(s, "bucket", target, ("id",)) is Link.LINKED]
        assert [s.name for s in index.of(target)] == expected
    assert [s.name for s in index.undetermined] == ["s5"]
    assert index.linked_sources == {s.urn for s in sources[:5]}
