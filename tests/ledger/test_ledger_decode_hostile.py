"""``decode`` against hostile bytes: it returns a value in the canonical subset or raises
EncodingError naming a path and a rule, and nothing else, whatever it is given.

The two rules JSON itself does not make are tested at their edges: nesting deeper
than MAX_DEPTH (NestingTooDeep) and an object naming a key twice (DuplicateKey).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger import EncodingError, canonical, decode
from ledger.encoding import MAX_DEPTH, MAX_SAFE_INTEGER, check
from ledger.exceptions import DuplicateKey, NestingTooDeep

safe_ints = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
strings = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | safe_ints | strings,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(strings, children, max_size=4),
    max_leaves=20,
)

# Pieces a JSON parser reads: brackets (to nest), quotes and escapes (to hide brackets in
# strings, or leave a string open), numbers past the subset, literals, a repeated key.
TOKENS = [
    b"[", b"]", b"{", b"}", b",", b":", b'"', b'\\"', b"\\", b"\\u", b"d800", b"\\ud800",
    b'"k"', b'"k":1', b'"k":1,"k":2', b"0", b"-", b"1.5", b"1e400", b"9007199254740993",
    b"NaN", b"Infinity", b"-Infinity", b"true", b"null", b" ", b"\xff", b"\xed\xa0\x80",
    b"\x00", b'"[[[["',
]
json_ish = st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join)


def _decodes_cleanly(data: bytes | str) -> None:
    """The property: a subset value that re-encodes and decodes to itself, or EncodingError."""
    refused: EncodingError | None = None
    try:
        value = decode(data)
    except EncodingError as exc:
        refused = exc
    if refused is not None:
        assert refused.path.startswith("$")
        assert refused.rule
        return
    check(value)
    assert decode(canonical(value)) == value


@given(st.binary(max_size=200))
def test_any_bytes_decode_to_the_subset_or_raise_encoding_error(data: bytes) -> None:
    _decodes_cleanly(data)


@given(json_ish)
@example(b"[" * 2000)
@example(b'{"k":' * 1000)
@example(b"[" * (MAX_DEPTH + 1) + b'"' + b'\\"' * 200)  # an open string after deep brackets
@example(b'{"k":1,"k":2}')
@example(b'{"k":1.5,"k":2}')
def test_json_like_bytes_decode_to_the_subset_or_raise_encoding_error(data: bytes) -> None:
    _decodes_cleanly(data)
    _decodes_cleanly(data.decode("utf-8", "replace"))


@given(json_values, st.data())
def test_a_spliced_canonical_document_still_decodes_or_is_refused(value: Any, data: Any) -> None:
    text = canonical(value)
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 4))
    piece = data.draw(st.sampled_from(TOKENS))
    _decodes_cleanly(text[:at] + piece + text[at + cut:])


def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


@pytest.mark.parametrize("kind", ["array", "object"])
@given(depth=st.integers(1, 3 * MAX_DEPTH))
@example(depth=MAX_DEPTH)
@example(depth=MAX_DEPTH + 1)
def test_nesting_is_accepted_up_to_the_limit_and_refused_past_it(kind: str, depth: int) -> None:
    text = _nested(depth, kind)
    if depth <= MAX_DEPTH:
        assert canonical(decode(text)) == text.encode()
        return
    with pytest.raises(NestingTooDeep) as refused:
        decode(text.encode())
    assert refused.value.rule == f"nested deeper than {MAX_DEPTH} arrays/objects"


def test_a_too_deep_value_is_named_by_the_path_of_its_first_deep_container() -> None:
    memo = json.loads(_nested(MAX_DEPTH - 2, "object"))  # envelope, tx, args make it 65
    with pytest.raises(NestingTooDeep) as refused:
        decode(json.dumps({"tx": {"args": {"memo": memo}}, "signatures": []}))
    assert refused.value.path == "$.tx.args.memo" + ".a" * (MAX_DEPTH - 3)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


bracket_strings = st.text(alphabet='[]{}"\\/ab\u2028', max_size=6)
bracket_values = st.recursive(
    st.none() | safe_ints | bracket_strings,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(bracket_strings, children, max_size=3),
    max_leaves=12,
)


FILLERS = ["[[[[", "]]]]", '{"}', '\\"[', '\\\\"]]', "x"]


@given(
    bracket_values, st.integers(MAX_DEPTH - 6, MAX_DEPTH + 1), st.sampled_from(FILLERS),
    st.booleans(),
)
def test_the_depth_read_off_the_text_is_the_values_depth(
    value: Any, wrap: int, filler: str, ascii: bool
) -> None:
    """Strings full of brackets, quotes and backslashes, before and after each level,
    never change the verdict."""
    for _ in range(wrap):
        value = [filler, value, filler]
    text = json.dumps(value, ensure_ascii=ascii)
    if _depth(value) <= MAX_DEPTH:
        assert decode(text.encode()) == value
    else:
        with pytest.raises(NestingTooDeep):
            decode(text.encode())


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps(["[" * 500, {"k": "{" * 500}])
    assert decode(text) == ["[" * 500, {"k": "{" * 500}]


def test_the_parsers_own_recursion_limit_is_refused_as_too_deep_not_a_crash() -> None:
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000, "[" * 100_000):
        with pytest.raises(NestingTooDeep):
            decode(text)


def test_a_value_built_in_python_too_deep_to_walk_is_refused_as_too_deep() -> None:
    value: Any = 0
    for _ in range(100_000):
        value = [value]
    with pytest.raises(NestingTooDeep):
        canonical(value)


keys = st.text(alphabet="abkx _.", min_size=1, max_size=4)


@given(st.lists(keys, min_size=1, max_size=4, unique=True), keys, safe_ints, safe_ints)
def test_a_repeated_key_is_refused_naming_its_path(
    outer: list[str], key: str, first: int, second: int
) -> None:
    """Same value or not: some parsers keep the first copy and some the last."""
    inner = f'{{"{key}":{first},"{key}":{second}}}'
    text = inner
    for name in reversed(outer):
        text = f'{{"{name}":[{text}]}}'
    with pytest.raises(DuplicateKey) as refused:
        decode(text)
    path = "$"
    for name in outer:
        path += (f".{name}" if name.isidentifier() else f"[{name!r}]") + "[0]"
    path += f".{key}" if key.isidentifier() else f"[{key!r}]"
    assert refused.value.path == path
    assert refused.value.rule == f"duplicate key {key!r} in one object"


def test_a_repeated_key_next_to_a_float_is_still_refused_as_a_repeated_key() -> None:
    with pytest.raises(DuplicateKey):
        decode('{"amount":1.5,"amount":1}')  # a last-wins parser would hide the float


def test_the_same_key_in_sibling_objects_is_no_duplicate() -> None:
    assert decode('[{"amount":1},{"amount":5}]') == [{"amount": 1}, {"amount": 5}]
