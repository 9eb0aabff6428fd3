"""Canonical JSON bytes (RFC 8785, JCS) for everything the ledger signs or hashes.

The ledger only admits the JSON subset the wire format allows: objects with string
keys, arrays, strings, booleans, null and integers within +/-(2^53 - 1) (so every
implementation, JavaScript included, reads the same number). Floats, NaN and
infinities are refused: money is integer fen and rates are integer basis points.

For that subset RFC 8785 output equals ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` except for key order when a key holds
a character outside the Basic Multilingual Plane (JCS sorts by UTF-16 code units,
Python by code points). The fast path uses the C encoder and falls back to an exact
encoder only when such a character appears anywhere in the output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from ledger.exceptions import EncodingError

JSON: TypeAlias = dict[str, Any] | list[Any] | str | int | bool | None

MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER; I-JSON (RFC 7493)
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_fast_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def check(value: object, path: str = "$") -> None:
    """Raise EncodingError naming the JSON path of the first value outside the subset."""
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
            check(item, f"{path}.{key}" if _is_identifier(key) else f"{path}[{key!r}]")
        return
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            check(item, f"{path}[{index}]")
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


def decode(data: bytes | str) -> Any:
    """Parse JSON (UTF-8 if bytes), admitting only the canonical subset.

    Raises EncodingError naming the path of the first value outside the subset.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        value = _subset_decoder.decode(text)
    except _SubsetViolation:
        value = json.loads(data)
        check(value)
        raise EncodingError("$", "value outside the canonical subset") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise EncodingError("$", f"not valid JSON: {exc}") from None
    if isinstance(data, bytes | bytearray) and b"\\ud" in data.lower():
        check(value)  # escaped lone surrogates survive json.loads; catch them here
    elif isinstance(data, str) and "\\ud" in data.lower():
        check(value)
    return value


class _SubsetViolation(ValueError):
    pass


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
    parse_float=_refuse_float, parse_constant=_refuse_constant, parse_int=_checked_int
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
