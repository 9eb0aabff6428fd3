"""The SQLite chain store: blocks, tx records and state in one file.

Appending a block writes its header, every tx record and every state write in one
SQLite transaction (``BEGIN IMMEDIATE`` .. ``COMMIT``), so a crash at any moment
leaves the file at a block boundary. WAL mode keeps readers (the API) off the
writer's back; ``synchronous=NORMAL`` in WAL mode may lose the last block on power
loss but never leaves a partial one. The write-ahead log is checkpointed every 2 MiB
and its file cut back to 4 MiB (``bound_wal``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ledger.block import Block, BlockHeader, TxResult
from ledger.encoding import canonical_trusted
from ledger.exceptions import StoreError
from ledger.interfaces import TxRecord
from ledger.memory_store import check_extends
from ledger.tx import Envelope


def cap_growth(db: sqlite3.Connection, pages: int | None) -> None:
    """Let ``db`` grow by at most ``pages`` more pages (None: no limit); past it a write
    fails as on a full disk and changes nothing."""
    (current,) = db.execute("PRAGMA page_count").fetchone()
    limit = 0xFFFFFFFE if pages is None else int(current) + pages
    db.execute(f"PRAGMA max_page_count={limit}")


WAL_CHECKPOINT_BYTES = 2 * 1024 * 1024
"""A commit that leaves the write-ahead log this large checkpoints it into the main file
(SQLite's default, 1,000 pages, is 8 MiB at our 8 KiB pages)."""
WAL_LIMIT_BYTES = 4 * 1024 * 1024
"""After a checkpoint the log file is cut back to this size (SQLite's default keeps it at
its largest). So a store's ``-wal`` file stays within 4 MiB, or the checkpoint size plus
one block's writes when a block is larger than 2 MiB, unless a long-lived reader on
another connection (a backup, ``agriledger verify``) holds the checkpoint back."""


def bound_wal(db: sqlite3.Connection) -> None:
    """Checkpoint ``db``'s write-ahead log at ``WAL_CHECKPOINT_BYTES`` and cut its file
    back to ``WAL_LIMIT_BYTES`` (both are per connection: the writer's is what counts)."""
    (page_size,) = db.execute("PRAGMA page_size").fetchone()
    db.execute(f"PRAGMA wal_autocheckpoint={max(1, WAL_CHECKPOINT_BYTES // int(page_size))}")
    db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
    height INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    header TEXT NOT NULL,
    genesis TEXT
);
CREATE TABLE IF NOT EXISTS txs (
    height INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    tx_id BLOB NOT NULL,
    committed INTEGER NOT NULL,
    envelope TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (height, idx)
);
CREATE UNIQUE INDEX IF NOT EXISTS txs_committed_once ON txs (tx_id) WHERE committed = 1;
CREATE INDEX IF NOT EXISTS txs_rejected ON txs (tx_id) WHERE committed = 0;
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
# Schema 2: tx_id is the 32-byte digest (not 64 hex characters) and each tx row goes
# into exactly one partial index (committed rows into the unique one, rejected rows
# into the other), so an append inserts into one small index per tx instead of two
# wide ones: about 5 us less per tx (bench/append.py). Files of another schema are
# refused rather than misread.
SCHEMA_VERSION = "2"


_MAX_PARAMS = 900  # below SQLite's oldest default limit of 999 bound parameters


def _prefix_end(prefix: str) -> str:
    return prefix + "\U0010ffff"


def _digest(tx_id: str) -> bytes | None:
    """The stored form of a tx_id (its 32 bytes); None for text that is no tx_id."""
    if len(tx_id) != 64:
        return None
    try:
        digest = bytes.fromhex(tx_id)
    except ValueError:
        return None
    return digest if digest.hex() == tx_id else None  # fromhex admits upper case, spaces


def _hex(stored: bytes | str) -> str:
    """A stored tx_id as lowercase hex (a hand-edited text value is passed through)."""
    return stored.hex() if isinstance(stored, bytes) else str(stored)


STATE_CACHE_KEYS = 20_000
"""Stored texts of recently read or written keys the writing store keeps in memory."""


class SqliteState:
    """State at the head, read from the store's ``state`` table.

    The writing store remembers the stored text of the last ``cache_keys`` keys read or
    written (and which are absent): its own appends are the table's only writes, and it
    updates what it remembers as it commits, under the same lock as the reads, so a read
    never sees a text older than the head. Every read still decodes the text afresh, so
    callers get their own copy. A read-only store (another process may be appending)
    reads straight from the table.
    """

    def __init__(self, store: SqliteStore, cache_keys: int = 0) -> None:
        self._store = store
        self._cache_keys = cache_keys
        self._texts: OrderedDict[str, str | None] = OrderedDict()

    def get(self, key: str) -> Any | None:
        text = self._text(key)
        return None if text is None else json.loads(text)

    def _text(self, key: str) -> str | None:
        if not self._cache_keys:
            row = self._store._query_one("SELECT value FROM state WHERE key = ?", (key,))
            return None if row is None else str(row[0])
        with self._store._lock:
            if key in self._texts:
                self._texts.move_to_end(key)
                return self._texts[key]
            row = self._store._query_one("SELECT value FROM state WHERE key = ?", (key,))
            text = None if row is None else str(row[0])
            self.remember(((key, text),))
            return text

    def remember(self, texts: Iterable[tuple[str, str | None]]) -> None:
        """Note committed texts (None: deleted); the caller holds the store's lock."""
        if not self._cache_keys:
            return
        for key, text in texts:
            self._texts[key] = text
            self._texts.move_to_end(key)
        while len(self._texts) > self._cache_keys:
            self._texts.popitem(last=False)

    def peek(self, key: str) -> Any | None:
        """``get``: every read decodes the stored text afresh, so there is nothing to
        save by not copying."""
        return self.get(key)

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        rows = self._store._query_all(
            "SELECT key, value FROM state WHERE key >= ? AND key < ? ORDER BY key",
            (prefix, _prefix_end(prefix)),
        )
        for key, value in rows:
            yield key, json.loads(value)

    def raw_items(self) -> list[tuple[str, str]]:
        return self._store._query_all("SELECT key, value FROM state ORDER BY key", ())


class SqliteStore:
    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such chain file")
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        try:
            self._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            if not readonly:
                # Tx rows are ~1 KB; 8 KiB pages cut B-tree overhead per row by about a
                # fifth (bench/append.py). Only takes effect when the file is created.
                self._db.execute("PRAGMA page_size=8192")
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                bound_wal(self._db)
                self._db.executescript(SCHEMA)
                self._stamp_schema()
            self._check_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open chain store: {exc}") from None
        self._lock = threading.RLock()
        self._state = SqliteState(self, 0 if readonly else STATE_CACHE_KEYS)
        self._head: BlockHeader | None = None
        self._head_loaded = False

    def _stamp_schema(self) -> None:
        """Record the schema version in a new file (a file with blocks but no version
        predates versioning and is left unstamped, so _check_schema refuses it)."""
        has_blocks = self._db.execute("SELECT 1 FROM blocks LIMIT 1").fetchone() is not None
        if not has_blocks:
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )

    def _check_schema(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            found = "none" if row is None else row[0]
            raise StoreError(
                f"{self.path}: chain store schema {found}, this version reads {SCHEMA_VERSION}"
            )

    # -- queries -------------------------------------------------------------------------

    def _query_one(self, sql: str, params: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def _query_all(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @property
    def state(self) -> SqliteState:
        return self._state

    def height(self) -> int:
        head = self.head()
        return -1 if head is None else head.height

    def head(self) -> BlockHeader | None:
        if not self._head_loaded:
            row = self._query_one("SELECT header FROM blocks ORDER BY height DESC LIMIT 1", ())
            self._head = None if row is None else BlockHeader.from_json(json.loads(row[0]))
            self._head_loaded = True
        return self._head

    def header(self, height: int) -> BlockHeader | None:
        row = self._query_one("SELECT header FROM blocks WHERE height = ?", (height,))
        return None if row is None else BlockHeader.from_json(json.loads(row[0]))

    def block(self, height: int) -> Block | None:
        row = self._query_one(
            "SELECT height, hash, header, genesis FROM blocks WHERE height = ?", (height,)
        )
        return None if row is None else self._load_block(row)

    def block_by_hash(self, block_hash: str) -> Block | None:
        row = self._query_one(
            "SELECT height, hash, header, genesis FROM blocks WHERE hash = ?", (block_hash,)
        )
        return None if row is None else self._load_block(row)

    def _load_block(self, row: tuple[int, str, str, str | None]) -> Block:
        height, block_hash, header_text, genesis_text = row
        header = BlockHeader.from_json(json.loads(header_text))
        txs = self._query_all(
            "SELECT envelope, result FROM txs WHERE height = ? ORDER BY idx", (height,)
        )
        envelopes = tuple(Envelope.parse(json.loads(env), trusted_json=True) for env, _ in txs)
        results = tuple(TxResult.from_json(json.loads(res)) for _, res in txs)
        genesis: Mapping[str, Any] | None = None
        genesis_writes: tuple[tuple[str, Any], ...] = ()
        if genesis_text is not None:
            payload = json.loads(genesis_text)
            genesis = payload["config"]
            genesis_writes = tuple((k, v) for k, v in payload["writes"])
        return Block(
            header=header, envelopes=envelopes, results=results,
            genesis=genesis, genesis_writes=genesis_writes, hash=block_hash,
        )

    def block_rows(self, start: int = 0) -> Iterator[tuple[int, str, str, str | None]]:
        """Raw block rows in height order (verification reads the file as stored)."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT height, hash, header, genesis FROM blocks "
                "WHERE height >= ? ORDER BY height",
                (start,),
            )
            rows = cursor.fetchall()
        yield from rows

    def tx_rows(self, height: int) -> list[tuple[int, str, int, str, str]]:
        """Raw tx rows of one block in index order, tx_id as lowercase hex."""
        rows = self._query_all(
            "SELECT idx, tx_id, committed, envelope, result FROM txs WHERE height = ? ORDER BY idx",
            (height,),
        )
        return [(idx, _hex(tx_id), committed, env, res) for idx, tx_id, committed, env, res in rows]

    def count_txs(self) -> int:
        row = self._query_one("SELECT COUNT(*) FROM txs", ())
        return int(row[0])

    def tx(self, tx_id: str) -> TxRecord | None:
        key = _digest(tx_id)
        if key is None:
            return None
        row = self._query_one(
            "SELECT height, idx, envelope, result FROM txs WHERE tx_id = ? AND committed = 1",
            (key,),
        ) or self._query_one(
            "SELECT height, idx, envelope, result FROM txs WHERE tx_id = ? AND committed = 0 "
            "ORDER BY height, idx LIMIT 1",
            (key,),
        )
        if row is None:
            return None
        height, index, envelope, result = row
        return TxRecord(
            height, index,
            Envelope.parse(json.loads(envelope), trusted_json=True),
            TxResult.from_json(json.loads(result)),
        )

    def has_committed(self, tx_id: str) -> bool:
        key = _digest(tx_id)
        if key is None:
            return False
        row = self._query_one("SELECT 1 FROM txs WHERE tx_id = ? AND committed = 1", (key,))
        return row is not None

    def committed_among(self, tx_ids: Iterable[str]) -> set[str]:
        wanted = {d: t for t in tx_ids if (d := _digest(t)) is not None}
        keys = list(wanted)
        found: set[str] = set()
        for start in range(0, len(keys), _MAX_PARAMS):
            chunk = keys[start:start + _MAX_PARAMS]
            marks = ",".join("?" * len(chunk))
            rows = self._query_all(
                f"SELECT tx_id FROM txs WHERE committed = 1 AND tx_id IN ({marks})", tuple(chunk)
            )
            found.update(wanted[row[0]] for row in rows)
        return found

    def genesis(self) -> Mapping[str, Any] | None:
        row = self._query_one("SELECT genesis FROM blocks WHERE height = 0", ())
        if row is None or row[0] is None:
            return None
        config: Mapping[str, Any] = json.loads(row[0])["config"]
        return config

    # -- append --------------------------------------------------------------------------

    def append(self, block: Block) -> None:
        with self._lock:
            check_extends(self.head(), block)
            genesis_text = None
            if block.genesis is not None:
                payload = {
                    "config": dict(block.genesis),
                    "writes": [[k, v] for k, v in block.genesis_writes],
                }
                genesis_text = canonical_trusted(payload).decode("utf-8")
            tx_rows = [
                (
                    block.height, index, bytes.fromhex(env.tx_id), int(res.committed),
                    env.canonical_bytes().decode("utf-8"),
                    res.canonical_bytes().decode("utf-8"),
                )
                for index, (env, res) in enumerate(zip(block.envelopes, block.results, strict=True))
            ]
            if block.raw_writes is not None:
                puts = [(k, raw.decode("utf-8")) for k, raw in block.raw_writes if raw is not None]
                deletes = [(k,) for k, raw in block.raw_writes if raw is None]
            else:
                writes = block.writes()
                puts = [
                    (k, canonical_trusted(v).decode("utf-8")) for k, v in writes if v is not None
                ]
                deletes = [(k,) for k, v in writes if v is None]
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "INSERT INTO blocks (height, hash, header, genesis) VALUES (?, ?, ?, ?)",
                    (block.height, block.hash, block.header.canonical_bytes().decode("utf-8"),
                     genesis_text),
                )
                db.executemany(
                    "INSERT INTO txs (height, idx, tx_id, committed, envelope, result) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    tx_rows,
                )
                if puts:
                    db.executemany(
                        "INSERT INTO state (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        puts,
                    )
                if deletes:
                    db.executemany("DELETE FROM state WHERE key = ?", deletes)
                db.execute("COMMIT")
                self._state.remember(puts)
                self._state.remember((key, None) for (key,) in deletes)
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise StoreError(f"block {block.height}: append failed: {exc}") from None
            self._head = block.header
            self._head_loaded = True

    def limit_growth(self, pages: int | None) -> None:
        """Let the file grow by at most ``pages`` more pages (None: no limit). Past it an
        append fails as on a full disk ("database or disk is full") and changes nothing:
        a quota for operators, and the storage fault the operations tests inject."""
        with self._lock:
            cap_growth(self._db, pages)

    def close(self) -> None:
        with self._lock:
            self._db.close()
