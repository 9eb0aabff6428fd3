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

Entries live in the memory of the process that serves the API, shared by every peer
that process serves for one chain (``agriledger serve`` runs them all in one
process); a restart forgets them (the signer posts again, or hands the envelope over
as text, which still works). At most ``MAX_ENTRIES`` are kept, the oldest dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from ledger.tx import Envelope, Signature

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


@dataclass
class Inbox:
    """One chain's awaiting envelopes, by tx id, oldest first."""

    _items: OrderedDict[str, Awaiting] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, item: Awaiting) -> None:
        with self._lock:
            self._items.pop(item.envelope.tx_id, None)
            self._items[item.envelope.tx_id] = item
            while len(self._items) > MAX_ENTRIES:
                self._items.popitem(last=False)

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
            return item

    def for_member(self, member: str) -> list[Awaiting]:
        with self._lock:
            return [i for i in self._items.values() if i.visible_to(member)]

    def drop(self, tx_ids: set[str]) -> None:
        with self._lock:
            for tx_id in tx_ids:
                self._items.pop(tx_id, None)


_INBOXES: dict[str, Inbox] = {}
_INBOXES_LOCK = threading.Lock()


def inbox_for(chain_id: str) -> Inbox:
    """The process's inbox for ``chain_id`` (one per chain, shared by the peers served)."""
    with _INBOXES_LOCK:
        return _INBOXES.setdefault(chain_id, Inbox())
