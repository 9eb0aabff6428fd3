"""Canonical encoding: equal to RFC 8785 (the rfc8785 package) on the ledger's JSON subset,
round-trips through decode, and refuses everything else naming the JSON path."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from ledger import EncodingError, canonical, decode
from ledger.encoding import MAX_SAFE_INTEGER

# Characters that stress JCS: controls (escaped), DEL and U+2028 (not escaped),
# characters either side of the surrogate block (UTF-16 key order differs from code
# point order between U+E000..U+FFFF and U+10000..), and astral emoji.
_TRICKY = ["\x00", "\x08", "\x1f", '"', "\\", "/", "\x7f", "\u2028", "\ud7ff", "\ue000",
           "\uffff", "\U00010000", "\U0001f33e", "\U0010ffff", "é", "稻"]
chars = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(_TRICKY))
strings = st.text(alphabet=chars, max_size=12)
safe_ints = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
scalars = st.none() | st.booleans() | safe_ints | strings
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(strings, children, max_size=5),
    max_leaves=25,
)


@given(json_values)
def test_canonical_bytes_equal_rfc8785_for_every_value_in_the_subset(value: Any) -> None:
    assert canonical(value) == rfc8785.dumps(value)


@given(st.dictionaries(strings, safe_ints, min_size=2, max_size=8))
def test_object_keys_sort_by_utf16_code_units_like_rfc8785(value: dict[str, int]) -> None:
    assert canonical(value) == rfc8785.dumps(value)


def test_astral_key_sorts_before_a_high_bmp_key_as_utf16_requires() -> None:
    # U+1F33E is D83C DF3E in UTF-16, which sorts before U+E000; by code point it is after.
    assert canonical({"\ue000": 1, "\U0001f33e": 2}) == '{"🌾":2,"\ue000":1}'.encode()


@given(json_values)
def test_encode_decode_encode_round_trips_byte_for_byte(value: Any) -> None:
    encoded = canonical(value)
    decoded = decode(encoded)
    assert decoded == value
    assert canonical(decoded) == encoded


@given(json_values)
def test_decode_accepts_text_as_well_as_bytes(value: Any) -> None:
    assert decode(canonical(value).decode("utf-8")) == value


@pytest.mark.parametrize("bound", [MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER])
def test_safe_integer_bounds_are_accepted(bound: int) -> None:
    assert canonical({"n": bound}) == rfc8785.dumps({"n": bound})


# -- refusals name the JSON path of the bad value ---------------------------------------------

def _nest(path: list[str | int], leaf: object) -> object:
    """Build a document with ``leaf`` at ``path`` (str = object key, int = array index)."""
    value = leaf
    for step in reversed(path):
        value = [None] * step + [value] if isinstance(step, int) else {step: value}
    return value


def _json_path(path: list[str | int]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)


identifier_keys = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
paths = st.lists(identifier_keys | st.integers(0, 3), max_size=5)
bad_leaves = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=MAX_SAFE_INTEGER + 1),
    st.integers(max_value=-MAX_SAFE_INTEGER - 1),
)


@given(paths, bad_leaves)
def test_a_value_outside_the_subset_is_refused_with_its_json_path(
    path: list[str | int], leaf: object
) -> None:
    with pytest.raises(EncodingError) as info:
        canonical(_nest(path, leaf))
    assert info.value.path == _json_path(path)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"a": {"b": [0, 1.5]}}, "$.a.b[1]"),
        ({"a": {"b": [0, math.nan]}}, "$.a.b[1]"),
        ({"a": [math.inf]}, "$.a[0]"),
        ({"amount": 2**53}, "$.amount"),
        ({"amount": -(2**53)}, "$.amount"),
        ({"a": [{"x": 10**30}]}, "$.a[0].x"),
        ({"a": {1: "one"}}, "$.a[1]"),
        ({"a": {None: "none"}}, "$.a[None]"),
        ({"a": {True: "yes"}}, "$.a[True]"),
        ({"a b": {"c": 0.1}}, "$['a b'].c"),
        ({"s": "\ud800"}, "$.s"),
        ({"b": b"bytes"}, "$.b"),
    ],
)
def test_refusal_names_the_bad_values_path(document: object, path: str) -> None:
    with pytest.raises(EncodingError) as info:
        canonical(document)
    assert info.value.path == path


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"a":{"b":[0,1.5]}}', "$.a.b[1]"),
        ('{"a":[NaN]}', "$.a[0]"),
        ('{"a":[Infinity]}', "$.a[0]"),
        ('{"n":9007199254740992}', "$.n"),
        ('{"n":-9007199254740992}', "$.n"),
        ('{"n":1e3}', "$.n"),
        ('{"s":"\\ud800"}', "$.s"),
    ],
)
def test_decode_refuses_values_outside_the_subset_with_their_path(text: str, path: str) -> None:
    with pytest.raises(EncodingError) as info:
        decode(text.encode())
    assert info.value.path == path


@pytest.mark.parametrize("text", ["{", "[1,]", "", "\xff"])
def test_decode_refuses_invalid_json_at_the_root(text: str) -> None:
    with pytest.raises(EncodingError) as info:
        decode(text.encode("latin-1"))
    assert info.value.path == "$"


def test_python_json_module_would_have_accepted_what_the_ledger_refuses() -> None:
    # The refusals above are the ledger's rule, not a parser limitation.
    assert json.loads('{"n":9007199254740992}') == {"n": 2**53}
