"""Blocks: a canonical header that is hashed and signed, and a body of envelopes and results.

Header (canonical JSON, block hash = SHA-256 of its RFC 8785 bytes)::

    {"chain_id", "height", "prev_hash", "tx_root", "results_root", "state_hash",
     "time", "cut": {"orderer", "seq", "reason"}}          (+ "genesis_hash" at height 0)

- ``tx_root``: Merkle root of the tx_ids in block order.
- ``results_root``: Merkle root of SHA-256(canonical(result)) per tx, so a stored
  result (status, code, writes, events) cannot change without the header changing.
- ``state_hash``: SHA-256(prev state_hash bytes || canonical(sorted block writes)),
  chaining every block's writes onto the genesis state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ledger.crypto import sha256_hex
from ledger.encoding import canonical, canonical_trusted
from ledger.merkle import merkle_root
from ledger.tx import Envelope

ZERO_HASH = "0" * 64

Write = tuple[str, Any]  # (key, value); value None deletes the key
RawWrite = tuple[str, bytes | None]  # (key, canonical bytes of the value; None deletes)


class TxState(StrEnum):
    """Where a tx is. A block records only COMMITTED or REJECTED (``RECORDED``); a peer
    also answers PENDING (accepted, not yet in a block) and UNKNOWN (never seen)."""

    UNKNOWN = "unknown"
    PENDING = "pending"
    COMMITTED = "committed"
    REJECTED = "rejected"


RECORDED = frozenset({TxState.COMMITTED, TxState.REJECTED})


class CutReason(StrEnum):
    GENESIS = "genesis"
    SIZE = "size"
    TIMEOUT = "timeout"
    FLUSH = "flush"


@dataclass(frozen=True, slots=True)
class CutInfo:
    """How the orderer cut this batch: who, its sequence number, and why."""

    orderer: str
    seq: int
    reason: CutReason

    def to_json(self) -> dict[str, Any]:
        return {"orderer": self.orderer, "seq": self.seq, "reason": self.reason.value}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CutInfo:
        return cls(str(data["orderer"]), int(data["seq"]), CutReason(data["reason"]))


RESULT_FIELDS = ("code", "events", "message", "status", "tx_id", "writes")
"""A tx result's JSON fields, in canonical (sorted) order: one list for ``to_json`` and
for the bytes ``committed_from_raw`` assembles."""
assert list(RESULT_FIELDS) == sorted(RESULT_FIELDS)
_RESULT_KEYS = tuple(canonical_trusted(name) + b":" for name in RESULT_FIELDS)


@dataclass(frozen=True, slots=True)
class TxResult:
    """The recorded outcome of one tx: its writes and events if committed, a code if rejected."""

    tx_id: str
    status: TxState  # COMMITTED or REJECTED
    code: str | None = None
    message: str | None = None
    writes: tuple[Write, ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    # canonical bytes, computed once: the results root and the store both need them
    _canonical: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def committed(self) -> bool:
        return self.status is TxState.COMMITTED

    def to_json(self) -> dict[str, Any]:
        return dict(zip(RESULT_FIELDS, self._field_values(), strict=True))

    def _field_values(self) -> tuple[Any, ...]:
        """The JSON value of each of ``RESULT_FIELDS``, in that order."""
        return (
            self.code,
            [dict(event) for event in self.events],
            self.message,
            self.status.value,
            self.tx_id,
            [[key, value] for key, value in self.writes],
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TxResult:
        status = TxState(data["status"])
        if status not in RECORDED:
            raise ValueError(f"a recorded tx result is committed or rejected, not {status}")
        return cls(
            tx_id=data["tx_id"],
            status=status,
            code=data.get("code"),
            message=data.get("message"),
            writes=tuple((str(k), v) for k, v in data.get("writes", [])),
            events=tuple(data.get("events", [])),
        )

    def canonical_bytes(self) -> bytes:
        data = self._canonical
        if data is None:
            data = canonical_trusted(self.to_json())
            object.__setattr__(self, "_canonical", data)
        return data

    def digest(self) -> str:
        return sha256_hex(self.canonical_bytes())

    @classmethod
    def committed_from_raw(
        cls,
        tx_id: str,
        writes: tuple[Write, ...],
        raw_writes: Sequence[RawWrite],
        events: tuple[Mapping[str, Any], ...],
    ) -> TxResult:
        """A committed result whose canonical bytes are assembled from the writes'
        canonical bytes (``raw_writes``, same keys and order as ``writes``) instead of
        encoding every value again. The fields and their order are ``RESULT_FIELDS``,
        as in ``to_json``; only the writes' encoding differs."""
        result = cls(tx_id=tx_id, status=TxState.COMMITTED, writes=writes, events=events)
        values = result._field_values()
        data = b"{" + b",".join(
            key + (canonical_raw_writes(raw_writes) if name == "writes"
                   else canonical_trusted(value))
            for name, key, value in zip(RESULT_FIELDS, _RESULT_KEYS, values, strict=True)
        ) + b"}"
        object.__setattr__(result, "_canonical", data)
        return result

    @classmethod
    def rejected(cls, tx_id: str, code: str, message: str) -> TxResult:
        return cls(tx_id=tx_id, status=TxState.REJECTED, code=code, message=message)


@dataclass(frozen=True, slots=True)
class BlockHeader:
    chain_id: str
    height: int
    prev_hash: str
    tx_root: str
    results_root: str
    state_hash: str
    time: str
    cut: CutInfo
    genesis_hash: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "chain_id": self.chain_id,
            "height": self.height,
            "prev_hash": self.prev_hash,
            "tx_root": self.tx_root,
            "results_root": self.results_root,
            "state_hash": self.state_hash,
            "time": self.time,
            "cut": self.cut.to_json(),
        }
        if self.genesis_hash is not None:
            data["genesis_hash"] = self.genesis_hash
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BlockHeader:
        return cls(
            chain_id=data["chain_id"],
            height=int(data["height"]),
            prev_hash=data["prev_hash"],
            tx_root=data["tx_root"],
            results_root=data["results_root"],
            state_hash=data["state_hash"],
            time=data["time"],
            cut=CutInfo.from_json(data["cut"]),
            genesis_hash=data.get("genesis_hash"),
        )

    def canonical_bytes(self) -> bytes:
        return canonical(self.to_json())

    def hash(self) -> str:
        return sha256_hex(self.canonical_bytes())


@dataclass(frozen=True, slots=True)
class Block:
    header: BlockHeader
    envelopes: tuple[Envelope, ...]
    results: tuple[TxResult, ...]
    genesis: Mapping[str, Any] | None = None
    genesis_writes: tuple[Write, ...] = ()
    hash: str = field(default="")
    raw_writes: tuple[RawWrite, ...] | None = field(default=None, compare=False, repr=False)
    """The merged writes as canonical bytes, when the builder already had them (the store
    then writes them as they are); None for blocks read back or built elsewhere."""

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", self.header.hash())

    @property
    def height(self) -> int:
        return self.header.height

    def writes(self) -> list[Write]:
        """The block's merged writes, sorted by key (what state_hash commits to)."""
        if self.genesis is not None:
            return merge_writes([self.genesis_writes])
        return merge_writes(r.writes for r in self.results if r.committed)


def merge_writes(groups: Iterable[Sequence[Write]]) -> list[Write]:
    merged: dict[str, Any] = {}
    for group in groups:
        for key, value in group:
            merged[key] = value
    return sorted(merged.items())


def next_state_hash(prev_state_hash: str, writes: Sequence[Write]) -> str:
    payload = [[key, value] for key, value in writes]
    return sha256_hex(bytes.fromhex(prev_state_hash) + canonical_trusted(payload))



def canonical_raw_writes(writes: Sequence[RawWrite]) -> bytes:
    """The canonical bytes of ``[[key, value|null], ...]`` from values already in
    canonical bytes: the bracketed, comma-joined pieces, with nothing encoded again."""
    payload = b",".join(
        b"[" + canonical_trusted(key) + b"," + (b"null" if raw is None else raw) + b"]"
        for key, raw in writes
    )
    return b"[" + payload + b"]"


def next_state_hash_raw(prev_state_hash: str, writes: Sequence[RawWrite]) -> str:
    """``next_state_hash`` from values already in canonical bytes (the same digest)."""
    return sha256_hex(bytes.fromhex(prev_state_hash) + canonical_raw_writes(writes))


def tx_root(envelopes: Sequence[Envelope]) -> str:
    return merkle_root([env.tx_id for env in envelopes])


def results_root(results: Sequence[TxResult]) -> str:
    return merkle_root([result.digest() for result in results])
