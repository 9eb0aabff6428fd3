"""A peer: one organisation's copy of the ledger, its gate, executor and node identity.

A peer never orders: it forwards gate-checked envelopes through ``forward`` (set
by whatever network it is part of) and executes the batches the orderer cuts,
strictly in seq order. After appending a block it signs the header hash with its
node key and returns the ``SignedHeader``; the network announces it to the other
peers, whose ``observe`` compares it with their own.

All public methods take one re-entrant lock, so the HTTP API may call them from
worker threads while a delivery thread applies batches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from contracts.base import Contract
from contracts.exceptions import RegistrationError
from contracts.genesis import GenesisConfig, build_genesis
from contracts.governed import Governor
from contracts.runtime import ContractRuntime
from ledger.block import Block, BlockHeader, TxState
from ledger.chain import BlockBuilder, signer_lookup
from ledger.crypto import SignatureVerifier, verify_executor
from ledger.exceptions import StoreError
from ledger.identity import Credentials
from ledger.interfaces import BlockContext, ChainStoreAPI, TxRecord
from ledger.memory_store import MemoryStore
from ledger.private import PrivateStore
from ledger.sqlite_store import SqliteStore
from ledger.tx import Envelope
from nodes.behaviour import BehaviourAPI, Honest
from nodes.divergence import DivergenceMonitor
from nodes.exceptions import IntakeHalted, OutOfOrder
from nodes.gate import Gate
from nodes.interfaces import BlockCallback, TxStatus, Unsubscribe
from nodes.messages import Batch, SignedHeader, signed_header_message
from nodes.private import PrivateDelivery, Share, prepare, purged_hashes

Forward = Callable[[list[Envelope]], None]
T = TypeVar("T")
CHAIN_FILE = "chain.db"
DEFAULT_VERIFY_CACHE = 1 << 14
"""Verdicts a peer's own verifier keeps (when none is shared with it): the signatures
its gate checked that its blocks have not executed yet, about 32 full batches; each
verdict is a few hundred bytes, so at most a few MB."""


def open_store(directory: Path | None) -> ChainStoreAPI:
    """A SqliteStore in ``directory/chain.db`` when given a directory, else a MemoryStore."""
    if directory is None:
        return MemoryStore()
    directory.mkdir(parents=True, exist_ok=True)
    return SqliteStore(directory / CHAIN_FILE)


@dataclass
class PeerSeconds:
    """Wall seconds this peer spent in each stage of its hot path (for the benchmark's
    per-tx split; a few ``perf_counter`` calls per call, not per tx)."""

    gate: float = 0.0
    execute: float = 0.0
    store: float = 0.0


class Peer:
    def __init__(
        self,
        node_id: str,
        config: GenesisConfig,
        credentials: Credentials,
        store: ChainStoreAPI,
        *,
        verifier: SignatureVerifier | None = None,
        classes: Mapping[str, type[Contract]] | None = None,
        behaviour: BehaviourAPI | None = None,
        forward: Forward | None = None,
        genesis: tuple[Block, ContractRuntime] | None = None,
        private: PrivateStore | None = None,
    ) -> None:
        """``genesis``: block 0 and the runtime already built from ``config`` in this
        process (a simulation builds them once for all its peers: the same config gives
        the same block, so each peer still refuses a store holding another chain).
        ``private``: the peer's plaintext store for private fields (default in memory)."""
        self.node_id = node_id
        self.config = config
        self.chain_id = config.chain_id
        self.credentials = credentials
        self.store = store
        self._executor: Executor | None = None
        if verifier is None:  # this peer owns the verifier's pool and shuts it down
            self._executor = verify_executor()
            verifier = SignatureVerifier(DEFAULT_VERIFY_CACHE, self._executor)
        self.verifier = verifier
        self.behaviour: BehaviourAPI = behaviour or Honest()
        self.forward = forward
        self.org = credentials.org
        self.private = private if private is not None else PrivateStore(None)
        self.share: Share | None = None
        """Set by the network: delivers a side-car to the entitled organisations' peers."""
        block, self.runtime = genesis if genesis is not None else build_genesis(config, classes)
        self._adopt_genesis(block)
        self.governor = Governor(config, self.runtime, classes, self._block_time)
        """Applies approved governance changes to the runtime at each block boundary."""
        head = store.head()
        assert head is not None
        self.governor.configure(store.state, head.height, head.time)
        self.builder = BlockBuilder(store, self.runtime, self.verifier, self.chain_id)
        self.gate = Gate(self.chain_id, store, self.runtime, self.verifier)
        self.monitor = DivergenceMonitor(node_id, self._node_key, self.verifier)
        self._lock = threading.RLock()
        self._pending: dict[str, Envelope] = {}
        self._callbacks: list[BlockCallback] = []
        self._fault: str | None = None
        self.seconds = PeerSeconds()

    @classmethod
    def open(
        cls,
        node_id: str,
        config: GenesisConfig,
        credentials: Credentials,
        directory: Path | None = None,
        **kwargs: Any,
    ) -> Peer:
        private = PrivateStore.open(directory)
        return cls(node_id, config, credentials, open_store(directory), private=private,
                   **kwargs)

    def _block_time(self, height: int) -> str:
        header = self.store.header(height)
        assert header is not None  # the governor asks only for blocks this peer stored
        return header.time

    def _adopt_genesis(self, genesis: Block) -> None:
        stored = self.store.header(0)
        if stored is None:
            self.store.append(genesis)
        elif stored.hash() != genesis.hash:
            raise StoreError(f"{self.node_id}: the store holds another chain's genesis block")

    def _node_key(self, member_id: str) -> bytes | None:
        info = signer_lookup(self.store.state)(member_id)
        return None if info is None or info.revoked else info.public_key

    # -- submission ----------------------------------------------------------------------

    def submit(self, envelopes: Envelope | Mapping[str, Any] | Sequence[Any]) -> list[str]:
        items: Sequence[Any] = (
            [envelopes] if isinstance(envelopes, Envelope | Mapping) else envelopes
        )
        with self._lock:
            if self._fault is not None:
                raise IntakeHalted(self._fault)
            started = time.perf_counter()
            checked = self.gate.check_all(items)
            self.seconds.gate += time.perf_counter() - started
            for envelope in checked:
                self._pending[envelope.tx_id] = envelope
        if checked:
            if self.forward is None:
                raise RuntimeError(f"peer {self.node_id} is not connected to an orderer")
            try:
                self.forward(checked)
            except BaseException:  # not accepted (or outcome unknown): not pending here
                with self._lock:
                    for envelope in checked:
                        self._pending.pop(envelope.tx_id, None)
                raise
        return [e.tx_id for e in checked]

    def submit_private(self, envelope: Envelope | Mapping[str, Any],
                       fields: Any) -> list[str]:
        """Submit one envelope with its private side-car: the side-car and the envelope are
        checked, the side-car goes to the entitled organisations' peers (``share``), then
        the envelope is forwarded for ordering. PrivateDataRefused names a bad field."""
        with self._lock:
            if self._fault is not None:
                raise IntakeHalted(self._fault)
            [checked] = self.gate.check_all([envelope])
            delivery = prepare(checked, fields, self.store.state)
        if self.share is None:
            raise RuntimeError(f"peer {self.node_id} has no network to share private data")
        self.share(delivery)
        return self.submit(checked)

    def receive_private(self, delivery: PrivateDelivery) -> bool:
        """Keep a side-car if this peer's organisation is among its readers."""
        if self.org not in delivery.readers:
            return False
        stored = self.store.tx(delivery.tx_id)
        if stored is not None and not stored.result.committed:
            return False  # arrived after the chain rejected its tx
        self.private.put(delivery.tx_id, delivery.fields, delivery.readers)
        return True

    def halt(self, reason: str | None) -> None:
        """Refuse submissions with IntakeHalted(reason) until called with None."""
        with self._lock:
            self._fault = reason

    def fault(self) -> str | None:
        """Why intake is halted, or None when the peer accepts submissions (lock-free: a
        health check must answer while a block is being applied)."""
        return self._fault

    def pending(self) -> list[Envelope]:
        """Envelopes accepted here and not yet seen in a block (for resubmission)."""
        with self._lock:
            return list(self._pending.values())

    def tx_record(self, tx_id: str) -> TxRecord | None:
        """The stored tx (its committed copy, else its first refusal), or None: one row,
        where reading its block would decode every tx in it."""
        with self._lock:
            return self.store.tx(tx_id)

    def tx_status(self, tx_id: str) -> TxStatus:
        with self._lock:
            record = self.store.tx(tx_id)
            if record is not None:
                result = record.result
                state = TxState.COMMITTED if result.committed else TxState.REJECTED
                return TxStatus(
                    tx_id, state, record.height, record.index, result.code, result.message
                )
            if tx_id in self._pending:
                return TxStatus(tx_id, TxState.PENDING)
            return TxStatus(tx_id, TxState.UNKNOWN)

    # -- execution -----------------------------------------------------------------------

    def apply(self, batch: Batch) -> SignedHeader:
        with self._lock:
            head = self.store.head()
            assert head is not None  # genesis is adopted in __init__
            if batch.seq != head.height + 1:
                raise OutOfOrder(head.height + 1, batch.seq)
            try:
                self.governor.configure(self.store.state, batch.seq, batch.time)
            except RegistrationError as exc:  # ContractVersionMissing: stop, do not diverge
                self._fault = str(exc)
                raise
            started = time.perf_counter()
            built = self.builder.build(batch.envelopes, batch.time, batch.cut)
            block = self.behaviour.keep(built, head)
            executed = time.perf_counter()
            self.store.append(block)
            for envelope in batch.envelopes:
                self._pending.pop(envelope.tx_id, None)
            self._settle_private(block)
            self.seconds.execute += executed - started
            self.seconds.store += time.perf_counter() - executed
            self.monitor.record_own(block.height, block.hash)
            claim = self.behaviour.claim(block)
            signature = self.credentials.key.sign(signed_header_message(block.height, claim))
            for callback in list(self._callbacks):
                callback(block)
            return SignedHeader(
                self.node_id, self.credentials.member_id, block.height, claim, signature
            )

    def _settle_private(self, block: Block) -> None:
        """After a block is stored: purge what committed purges name, drop what rejected
        txs had sent (their hashes are on no record)."""
        for result in block.results:
            if not result.committed:
                stored = self.store.tx(result.tx_id)  # a rejected copy of a committed tx
                if stored is None or not stored.result.committed:
                    self.private.discard_tx(result.tx_id)
                continue
            hashes = purged_hashes(result.events)
            if hashes:
                self.private.purge(hashes, result.tx_id)

    def observe(self, header: SignedHeader) -> None:
        with self._lock:
            self.monitor.observe(header)

    def subscribe(self, callback: BlockCallback) -> Unsubscribe:
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                self._callbacks.remove(callback)

        return unsubscribe

    # -- queries -------------------------------------------------------------------------

    def height(self) -> int:
        with self._lock:
            return self.store.height()

    def head(self) -> BlockHeader | None:
        with self._lock:
            return self.store.head()

    def block(self, height: int) -> Block | None:
        with self._lock:
            return self.store.block(height)

    def state_get(self, contract: str, key: str) -> Any | None:
        with self._lock:
            return self.store.state.get(f"{contract}/{key}")

    def state_scan(self, contract: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
        with self._lock:
            cut = len(contract) + 1
            items = [(k[cut:], v) for k, v in self.store.state.scan(f"{contract}/{prefix}")]
        return iter(items)

    def view(self, contract: str, view_name: str, params: Mapping[str, Any]) -> Any:
        with self._lock:
            head = self.store.head()
            assert head is not None
            block = BlockContext(self.chain_id, head.height, head.time)
            return self.runtime.call_view(contract, view_name, params, self.store.state, block)

    def read_store(self, read: Callable[[ChainStoreAPI], T]) -> T:
        """``read(store)`` under the peer's lock, so it sees one head (the API's need-to-know
        reads, ``api.visibility``, run views on a filtered head state this way)."""
        with self._lock:
            return read(self.store)

    def close(self) -> None:
        with self._lock:
            self.store.close()
            self.private.close()
        if self._executor is not None:
            self._executor.shutdown()
