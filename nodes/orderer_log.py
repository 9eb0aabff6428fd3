"""Where the in-process orderer keeps what it accepted and how it cut it.

``MemoryLog`` holds everything in lists (simulations and tests: bounded runs).
``SqliteOrdererLog`` keeps it in one SQLite file, so what ``agriledger serve``
answered 202 for survives a crash of the process: every accepted envelope is
written (and the write committed) before ``accept`` returns, every cut before
its batch is handed to a peer. ``sync="normal"`` (the default, as the peers'
chain files) survives the process being killed; ``sync="full"`` also a power cut,
at one fsync per submission (about 9 ms on the benchmark machine's disk). Memory
holds only a short window of recent batches; older ones are read back from the file.

A log is an ordered list of *entries* (accepted envelopes, each tx_id once) and
of *cuts*; cut ``n`` takes the entries after cut ``n - 1``'s last one, up to its
own ``last``. Entries after the last cut are still waiting to be cut. On a development
chain the log also keeps how far the clock was moved forward (``clock_offset``), so a
restart stamps blocks on the same moved clock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ledger.block import CutInfo, CutReason
from ledger.encoding import decode
from ledger.exceptions import StoreError
from ledger.sqlite_store import bound_wal, cap_growth
from ledger.tx import Envelope
from nodes.messages import Batch

LOG_FILE = "log.db"
RECENT_BATCHES = 16
"""Cut batches the SQLite log keeps in memory for catch-up reads (older: from the file)."""

Waiting = tuple[int, Envelope]  # (arrival ms, envelope)


class OrdererLog(Protocol):
    def accept(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Envelope]:
        """Record envelopes never seen before (durably, if the log is durable); return them."""

    def record(self, batch: Batch) -> None:
        """Record a cut: the first ``len(batch.envelopes)`` waiting entries become ``batch``."""

    def height(self) -> int:
        """Seq of the last cut recorded (0 when none)."""

    def start_at(self, height: int) -> None:
        """An empty log continues a chain whose blocks ``1..height`` it never held."""

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]: ...

    def waiting(self) -> list[Waiting]:
        """Entries accepted and not yet cut, in arrival order (what a restart must still cut)."""

    def probe(self) -> None:
        """Raise StoreError unless the log can be written now (after a storage fault)."""

    def clock_offset(self) -> int:
        """Milliseconds a development chain's clock was moved forward (0 when never)."""

    def set_clock_offset(self, offset_ms: int) -> None:
        """Record the dev clock's offset (durably, if the log is durable)."""

    def close(self) -> None: ...


class MemoryLog:
    """Everything in memory: the seen-set and every batch (for bounded runs only)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._batches: list[Batch] = []
        self._base = 0
        self._offset_ms = 0

    def accept(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Envelope]:
        fresh = []
        for envelope in envelopes:
            if envelope.tx_id not in self._seen:
                self._seen.add(envelope.tx_id)
                fresh.append(envelope)
        return fresh

    def record(self, batch: Batch) -> None:
        self._batches.append(batch)

    def height(self) -> int:
        return self._base + len(self._batches)

    def start_at(self, height: int) -> None:
        self._base = height

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        start = max(seq - self._base, 1) - 1
        end = len(self._batches) if limit is None else min(len(self._batches), start + limit)
        return self._batches[start:end]

    def waiting(self) -> list[Waiting]:
        return []

    def probe(self) -> None:
        return None

    def clock_offset(self) -> int:
        return self._offset_ms

    def set_clock_offset(self, offset_ms: int) -> None:
        self._offset_ms = offset_ms

    def close(self) -> None:
        return None


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    pos INTEGER PRIMARY KEY,
    tx_id TEXT NOT NULL UNIQUE,
    arrived_ms INTEGER NOT NULL,
    envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS cuts (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    node TEXT NOT NULL,
    reason TEXT NOT NULL,
    last INTEGER NOT NULL
);
"""


def _envelope(data: bytes) -> Envelope:
    return Envelope.parse(decode(data), trusted_json=True)  # gate-checked before it was logged


SYNC_MODES = ("normal", "full")


class SqliteOrdererLog:
    """The log in ``path`` (created if missing), in WAL mode with ``synchronous=<sync>``."""

    def __init__(self, path: Path, *, sync: str = "normal") -> None:
        if sync not in SYNC_MODES:
            raise ValueError(f"sync: one of {', '.join(SYNC_MODES)}, not {sync!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={sync.upper()}")
            bound_wal(self._db)
            self._db.executescript(SCHEMA)
            last = "SELECT seq, last FROM cuts ORDER BY seq DESC LIMIT 1"
            row = self._db.execute(last).fetchone()
            base = self._db.execute("SELECT value FROM meta WHERE key = 'base'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the orderer log: {exc}") from None
        self._base = 0 if base is None else int(base[0])
        self._height, self._last = (self._base, 0) if row is None else (int(row[0]), int(row[1]))
        self._recent: deque[Batch] = deque(maxlen=RECENT_BATCHES)
        self._lock = threading.Lock()

    def _write(self, what: str, statements: Sequence[tuple[str, tuple[object, ...]]]) -> list[int]:
        """Run ``statements`` in one transaction: their row counts, or StoreError (no change)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    counts = [self._db.execute(sql, args).rowcount for sql, args in statements]
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:  # SQLITE_FULL has rolled back already
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StoreError(f"orderer log {self.path}: {what} failed: {exc}") from None
            return counts

    def accept(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Envelope]:
        counts = self._write("accepting envelopes", [
            ("INSERT OR IGNORE INTO entries (tx_id, arrived_ms, envelope) VALUES (?, ?, ?)",
             (e.tx_id, now_ms, e.canonical_bytes()))
            for e in envelopes
        ])
        return [e for e, count in zip(envelopes, counts, strict=True) if count == 1]

    def record(self, batch: Batch) -> None:
        if batch.seq != self._height + 1:
            raise StoreError(f"orderer log: cut {batch.seq} does not follow cut {self._height}")
        last = self._last + len(batch.envelopes)
        if batch.envelopes:
            row = self._query_one("SELECT tx_id FROM entries WHERE pos = ?", (last,))
            if row is None or row[0] != batch.envelopes[-1].tx_id:
                raise StoreError(f"orderer log: cut {batch.seq} does not end at entry {last}")
        self._write(f"recording cut {batch.seq}", [(
            "INSERT INTO cuts (seq, time, node, reason, last) VALUES (?, ?, ?, ?, ?)",
            (batch.seq, batch.time, batch.cut.orderer, batch.cut.reason.value, last),
        )])
        self._height, self._last = batch.seq, last
        self._recent.append(batch)

    def height(self) -> int:
        return self._height

    def start_at(self, height: int) -> None:
        if self._height or self._last:
            raise StoreError(f"orderer log {self.path}: start_at on a log that holds cuts")
        self._write("recording the starting height", [
            ("INSERT OR REPLACE INTO meta (key, value) VALUES ('base', ?)", (height,))
        ])
        self._base = self._height = height

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        seq = max(seq, self._base + 1)
        end = self._height if limit is None else min(self._height, seq + limit - 1)
        if seq > end:
            return []
        if self._recent and self._recent[0].seq <= seq:
            return [b for b in self._recent if seq <= b.seq <= end]
        cuts = self._query_all(
            "SELECT seq, time, node, reason, last FROM cuts WHERE seq >= ? AND seq <= ? "
            "ORDER BY seq", (seq - 1, end),
        )
        previous = 0  # the entries before the first cut of this log
        batches = []
        for number, time, node, reason, last in cuts:
            if number >= seq:
                rows = self._query_all(
                    "SELECT envelope FROM entries WHERE pos > ? AND pos <= ? ORDER BY pos",
                    (previous, last),
                )
                batches.append(Batch(
                    seq=number, time=time, cut=CutInfo(node, number, CutReason(reason)),
                    envelopes=tuple(_envelope(r[0]) for r in rows),
                ))
            previous = last
        return batches

    def waiting(self) -> list[Waiting]:
        rows = self._query_all(
            "SELECT arrived_ms, envelope FROM entries WHERE pos > ? ORDER BY pos", (self._last,)
        )
        return [(int(ms), _envelope(data)) for ms, data in rows]

    def probe(self) -> None:
        probe = "INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', 1)"
        self._write("probing", [(probe, ())])

    def clock_offset(self) -> int:
        row = self._query_one("SELECT value FROM meta WHERE key = 'clock_offset_ms'", ())
        return 0 if row is None else int(row[0])

    def set_clock_offset(self, offset_ms: int) -> None:
        self._write("recording the dev clock's offset", [
            ("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset_ms', ?)",
             (offset_ms,))
        ])

    def _query_one(self, sql: str, args: tuple[object, ...]) -> Any:
        rows = self._query_all(sql, args)
        return rows[0] if rows else None

    def _query_all(self, sql: str, args: tuple[object, ...]) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"orderer log {self.path}: read failed: {exc}") from None

    def limit_growth(self, pages: int | None) -> None:
        """As ``SqliteStore.limit_growth``: past ``pages`` more pages, accepting fails as on
        a full disk and accepts nothing."""
        with self._lock:
            cap_growth(self._db, pages)

    def close(self) -> None:
        with self._lock:
            self._db.close()
