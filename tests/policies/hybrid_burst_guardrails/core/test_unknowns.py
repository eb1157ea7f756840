"""Unknown values: the SDK's sentinels, unwrapping the SDK's proxies, and the advisory note."""

from __future__ import annotations

import pytest
from hybrid_burst_guardrails.core.unknowns import (
    UNKNOWN,
    UNKNOWN_SENTINELS,
    PreviewUnknownError,
    contains_unknown,
    is_unknown,
    to_plain,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UnknownValueError, unknown_checking_proxy
from pulumi_policy.secret import Secret, secrets_preserving_proxy


def test_sdk_proxy_raises_on_read_even_with_get() -> None:
    """Why rules unwrap first: Mapping.get on the SDK proxy raises instead of returning the sentinel."""
    proxy = unknown_checking_proxy({"a": UNKNOWN})
    with pytest.raises(UnknownValueError):
        proxy.get("a")


def test_to_plain_unwraps_the_unknown_checking_proxy() -> None:
    props = {"a": UNKNOWN, "nested": {"list": [1, UNKNOWN, {"b": UNKNOWN_BOOLEAN_VALUE}]}}
    plain = to_plain(unknown_checking_proxy(props))
    assert plain == props
    assert type(plain["nested"]) is dict
    assert type(plain["nested"]["list"]) is list


def test_to_plain_unwraps_the_secret_preserving_proxy() -> None:
    plain = to_plain(secrets_preserving_proxy({"password": "hunter2", "n": 1}))
    assert plain == {"password": "hunter2", "n": 1}


def test_to_plain_keeps_sdk_secret_objects_recognisable() -> None:
    plain = to_plain({"s": Secret("x")})
    assert plain["s"]["value"] == "x"


@pytest.mark.parametrize("sentinel", sorted(UNKNOWN_SENTINELS))
def test_every_sdk_sentinel_is_unknown(sentinel: str) -> None:
    assert is_unknown(sentinel)
    assert contains_unknown({"x": [sentinel]})


@pytest.mark.parametrize("value", ["", "aws:kms", 0, None, [], {"a": "b"}])
def test_known_values_are_not_unknown(value: object) -> None:
    assert not is_unknown(value)
    assert not contains_unknown(value)


def test_preview_note_is_an_sdk_unknown_value_error_with_paths() -> None:
    note = PreviewUnknownError("rule-x", ["b.c", "a", "b.c"])
    assert isinstance(note, UnknownValueError)
    assert note.paths == ["a", "b.c"]
    assert "2 value(s) not known yet (a, b.c)" in note.message
    assert str(note) == note.message
