"""Key-value state: an in-memory implementation and the write overlay used during execution.

Every stored value is kept twice: as canonical JSON bytes (what is hashed and
persisted) and as a decoded value private to the state. Readers get a fresh copy
of the decoded value, never the stored object, so a caller can never mutate stored
state by mutating what it read, and a writer cannot change what it wrote by
mutating its own object afterwards. Copying a decoded value is an order of
magnitude cheaper than parsing its bytes again (bench/append.py, agriledger bench).
"""

from __future__ import annotations

import bisect
import json
import marshal
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ledger.block import Write
from ledger.encoding import (
    NotPlain,
    canonical,
    canonical_trusted,
    canonical_vouched,
    plain_copy,
)
from ledger.interfaces import StateReader

_DELETED = object()

Copier = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _copier(value: Any) -> Copier:
    """The cheapest copy that shares nothing mutable with ``value`` (a plain JSON value)."""
    kind = type(value)
    if kind is dict:
        for item in value.values():
            if type(item) is dict or type(item) is list:
                return plain_copy
        return dict.copy
    if kind is list:
        for item in value:
            if type(item) is dict or type(item) is list:
                return plain_copy
        return list.copy
    return _same


class Stored:
    """One stored value: canonical bytes, the private decoded value and how to copy it.

    Flat values are copied with ``dict.copy``/``list.copy``; nested ones go through a
    ``marshal`` round trip (C speed, faster than a Python walk for a record with lists
    of dicts, and the result shares nothing). The image is not kept: at the scale of
    the two-small scenario that would cost more memory than it saves time.
    """

    __slots__ = ("copy_of", "raw", "value")

    def __init__(self, raw: bytes | None, value: Any) -> None:
        self.raw = raw  # None where nothing needs the bytes again (MemoryState entries)
        self.value = value
        self.copy_of = _copier(value)

    @classmethod
    def of(cls, value: Any, *, keep_bytes: bool = True) -> Stored:
        """Check ``value`` (raising EncodingError outside the subset) and keep a private
        copy; with ``keep_bytes`` also its canonical bytes (an overlay's writes feed the
        state hash and the store; a MemoryState entry only needs its value)."""
        try:
            private = plain_copy(value)  # checks the subset as it copies
        except NotPlain:  # subclasses, or out of the subset: canonical() says which
            raw = canonical(value)
            return cls(raw if keep_bytes else None, json.loads(raw))
        return cls(canonical_trusted(private) if keep_bytes else None, private)

    def canonical(self) -> bytes:
        return self.raw if self.raw is not None else canonical_trusted(self.value)

    def read(self) -> Any:
        if self.copy_of is plain_copy:
            return marshal.loads(marshal.dumps(self.value))
        return self.copy_of(self.value)


class MemoryState:
    """Sorted in-memory key-value state."""

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Stored] = {}
        self._keys: list[str] = []
        for key, value in (items or {}).items():
            self.put(key, value)

    def get(self, key: str) -> Any | None:
        stored = self._data.get(key)
        return None if stored is None else stored.read()

    def peek(self, key: str) -> Any | None:
        """The stored value itself, not a copy: callers must not mutate it."""
        stored = self._data.get(key)
        return None if stored is None else stored.value

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        # Copy only the matching keys (callers may write while iterating).
        start = bisect.bisect_left(self._keys, prefix)
        end = bisect.bisect_left(self._keys, prefix + "\U0010ffff", start)
        data = self._data
        for key in self._keys[start:end]:
            yield key, data[key].read()

    def put(self, key: str, value: Any) -> None:
        if value is None:
            self.delete(key)
            return
        self._store(key, Stored.of(value, keep_bytes=False))

    def put_owned(self, key: str, value: Any) -> None:
        """``Overlay.put_owned`` for a state written directly (tests, harnesses): the
        encoding is checked, the value kept as it is."""
        canonical_vouched(value)
        self._store(key, Stored(None, value))

    def _store(self, key: str, stored: Stored) -> None:
        if key not in self._data:
            bisect.insort(self._keys, key)
        self._data[key] = stored

    def delete(self, key: str) -> None:
        if self._data.pop(key, None) is not None:
            index = bisect.bisect_left(self._keys, key)
            del self._keys[index]

    def apply(self, writes: Sequence[Write]) -> None:
        for key, value in writes:
            self.put(key, value)

    def adopt(self, writes: Sequence[Write]) -> None:
        """Apply a block's writes keeping its values rather than copies: block values
        are read-only once built, and readers of this state still get copies."""
        for key, value in writes:
            if value is None:
                self.delete(key)
            else:
                self._store(key, Stored(None, value))

    def items(self) -> Iterator[tuple[str, bytes]]:
        for key in self._keys:
            yield key, self._data[key].canonical()

    def __len__(self) -> int:
        return len(self._data)


class Overlay:
    """Buffered writes over a reader: what one tx (or one block) sees and writes.

    ``writes()`` returns the buffered changes sorted by key; ``commit_into`` folds
    them into a parent overlay when a tx succeeds.
    """

    def __init__(self, base: StateReader) -> None:
        self._base = base
        self._pending: dict[str, Any] = {}  # key -> Stored | _DELETED

    def get(self, key: str) -> Any | None:
        stored = self._pending.get(key)
        if stored is None:
            return self._base.get(key)
        return None if stored is _DELETED else stored.read()

    def peek(self, key: str) -> Any | None:
        """The stored value itself, not a copy: callers must not mutate it."""
        stored = self._pending.get(key)
        if stored is None:
            return self._base.peek(key)
        return None if stored is _DELETED else stored.value

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        mine = [(k, s) for k, s in self._pending.items() if k.startswith(prefix)]
        if not mine:
            yield from self._base.scan(prefix)
            return
        merged: dict[str, Any] = dict(self._base.scan(prefix))
        for key, stored in mine:
            if stored is _DELETED:
                merged.pop(key, None)
            else:
                merged[key] = stored.read()
        yield from sorted(merged.items())

    def put(self, key: str, value: Any) -> None:
        if value is None:
            self.delete(key)
            return
        self._pending[key] = Stored.of(value)

    def put_owned(self, key: str, value: Any) -> None:
        """Write a value the caller hands over and vouches for (see
        ``canonical_vouched``): fresh containers nobody else holds, no floats. It is
        kept as it is, not copied; only its encoding is checked."""
        self._pending[key] = Stored(canonical_vouched(value), value)

    def delete(self, key: str) -> None:
        self._pending[key] = _DELETED

    def writes(self) -> tuple[Write, ...]:
        """The buffered changes sorted by key (values are fresh copies)."""
        return tuple(
            (key, None if stored is _DELETED else stored.read())
            for key, stored in sorted(self._pending.items())
        )

    def raw_writes(self) -> tuple[tuple[str, bytes | None], ...]:
        """The buffered changes sorted by key, as the canonical bytes already computed
        when they were written (None for a delete): what the store and the state hash
        need, without encoding each value again."""
        return self.settled_writes()[1]

    def settled_writes(self) -> tuple[tuple[Write, ...], tuple[tuple[str, bytes | None], ...]]:
        """(writes, raw writes) sorted by key, for a tx result: the values are the
        overlay's private ones, not copies, so whoever takes them must treat them as
        read-only (a block's results are; see ``ledger.block``)."""
        items = sorted(self._pending.items())
        writes = tuple(
            (key, None if stored is _DELETED else stored.value) for key, stored in items
        )
        raw = tuple(
            (key, None if stored is _DELETED else stored.canonical()) for key, stored in items
        )
        return writes, raw

    def commit_into(self, parent: Overlay) -> None:
        parent._pending.update(self._pending)

    def __bool__(self) -> bool:
        return bool(self._pending)
