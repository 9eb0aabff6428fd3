"""The ledger's seams, in one place.

- ``StateReader``: read-only key-value state (keys are ``<namespace>/<key>``,
  values JSON). Contracts see state only through readers and the overlay the
  ledger hands them.
- ``ChainStoreAPI``: blocks, tx records and the state at the head. ``append``
  writes a block, its tx records and its state writes as one atomic step.
- ``ExecutorAPI``: what the ledger calls to execute one authenticated tx. The
  ledger knows nothing about contracts; the contract runtime implements this.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.block import Block, BlockHeader, TxResult, Write
from ledger.tx import Envelope, SignerInfo


class StateReader(Protocol):
    """Reading state: what views, invariants, party resolution and the gate get.
    (``MemoryState``, ``Overlay``, ``SqliteState``.)"""

    def get(self, key: str) -> Any | None:
        """A fresh copy of the JSON value at ``key``, or None if absent."""

    def peek(self, key: str) -> Any | None:
        """The value at ``key`` without a defensive copy, for ledger and framework code
        that only reads it (signer and org lookups, plain records validated straight
        from it); never handed to a contract. May be ``get`` where reads are fresh."""

    def scan(self, prefix: str) -> Iterator[tuple[str, Any]]:
        """All (key, value) pairs whose key starts with ``prefix``, in key order."""


class StateWriter(StateReader, Protocol):
    """Writing state within a tx: what an action's context writes into (an ``Overlay``)."""

    def put(self, key: str, value: Any) -> None:
        """Write a copy of ``value``; its encoding is checked (None deletes)."""

    def put_owned(self, key: str, value: Any) -> None:
        """``put`` of a value the caller hands over (fresh containers, no floats): kept
        without a copy, its encoding still checked (``ledger.encoding.canonical_vouched``)."""

    def delete(self, key: str) -> None: ...


class BlockOwnedState(StateReader, Protocol):
    """The head state a store keeps (``MemoryState``): it takes a built block's writes
    as they are, since a block's values are read-only once built (readers still get
    copies through ``get``)."""

    def adopt(self, writes: Sequence[Write]) -> None: ...


@dataclass(frozen=True, slots=True)
class TxRecord:
    """A tx as stored: where it is, the envelope, and its result."""

    height: int
    index: int
    envelope: Envelope
    result: TxResult


class ChainStoreAPI(Protocol):
    @property
    def state(self) -> StateReader:
        """State at the head block."""

    def height(self) -> int:
        """Height of the head block, -1 when empty."""

    def head(self) -> BlockHeader | None: ...

    def append(self, block: Block) -> None:
        """Append ``block`` and apply its writes atomically; raise BlockMismatch if it
        does not extend the head."""

    def block(self, height: int) -> Block | None: ...

    def block_by_hash(self, block_hash: str) -> Block | None: ...

    def header(self, height: int) -> BlockHeader | None: ...

    def tx(self, tx_id: str) -> TxRecord | None:
        """The committed record of ``tx_id`` if any, else its first rejected record."""

    def has_committed(self, tx_id: str) -> bool: ...

    def committed_among(self, tx_ids: Iterable[str]) -> set[str]:
        """The subset of ``tx_ids`` that has committed (one query for a whole batch)."""

    def genesis(self) -> Mapping[str, Any] | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class BlockContext:
    """What every tx in a block may know about the block: its height and orderer time."""

    chain_id: str
    height: int
    time: str


@dataclass(frozen=True, slots=True)
class ExecutionOutcome:
    """Result of executing one tx. Writes live in the overlay the ledger provided."""

    ok: bool
    code: str | None = None
    message: str | None = None
    events: tuple[Mapping[str, Any], ...] = ()


class ExecutorAPI(Protocol):
    def execute(
        self,
        envelope: Envelope,
        signers: tuple[SignerInfo, ...],
        state: StateWriter,
        block: BlockContext,
    ) -> ExecutionOutcome:
        """Execute one authenticated tx against ``state`` (a private overlay).

        Must be deterministic. On ``ok=False`` the ledger discards the overlay.
        """
