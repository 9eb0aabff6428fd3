"""Key-value state: an in-memory implementation and the write overlay used during execution.

Values are kept as canonical JSON bytes and decoded on read, so a caller can never
mutate stored state by mutating what it read.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ledger.block import Write
from ledger.encoding import canonical

_DELETED = object()


class MemoryState:
    """Sorted in-memory key-value state."""

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, bytes] = {}
        self._keys: list[str] = []
        for key, value in (items or {}).items():
            self.put(key, value)

    def get(self, key: str) -> Any | None:
        raw = self._data.get(key)
        return None if raw is None else json.loads(raw)

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        start = bisect.bisect_left(self._keys, prefix)
        for key in self._keys[start:]:
            if not key.startswith(prefix):
                break
            yield key, json.loads(self._data[key])

    def put(self, key: str, value: Any) -> None:
        if value is None:
            self.delete(key)
            return
        if key not in self._data:
            bisect.insort(self._keys, key)
        self._data[key] = canonical(value)

    def put_raw(self, key: str, raw: bytes) -> None:
        if key not in self._data:
            bisect.insort(self._keys, key)
        self._data[key] = raw

    def delete(self, key: str) -> None:
        if self._data.pop(key, None) is not None:
            index = bisect.bisect_left(self._keys, key)
            del self._keys[index]

    def apply(self, writes: Sequence[Write]) -> None:
        for key, value in writes:
            self.put(key, value)

    def items(self) -> Iterator[tuple[str, bytes]]:
        for key in self._keys:
            yield key, self._data[key]

    def __len__(self) -> int:
        return len(self._data)


class Overlay:
    """Buffered writes over a reader: what one tx (or one block) sees and writes.

    ``writes()`` returns the buffered changes sorted by key; ``commit_into`` folds
    them into a parent overlay when a tx succeeds.
    """

    def __init__(self, base: Any) -> None:
        self._base = base
        self._pending: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        if key in self._pending:
            value = self._pending[key]
            return None if value is _DELETED else json.loads(value)
        return self._base.get(key)

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        merged: dict[str, Any] = dict(self._base.scan(prefix))
        for key, value in self._pending.items():
            if key.startswith(prefix):
                if value is _DELETED:
                    merged.pop(key, None)
                else:
                    merged[key] = json.loads(value)
        yield from sorted(merged.items())

    def put(self, key: str, value: Any) -> None:
        if value is None:
            self.delete(key)
            return
        self._pending[key] = canonical(value)

    def delete(self, key: str) -> None:
        self._pending[key] = _DELETED

    def writes(self) -> tuple[Write, ...]:
        return tuple(
            (key, None if raw is _DELETED else json.loads(raw))
            for key, raw in sorted(self._pending.items())
        )

    def commit_into(self, parent: Overlay) -> None:
        parent._pending.update(self._pending)

    def __bool__(self) -> bool:
        return bool(self._pending)
