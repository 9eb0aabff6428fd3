"""Private fields: a salted hash on the chain, the plaintext in a per-peer private store.

Personal data (a household's name, ID number, phone, bank card, plot location)
never enters a transaction body or replicated state. The client replaces each
value with a *sealed* hash and sends the plaintext beside the envelope (the
side-car); only the peers of organisations entitled to it store the side-car.

Salt scheme (``seal``, ``field_hash``): each field gets its own random salt of
``SALT_BYTES`` (16) bytes from ``secrets``; the hash is the lowercase hex
SHA-256 of ``DOMAIN ‖ salt ‖ canonical({"field": name, "value": value})``. The
salt travels and is stored with the plaintext (never on chain), so an entitled
reader recomputes the hash and compares it with the one on chain; anyone holding
only the chain cannot test guesses (an ID number has few enough candidates to
enumerate without a salt), and two households with the same value get unrelated
hashes. The field name inside the hashed bytes stops a value sealed as one field
being presented as another.

``PrivateStore`` is one SQLite file per peer (``private.db`` beside ``chain.db``),
never part of the chain: ``purge`` deletes rows with ``secure_delete`` on and a
rollback journal, so purged plaintext is overwritten in the file, not left in a
free page or a WAL frame.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.encoding import canonical, decode
from ledger.exceptions import LedgerError

SALT_BYTES = 16
"""Random bytes per field (hex: 32 characters); a side-car may carry up to 64 bytes."""
MAX_SALT_BYTES = 64
MAX_VALUE_CHARS = 512
MAX_FIELDS = 10_000
DOMAIN = b"agriledger/private/v1\x00"
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PRIVATE_FILE = "private.db"


class PrivateDataRefused(LedgerError):
    """A side-car that cannot be accepted; ``path`` names the field, ``rule`` the rule."""

    code = "PRIVATE_DATA_INVALID"

    def __init__(self, path: str, rule: str, code: str = "PRIVATE_DATA_INVALID") -> None:
        self.path = path
        self.rule = rule
        self.code = code
        super().__init__(f"{path}: {rule}")


def field_hash(field: str, value: str, salt_hex: str) -> str:
    """The on-chain hash of ``value`` sealed as ``field`` with ``salt_hex``."""
    body = canonical({"field": field, "value": value})
    return hashlib.sha256(DOMAIN + bytes.fromhex(salt_hex) + body).hexdigest()


@dataclass(frozen=True, slots=True)
class PrivateField:
    """One sealed value: what the side-car carries and the private store keeps."""

    field: str
    value: str
    salt: str
    hash: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "salt": self.salt, "hash": self.hash}

    def matches(self) -> bool:
        return field_hash(self.field, self.value, self.salt) == self.hash


Salts = Callable[[], bytes]


def seal(field: str, value: str, salts: Salts | None = None) -> PrivateField:
    """``value`` with a fresh random salt and its hash (client side). ``salts`` replaces
    ``secrets`` only where the data is synthetic and runs must repeat (a simulation)."""
    salt = (salts or _random_salt)().hex()
    if len(salt) < 2 * SALT_BYTES:
        raise ValueError(f"a salt has at least {SALT_BYTES} bytes")
    return PrivateField(field, value, salt, field_hash(field, value, salt))


def _random_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def seal_args(args: Mapping[str, Any], key: str = "personal", salts: Salts | None = None,
              ) -> tuple[dict[str, Any], list[PrivateField]]:
    """Copy ``args`` with every object under ``key`` (plaintext ``{field: value}``)
    replaced by ``{field: hash}``; return the copy and the side-car's fields."""
    sealed: list[PrivateField] = []

    def walk(value: Any) -> Any:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for k, v in value.items():
                if k == key and isinstance(v, Mapping):
                    fields = {}
                    for name, plain in v.items():
                        if plain is None:
                            continue
                        item = seal(str(name), str(plain), salts)
                        sealed.append(item)
                        fields[name] = item.hash
                    out[k] = fields
                else:
                    out[k] = walk(v)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(args), sealed


def parse_fields(raw: Any, path: str = "$.private") -> list[PrivateField]:
    """Side-car JSON (a list of ``{field, value, salt, hash}``) checked field by field;
    PrivateDataRefused names the first bad one."""
    if not isinstance(raw, list) or not raw:
        raise PrivateDataRefused(path, "must be a non-empty array of sealed fields")
    if len(raw) > MAX_FIELDS:
        raise PrivateDataRefused(path, f"at most {MAX_FIELDS} fields")
    out: list[PrivateField] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        at = f"{path}[{i}]"
        if not isinstance(item, dict) or set(item) != {"field", "value", "salt", "hash"}:
            raise PrivateDataRefused(at, "must be an object with exactly field, value, salt, hash")
        if not all(isinstance(item[k], str) for k in item):
            raise PrivateDataRefused(at, "field, value, salt and hash must be strings")
        if not FIELD_NAME.match(item["field"]):
            raise PrivateDataRefused(f"{at}.field", "lowercase name, at most 32 characters")
        if len(item["value"]) > MAX_VALUE_CHARS:
            raise PrivateDataRefused(f"{at}.value", f"at most {MAX_VALUE_CHARS} characters")
        salt = item["salt"]
        if not re.fullmatch(r"[0-9a-f]*", salt) or not (
            2 * SALT_BYTES <= len(salt) <= 2 * MAX_SALT_BYTES and len(salt) % 2 == 0
        ):
            raise PrivateDataRefused(
                f"{at}.salt", f"lowercase hex of {SALT_BYTES} to {MAX_SALT_BYTES} random bytes"
            )
        if not HEX64.match(item["hash"]):
            raise PrivateDataRefused(f"{at}.hash", "lowercase hex SHA-256")
        sealed = PrivateField(item["field"], item["value"], salt, item["hash"])
        if not sealed.matches():
            raise PrivateDataRefused(
                f"{at}.hash", "is not SHA-256 of the domain, salt and canonical field and value",
                "PRIVATE_HASH_MISMATCH",
            )
        if sealed.hash in seen:
            raise PrivateDataRefused(f"{at}.hash", "appears twice in the side-car")
        seen.add(sealed.hash)
        out.append(sealed)
    return out


def hashes_in(value: Any, found: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """{field name: hashes} of every ``name: <64 hex>`` pair anywhere in ``value``."""
    found = {} if found is None else found
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and HEX64.match(v):
                found.setdefault(k, set()).add(v)
            else:
                hashes_in(v, found)
    elif isinstance(value, list):
        for v in value:
            hashes_in(v, found)
    return found


def bind_to_args(fields: Iterable[PrivateField], args: Any) -> None:
    """Every sealed field's hash must stand in the tx's args under its field name."""
    present = hashes_in(args)
    for i, item in enumerate(fields):
        if item.hash not in present.get(item.field, ()):
            raise PrivateDataRefused(
                f"$.private[{i}].hash",
                f"is not in the envelope's args as a {item.field!r} hash",
                "PRIVATE_HASH_NOT_IN_TX",
            )


@dataclass(frozen=True, slots=True)
class PrivateRecord:
    """A stored plaintext with the tx that put its hash on chain and who may read it."""

    sealed: PrivateField
    tx_id: str
    readers: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**self.sealed.to_json(), "tx_id": self.tx_id, "readers": list(self.readers)}


SCHEMA = """
CREATE TABLE IF NOT EXISTS private (
    hash TEXT PRIMARY KEY, field TEXT NOT NULL, value TEXT NOT NULL, salt TEXT NOT NULL,
    tx_id TEXT NOT NULL, readers TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS private_tx ON private (tx_id);
CREATE TABLE IF NOT EXISTS purged (hash TEXT PRIMARY KEY, tx_id TEXT NOT NULL);
"""


class PrivateStore:
    """One peer's plaintext store (``path`` None: in memory). Thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False,
            isolation_level=None,
        )
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA journal_mode = DELETE")
        self._db.executescript(SCHEMA)
        if path is not None:
            path.chmod(0o600)

    @classmethod
    def open(cls, directory: Path | None) -> PrivateStore:
        if directory is None:
            return cls(None)
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory / PRIVATE_FILE)

    def put(self, tx_id: str, fields: Iterable[PrivateField], readers: Iterable[str]) -> None:
        """Keep ``fields`` for ``tx_id``; a purged hash is never stored again."""
        who = canonical(sorted(set(readers))).decode()
        rows = [(f.hash, f.field, f.value, f.salt, tx_id, who) for f in fields]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO private (hash, field, value, salt, tx_id, readers) "
                    "SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM purged WHERE hash = ?)",
                    [(*row, row[0]) for row in rows],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def get(self, digest: str) -> PrivateRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT field, value, salt, tx_id, readers FROM private WHERE hash = ?", (digest,)
            ).fetchone()
        if row is None:
            return None
        field, value, salt, tx_id, readers = row
        return PrivateRecord(
            PrivateField(field, value, salt, digest), tx_id, tuple(_readers(readers))
        )

    def hashes(self) -> Iterator[str]:
        with self._lock:
            rows = self._db.execute("SELECT hash FROM private ORDER BY hash").fetchall()
        return (r[0] for r in rows)

    def purged(self, digest: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM purged WHERE hash = ?", (digest,)).fetchone()
        return row is not None

    def purge(self, hashes: Iterable[str], tx_id: str) -> int:
        """Delete the plaintext of ``hashes`` (the purge tx ``tx_id`` is remembered);
        returns how many rows held plaintext."""
        digests = sorted(set(hashes))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                deleted = 0
                for digest in digests:
                    deleted += self._db.execute(
                        "DELETE FROM private WHERE hash = ?", (digest,)
                    ).rowcount
                    self._db.execute(
                        "INSERT OR IGNORE INTO purged (hash, tx_id) VALUES (?, ?)",
                        (digest, tx_id),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return deleted

    def discard_tx(self, tx_id: str) -> int:
        """Drop what a tx that the chain rejected had sent (its hashes are on no record)."""
        with self._lock:
            return self._db.execute("DELETE FROM private WHERE tx_id = ?", (tx_id,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _readers(text: str) -> list[str]:
    return [str(v) for v in decode(text.encode())]
