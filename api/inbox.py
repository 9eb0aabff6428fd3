"""The co-signature inbox: envelopes that still need signatures, held by the serving
process and listed to the members named as their co-signers (issue 17).

A transaction whose policy needs several signers (a receipt issued by the keeper and
the collateral manager, a claim verified by the agriculture bureau and the
cooperative) is signed by one member, posted here naming the others, and each named
member's console lists it, checks it and adds a signature; whoever signs last
submits it. Only the named co-signers and those who already signed see an entry
(need to know: a third organisation does not learn that the transaction exists
before it is on chain). The inbox is off chain on purpose: nothing is final until
the signed envelope is submitted, the contract's policy is checked as for any
envelope, and no half-signed intent is written into every peer's chain file.

Entries are shared by every peer one process serves for one chain (``agriledger
serve`` runs them all in one process). ``agriledger serve`` keeps them in
``inbox.db`` in the network directory (one per peer directory when each peer is its
own process), so a restart loses no half-signed envelope; the file is readable by its
owner only, like the private data beside it. Without a directory (tests, simulations)
they live in memory. At most ``MAX_ENTRIES`` are kept, the oldest dropped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ledger.tx import Envelope, Signature

INBOX_FILE = "inbox.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS awaiting (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_id TEXT NOT NULL UNIQUE,
    entry TEXT NOT NULL
);
"""

MAX_ENTRIES = 1_000
MAX_CO_SIGNERS = 15


@dataclass(frozen=True, slots=True)
class Awaiting:
    """An envelope, the co-signers still to sign it, and who posted it when."""

    envelope: Envelope
    awaiting: tuple[str, ...]
    posted_by: str
    posted_at: str

    def visible_to(self, member: str) -> bool:
        return member in self.awaiting or member in self.envelope.signers

    def to_json(self) -> dict[str, Any]:
        return {"tx_id": self.envelope.tx_id, "envelope": self.envelope.to_json(),
                "awaiting": list(self.awaiting), "posted_by": self.posted_by,
                "posted_at": self.posted_at}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Awaiting:
        return cls(envelope=Envelope.parse(data["envelope"]), awaiting=tuple(data["awaiting"]),
                   posted_by=data["posted_by"], posted_at=data["posted_at"])


@dataclass
class Inbox:
    """One chain's awaiting envelopes, by tx id, oldest first; written through to
    ``db`` (SQLite) when it has one, so the entries outlive the process."""

    db: sqlite3.Connection | None = None
    _items: OrderedDict[str, Awaiting] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, path: Path) -> Inbox:
        """The inbox kept in ``path``, with the entries a previous process left there."""
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        path.chmod(0o600)
        db.executescript(SCHEMA)
        inbox = cls(db)
        for tx_id, entry in db.execute("SELECT tx_id, entry FROM awaiting ORDER BY seq"):
            inbox._items[tx_id] = Awaiting.from_json(json.loads(entry))
        return inbox

    def _write(self, sql: str, *params: object) -> None:
        if self.db is not None:
            self.db.execute(sql, params)

    def post(self, item: Awaiting) -> None:
        tx_id = item.envelope.tx_id
        with self._lock:
            self._items.pop(tx_id, None)
            self._items[tx_id] = item
            self._write("DELETE FROM awaiting WHERE tx_id = ?", tx_id)
            self._write("INSERT INTO awaiting (tx_id, entry) VALUES (?, ?)", tx_id,
                        json.dumps(item.to_json()))
            while len(self._items) > MAX_ENTRIES:
                oldest, _ = self._items.popitem(last=False)
                self._write("DELETE FROM awaiting WHERE tx_id = ?", oldest)

    def get(self, tx_id: str) -> Awaiting | None:
        with self._lock:
            return self._items.get(tx_id)

    def signed(self, tx_id: str, signature: Signature) -> Awaiting | None:
        """The entry with ``signature`` added and its signer no longer awaited."""
        with self._lock:
            item = self._items.get(tx_id)
            if item is None:
                return None
            env = item.envelope
            envelope = Envelope(body=env.body, body_bytes=env.body_bytes, tx_id=env.tx_id,
                                signatures=(*env.signatures, signature))
            item = replace(item, envelope=envelope,
                           awaiting=tuple(m for m in item.awaiting if m != signature.signer))
            self._items[tx_id] = item
            self._write("UPDATE awaiting SET entry = ? WHERE tx_id = ?",
                        json.dumps(item.to_json()), tx_id)
            return item

    def for_member(self, member: str) -> list[Awaiting]:
        with self._lock:
            return [i for i in self._items.values() if i.visible_to(member)]

    def drop(self, tx_ids: set[str]) -> None:
        with self._lock:
            for tx_id in tx_ids:
                if self._items.pop(tx_id, None) is not None:
                    self._write("DELETE FROM awaiting WHERE tx_id = ?", tx_id)


_INBOXES: dict[str, Inbox] = {}
_INBOXES_LOCK = threading.Lock()


def inbox_for(chain_id: str) -> Inbox:
    """The process's in-memory inbox for ``chain_id`` (one per chain, shared by the peers
    served) where no directory keeps one."""
    with _INBOXES_LOCK:
        return _INBOXES.setdefault(chain_id, Inbox())
