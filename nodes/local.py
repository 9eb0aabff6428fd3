"""An in-process network without a simulated wire: envelopes go straight to the orderer and
every cut batch is applied by every peer at once, in the caller's thread.

This is what the benchmark drives and what the HTTP API embeds by default. Time
for the orderer's max-wait cuts comes from an injected ``clock`` (milliseconds);
call ``tick`` to let due cuts happen and ``flush`` to cut what waits.

With ``orderer_dir`` the orderer keeps its log in ``orderer_dir/log.db``
(``SqliteOrdererLog``): an envelope accepted here is on disk before ``submit``
returns, and a restart applies every batch the log holds beyond the peers' heights
and cuts what was still waiting.

A peer that cannot store a block, or an orderer log that cannot record an
envelope or a cut (disk full, I/O error), halts the network's intake: every peer
refuses submissions with ``IntakeHalted`` until the batch is stored. The batch
stays in the orderer's log (nothing is dropped); ``tick`` retries about once a
second and, once the store takes it, intake resumes.

On a development chain (``dev_clock`` in genesis) ``advance_clock`` moves the
orderer's block clock forward (see ``nodes.dev_clock``); a production chain refuses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from contracts.base import Contract
from contracts.registry import discover
from ledger.block import Block
from ledger.crypto import SignatureVerifier, verify_executor
from ledger.exceptions import StoreError
from ledger.tx import Envelope
from nodes.dev_clock import ClockReading, check_may_advance
from nodes.exceptions import IntakeHalted
from nodes.messages import Batch, SignedHeader
from nodes.orderer import InProcessOrderer
from nodes.orderer_log import LOG_FILE, SqliteOrdererLog
from nodes.peer import Peer
from nodes.private import PrivateDelivery
from nodes.templates import NetworkSpec

log = logging.getLogger(__name__)

Clock = Callable[[], int]
BatchListener = Callable[[Batch, list[SignedHeader]], None]
RETRY_MS = 1000
"""How often a halted network retries storing the batch that failed."""
CATCH_UP_CHUNK = 64
VERIFY_WINDOW_BATCHES = 8
"""Signature verdicts the shared verifier keeps, in full batches: what the gate checked
and the peers have not executed yet is at most the batch being filled and the one
being applied; the rest is headroom for multi-signature txs. Older verdicts go."""
MIN_VERIFY_CACHE = 4096
"""At least this many verdicts (a submission may carry up to 1,000 envelopes)."""


def batch_from_block(block: Block) -> Batch:
    """The batch a stored block was executed from (same envelopes, time and cut)."""
    return Batch(block.height, block.header.time, block.header.cut, block.envelopes)


class LocalNetwork:
    def __init__(
        self,
        spec: NetworkSpec,
        clock: Clock,
        *,
        peers: Sequence[str] | None = None,
        store_root: Path | None = None,
        verifier: SignatureVerifier | None = None,
        batch_size: int | None = None,
        max_wait_ms: int | None = None,
        orderer_dir: Path | None = None,
        orderer_sync: str = "normal",
        verify_cache: int | None = None,
        classes: Mapping[str, type[Contract]] | None = None,
    ) -> None:
        """``orderer_sync``: ``full`` makes each accepted envelope survive a power cut
        (one fsync per submission); ``normal`` survives the process being killed.
        ``verify_cache``: verdicts the network's own verifier keeps (default: the
        pending window, see ``VERIFY_WINDOW_BATCHES``); ignored with ``verifier``.
        ``classes``: the installed contracts (default: every registered entry point)."""
        self.spec = spec
        self.clock = clock
        settings = spec.config.orderer
        self.orderer = InProcessOrderer(
            "orderer", spec.config.time,
            batch_size=batch_size or settings.batch_size,
            max_wait_ms=max_wait_ms or settings.max_wait_ms,
            log=None if orderer_dir is None else SqliteOrdererLog(
                orderer_dir / LOG_FILE, sync=orderer_sync
            ),
        )
        self._executor = None
        if verifier is None:  # this network owns the verifier's pool and shuts it down
            self._executor = verify_executor()
            window = max(VERIFY_WINDOW_BATCHES * self.orderer.batch_size, MIN_VERIFY_CACHE)
            verifier = SignatureVerifier(verify_cache or window, self._executor)
        shared = verifier
        classes = discover() if classes is None else classes
        self.peers: dict[str, Peer] = {}
        for peer_id in peers or spec.peer_members():
            directory = None if store_root is None else store_root / peer_id
            peer = Peer.open(
                peer_id, spec.config, spec.roster.member(peer_id), directory,
                verifier=shared, classes=classes, forward=self._order,
            )
            peer.share = self._share_private
            self.peers[peer_id] = peer
        self.listeners: list[BatchListener] = []
        self.apply_seconds = 0.0
        """Wall time spent in peers' ``apply`` (executing and appending), summed over peers."""
        self.fault: StoreError | None = None
        """Why intake is halted (a peer or the orderer's log could not be written), or None."""
        self._retry_at = 0
        self._lock = threading.Lock()
        self._resume()

    def _resume(self) -> None:
        """After a restart on existing stores: bring any peer that stopped a block behind
        (killed between two peers' appends) up to the most advanced one by re-applying
        that peer's stored blocks as batches, then apply what the orderer's log cut
        beyond that (killed between the cut and the appends)."""
        leader = max(self.peers.values(), key=lambda p: p.height(), default=None)
        if leader is None:
            return
        for peer in self.peers.values():
            for height in range(peer.height() + 1, leader.height() + 1):
                block = leader.block(height)
                assert block is not None
                peer.apply(batch_from_block(block))
        head = leader.head()
        assert head is not None
        if self.orderer.height() < head.height:
            if self.orderer.height() or self.orderer.pending():
                raise StoreError(
                    f"the orderer's log ends at batch {self.orderer.height()} but the peers "
                    f"hold block {head.height}: restore the log with the peers, not older (after "
                    "a power cut with sync normal: move the log away to start a new one at the "
                    "peers' head; envelopes it held but had not cut are lost, resubmit them)"
                )
            self.orderer.resume(head.height, head.time)  # a new (or memory) log at the head
        self._catch_up()

    def _catch_up(self) -> None:
        """Apply every batch the orderer's log holds beyond some peer's height."""
        while True:
            lowest = min(peer.height() for peer in self.peers.values())
            batches = self.orderer.batches_from(lowest + 1, CATCH_UP_CHUNK)
            if not batches:
                return
            for batch in batches:
                self._deliver(batch)

    def _order(self, envelopes: list[Envelope]) -> None:
        with self._lock:
            if self.fault is not None:
                raise IntakeHalted(str(self.fault))
            now = self.clock()
            try:
                self.orderer.accept(envelopes, now)
            except StoreError as exc:  # the orderer's log cannot be written: nothing accepted
                self._halt(exc)
                raise IntakeHalted(str(exc)) from None
            self._cut(lambda: self.orderer.cut_full(now))

    def _share_private(self, delivery: PrivateDelivery) -> None:
        """Direct delivery: into the private store of each peer of an entitled org."""
        for peer in self.peers.values():
            peer.receive_private(delivery)

    def tick(self) -> None:
        with self._lock:
            now = self.clock()
            if self.fault is not None:
                if now >= self._retry_at:
                    self._retry(now)
                return
            self._cut(lambda: self.orderer.poll(now))

    def flush(self) -> None:
        with self._lock:
            if self.fault is not None:
                self._retry(self.clock())
            self._cut(lambda: self.orderer.flush(self.clock()))

    def clock_reading(self) -> ClockReading:
        """The dev clock's offset and the time a block cut now would carry."""
        with self._lock:
            return self._reading()

    def _reading(self) -> ClockReading:
        return ClockReading(
            dev_chain=self.spec.config.dev_clock is not None,
            offset_ms=self.orderer.clock_offset_ms(),
            now=self.orderer.block_time(self.clock()),
        )

    def advance_clock(self, by_ms: int, *, org_type: str, role: str) -> ClockReading:
        """Move block time forward by ``by_ms`` on a dev chain, for a member of ``role``
        (in an org of ``org_type``); DevClockRefused (and no change) otherwise."""
        with self._lock:
            check_may_advance(
                self.spec.config, org_type, role, self.orderer.clock_offset_ms(), by_ms
            )
            self.orderer.advance_clock(by_ms)
            log.info("dev clock moved forward %d ms by a %s's %s", by_ms, org_type, role)
            return self._reading()

    def _cut(self, cut: Callable[[], list[Batch]]) -> None:
        """Deliver what ``cut`` cuts; a storage fault halts intake instead of raising."""
        if self.fault is not None:
            return
        try:
            for batch in cut():
                self._deliver(batch)
        except StoreError as exc:
            self._halt(exc)

    def _halt(self, fault: StoreError) -> None:
        self.fault = fault
        self._retry_at = self.clock() + RETRY_MS
        log.error("intake halted, nothing is accepted until this is resolved: %s", fault)
        for peer in self.peers.values():
            peer.halt(str(fault))

    def _retry(self, now: int) -> None:
        """Store what the log holds beyond the peers; resume intake if that works."""
        try:
            self._catch_up()
            self.orderer.log.probe()
        except StoreError as exc:
            self.fault = exc
            self._retry_at = now + RETRY_MS
            return
        log.warning("intake resumed: every batch in the orderer's log is stored")
        self.fault = None
        for peer in self.peers.values():
            peer.halt(None)

    def _deliver(self, batch: Batch) -> None:
        """Apply ``batch`` on every peer it is next for (a retry skips peers that have it)."""
        started = time.perf_counter()
        claims = [
            peer.apply(batch) for peer in self.peers.values() if peer.height() == batch.seq - 1
        ]
        self.apply_seconds += time.perf_counter() - started
        for claim in claims:
            for peer in self.peers.values():
                peer.observe(claim)
        for listener in list(self.listeners):
            listener(batch, claims)

    def close(self) -> None:
        for peer in self.peers.values():
            peer.close()
        self.orderer.close()
        if self._executor is not None:
            self._executor.shutdown()
