"""Canonical JSON bytes (RFC 8785, JCS) for everything the ledger signs or hashes.

The ledger only admits the JSON subset the wire format allows: objects with string
keys, arrays, strings, booleans, null and integers within +/-(2^53 - 1) (so every
implementation, JavaScript included, reads the same number). Floats, NaN and
infinities are refused: money is integer fen and rates are integer basis points.

Decoding untrusted text (``decode``) also refuses two things JSON itself allows:
arrays and objects nested more than ``MAX_DEPTH`` deep (counted from the document
root, so a batch array, its envelope, ``tx`` and ``args`` use four levels), and an
object that names a key twice. Deep nesting would exhaust the parser's recursion
(a 3 KB body of brackets); a duplicated key is read as its last value by some
parsers and its first by others, so a signer and a verifier could disagree about
what was signed.

For that subset RFC 8785 output equals ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` except for key order when a key holds
a character outside the Basic Multilingual Plane (JCS sorts by UTF-16 code units,
Python by code points). The fast path uses the C encoder and falls back to an exact
encoder only when such a character appears anywhere in the output.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from ledger.exceptions import DuplicateKey, EncodingError, NestingTooDeep

JSON: TypeAlias = dict[str, Any] | list[Any] | str | int | bool | None

MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER; I-JSON (RFC 7493)
MAX_DEPTH = 64  # arrays/objects, document root included; an envelope's own shape needs 3
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _c_dumps() -> Callable[[object], str]:
    """``_ENCODER.encode`` without its per-call set-up.

    ``JSONEncoder.encode`` builds a new C encoder object on every call; building it
    once saves about a microsecond per value, and the ledger encodes several values
    per tx (state writes, results). Same options, so the same output; falls back to
    ``encode`` where the C accelerator is missing.
    """
    make = getattr(json.encoder, "c_make_encoder", None)  # untyped in typeshed
    if make is None:
        return _ENCODER.encode
    iterencode = make(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
        True, False, False,
    )
    join = "".join

    def dumps(value: object) -> str:
        if isinstance(value, str):
            return json.encoder.encode_basestring(value)
        return join(iterencode(value, 0))

    return dumps


_fast_dumps = _c_dumps()


def check(value: object, path: str = "$") -> None:
    """Raise EncodingError naming the JSON path of the first value outside the subset.

    Values built only from plain dict/list/tuple/str/int/bool/None pass a quick walk
    that builds no paths; anything else (or anything wrong) takes the exact walk,
    which names the path of the first offending value.
    """
    try:
        if _plain_ok(value):
            return
        _check_exact(value, path)
    except RecursionError:  # a value built in Python, nested far beyond anything decodable
        raise NestingTooDeep(path, _TOO_DEEP) from None


def _plain_ok(value: Any) -> bool:
    """True if ``value`` is in the subset using plain built-in types only (no subclasses).

    False means "not sure", never "invalid": the caller then runs the exact walk.
    Scalars are tested inline because this runs on every state write and event.
    """
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
        for key in value:
            if type(key) is not str or not (key.isascii() or not _LONE_SURROGATE.search(key)):
                return False
    elif kind is list or kind is tuple:
        items = value
    else:
        return _plain_scalar_ok(value)
    for item in items:
        kind = type(item)
        if kind is str:
            if not item.isascii() and _LONE_SURROGATE.search(item):
                return False
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return False
        elif item is None or kind is bool:
            continue
        elif not _plain_ok(item):
            return False
    return True


def _plain_scalar_ok(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return value.isascii() or not _LONE_SURROGATE.search(value)
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    return value is None or kind is bool


class NotPlain(Exception):
    """Raised by ``plain_copy`` for a value it cannot vouch for (see there)."""


def plain_copy(value: Any) -> Any:
    """A fresh copy of ``value`` with new dicts and lists (tuples become lists, as
    decoding would make them), checking the subset on the way.

    Raises NotPlain when ``value`` holds anything but plain dict/list/tuple/str/int/
    bool/None (subclasses included) or a value outside the subset; callers then fall
    back to ``canonical`` (which names the offending path) and decoding the bytes.
    One walk does both jobs because state writes need both (ledger.state).
    """
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or not _LONE_SURROGATE.search(key)):
                raise NotPlain
            kind = type(item)
            if kind is str:
                if not item.isascii() and _LONE_SURROGATE.search(item):
                    raise NotPlain
                out[key] = item
            elif kind is int:
                if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                    raise NotPlain
                out[key] = item
            elif item is None or kind is bool:
                out[key] = item
            else:
                out[key] = plain_copy(item)
        return out
    if kind is list or kind is tuple:
        return [plain_copy(item) for item in value]
    if not _plain_scalar_ok(value):
        raise NotPlain
    return value


def _check_exact(value: object, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise EncodingError(path, "integer outside +/-(2^53 - 1)")
        return
    if isinstance(value, float):
        raise EncodingError(path, "floats are not allowed; use integers (fen, basis points)")
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise EncodingError(path, "string contains a lone surrogate")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError(f"{path}[{key!r}]", "object keys must be strings")
            if _LONE_SURROGATE.search(key):
                raise EncodingError(f"{path}[{key!r}]", "key contains a lone surrogate")
            _check_exact(item, f"{path}.{key}" if _is_identifier(key) else f"{path}[{key!r}]")
        return
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            _check_exact(item, f"{path}[{index}]")
        return
    raise EncodingError(path, f"type {type(value).__name__} is not JSON")


def canonical(value: object) -> bytes:
    """Return the RFC 8785 bytes of ``value``; raise EncodingError for values outside the subset."""
    check(value)
    return canonical_trusted(value)


def canonical_trusted(value: object) -> bytes:
    """Canonical bytes of a value already known to be in the subset (for example just decoded)."""
    text = _fast_dumps(value)
    if not text.isascii() and _NON_BMP.search(text):  # isascii: a fast C check, usually true
        text = _exact(value)
    return text.encode("utf-8")


_LONG_DIGITS = re.compile("[0-9]{16}")  # 2^53 - 1 has 16 digits: shorter runs are in range


def canonical_vouched(value: object) -> bytes:
    """Canonical bytes of a value whose producer vouches it holds no floats and only
    plain dict/list/str/int/bool/None (a pydantic record's ``model_dump(mode="json")``
    for a model without float or untyped fields, see ``contracts.records``).

    The C encoder runs alone; what it cannot rule out is checked on its output and
    sends the value through ``canonical`` (which names the offending path): a run of
    16 digits (an integer that may exceed 2^53 - 1, or just a long string of digits)
    and non-ASCII text (lone surrogates, non-BMP key order).
    """
    text = _fast_dumps(value)
    if _LONG_DIGITS.search(text) or not text.isascii():
        return canonical(value)
    return text.encode("ascii")


def decode(data: bytes | str) -> Any:
    """Parse JSON (UTF-8 if bytes), admitting only the canonical subset.

    Raises EncodingError naming the path of the first value outside the subset;
    its subclasses NestingTooDeep (beyond ``MAX_DEPTH``) and DuplicateKey (naming
    the repeated key) for the two rules JSON itself does not make.
    """
    try:
        value = _parse(data)
        if _may_be_deep(data):
            _check_depth(data, value)
    except RecursionError:  # the C parser's own limit (~1000 levels), far past MAX_DEPTH
        raise NestingTooDeep("$", _TOO_DEEP) from None
    # escaped lone surrogates survive json.loads; catch them here (hex digits may be
    # either case; two scans are cheaper than lower-casing a copy of the input)
    if isinstance(data, bytes | bytearray):
        if b"\\ud" in data or b"\\uD" in data:
            check(value)
    elif "\\ud" in data or "\\uD" in data:
        check(value)
    return value


def _parse(data: bytes | str) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    except UnicodeDecodeError as exc:
        raise EncodingError("$", f"not valid JSON: {exc}") from None
    try:
        return _subset_decoder.decode(text)
    except (_SubsetViolation, _Duplicate):
        raise _refusal(text) from None
    except ValueError as exc:
        raise EncodingError("$", f"not valid JSON: {exc}") from None


def _refusal(text: str) -> EncodingError:
    """Why the strict parser stopped, with a path: the text is parsed again letting floats,
    constants, big integers and repeated keys through, then searched for the first of them.
    Only a refused body pays for this."""
    try:
        lenient = json.loads(text, object_pairs_hook=_Pairs)
    except ValueError as exc:  # not JSON after all, past the value that stopped the parser
        return EncodingError("$", f"not valid JSON: {exc}")
    found = _find_duplicate(lenient, "$")
    if found is not None:
        return found
    try:
        check(_as_dicts(lenient))  # names the float, NaN or big integer
    except EncodingError as exc:
        return exc
    return EncodingError("$", "value outside the canonical subset")


def _as_dicts(value: Any) -> Any:
    if isinstance(value, _Pairs):
        return {key: _as_dicts(item) for key, item in value}
    if isinstance(value, list):
        return [_as_dicts(item) for item in value]
    return value


_TOO_DEEP = f"nested deeper than {MAX_DEPTH} arrays/objects"


def _may_be_deep(data: bytes | str) -> bool:
    """False when the text has too few opening brackets to nest past MAX_DEPTH (a single
    envelope has under ten): two C-speed counts instead of a walk of the value."""
    if isinstance(data, str):
        return data.count("[") + data.count("{") > MAX_DEPTH
    return data.count(b"[") + data.count(b"{") > MAX_DEPTH


def _check_depth(data: bytes | str, value: Any) -> None:
    """Raise NestingTooDeep naming the path of a container deeper than MAX_DEPTH.

    Runs after the C parser (which stops by itself near 1000 levels), so ``data`` is
    valid JSON and its depth can be read off the text in C-speed passes: escaped
    backslashes and quotes cut out, only brackets and quotes kept, strings cut (first
    the many with no bracket inside, as ``""``), and the brackets left counted +1 and
    -1. Only a refused value is walked, to name the path.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = raw.translate(None, _NOT_BRACKET_OR_QUOTE).replace(b'""', b"")
    if b'"' in brackets:
        brackets = _STRING.sub(b"", brackets)
    if max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH:
        raise NestingTooDeep(_deep_path(value, "$", 1), _TOO_DEEP)


_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_NOT_BRACKET_OR_QUOTE = bytes(b for b in range(256) if b not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*"')  # escapes are gone: a string is quote, no quote, quote


def _deep_path(value: Any, path: str, depth: int) -> str:
    """The path of the first container at depth MAX_DEPTH + 1 (one is known to exist)."""
    if depth > MAX_DEPTH:
        return path
    items = (
        ((_member_path(path, k), v) for k, v in value.items())
        if type(value) is dict
        else ((f"{path}[{i}]", v) for i, v in enumerate(value))
    )
    for inner, item in items:
        if type(item) in (dict, list) and _depth_exceeds(item, MAX_DEPTH - depth - 1):
            return _deep_path(item, inner, depth + 1)
    return path


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True if containers nest more than ``limit`` levels below ``value``."""
    if limit < 0:
        return True
    items = value.values() if type(value) is dict else value
    return any(type(i) in (dict, list) and _depth_exceeds(i, limit - 1) for i in items)


class _SubsetViolation(ValueError):
    pass


class _Duplicate(ValueError):
    pass


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Duplicate
    return obj


class _Pairs(list[tuple[str, Any]]):
    """An object kept as its key/value pairs, to find where a key repeats."""


def _find_duplicate(value: Any, path: str) -> DuplicateKey | None:
    if isinstance(value, _Pairs):
        seen: set[str] = set()
        for key, item in value:
            inner = _member_path(path, key)
            if key in seen:
                return DuplicateKey(inner, f"duplicate key {key!r} in one object")
            seen.add(key)
            found = _find_duplicate(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_duplicate(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _member_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _is_identifier(key) else f"{path}[{key!r}]"


def _refuse_float(text: str) -> float:
    raise _SubsetViolation(text)


def _refuse_constant(text: str) -> float:
    raise _SubsetViolation(text)


def _checked_int(text: str) -> int:
    number = int(text)
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise _SubsetViolation(text)
    return number


_subset_decoder = json.JSONDecoder(
    parse_float=_refuse_float,
    parse_constant=_refuse_constant,
    parse_int=_checked_int,
    object_pairs_hook=_unique_object,
)


def _is_identifier(key: str) -> bool:
    return key.isidentifier()


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _exact(value: object) -> str:
    """Slow, exact JCS serialisation used only when a non-BMP character is present."""
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: _utf16_key(kv[0]))
        inner = ",".join(f"{_fast_dumps(k)}:{_exact(v)}" for k, v in items)
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_exact(item) for item in value) + "]"
    return _fast_dumps(value)
