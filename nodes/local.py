"""An in-process network without a simulated wire: envelopes go straight to the orderer and
every cut batch is applied by every peer at once, in the caller's thread.

This is what the benchmark drives and what the HTTP API embeds by default. Time
for the orderer's max-wait cuts comes from an injected ``clock`` (milliseconds);
call ``tick`` to let due cuts happen and ``flush`` to cut what waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from contracts.registry import discover
from ledger.block import Block
from ledger.crypto import SignatureVerifier
from ledger.tx import Envelope
from nodes.messages import Batch, SignedHeader
from nodes.orderer import InProcessOrderer
from nodes.peer import Peer
from nodes.templates import NetworkSpec

Clock = Callable[[], int]
BatchListener = Callable[[Batch, list[SignedHeader]], None]


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
    ) -> None:
        self.spec = spec
        self.clock = clock
        settings = spec.config.orderer
        self.orderer = InProcessOrderer(
            "orderer", spec.config.time,
            batch_size=batch_size or settings.batch_size,
            max_wait_ms=max_wait_ms or settings.max_wait_ms,
        )
        shared = verifier or SignatureVerifier(1 << 18)
        classes = discover()
        self.peers: dict[str, Peer] = {}
        for peer_id in peers or spec.peer_members():
            directory = None if store_root is None else store_root / peer_id
            peer = Peer.open(
                peer_id, spec.config, spec.roster.member(peer_id), directory,
                verifier=shared, classes=classes, forward=self._order,
            )
            self.peers[peer_id] = peer
        self.listeners: list[BatchListener] = []
        self.apply_seconds = 0.0
        """Wall time spent in peers' ``apply`` (executing and appending), summed over peers."""
        self._lock = threading.Lock()
        self._resume()

    def _resume(self) -> None:
        """After a restart on existing stores: bring any peer that stopped a block behind
        (killed between two peers' appends) up to the most advanced one by re-applying
        that peer's stored blocks as batches, then let the orderer continue from there."""
        leader = max(self.peers.values(), key=lambda p: p.height(), default=None)
        if leader is None or leader.height() <= 0:
            return
        for peer in self.peers.values():
            for height in range(peer.height() + 1, leader.height() + 1):
                block = leader.block(height)
                assert block is not None
                peer.apply(batch_from_block(block))
        head = leader.head()
        assert head is not None
        self.orderer.resume(head.height, head.time)

    def _order(self, envelopes: list[Envelope]) -> None:
        with self._lock:
            batches = self.orderer.submit(envelopes, self.clock())
            for batch in batches:
                self._deliver(batch)

    def tick(self) -> None:
        with self._lock:
            for batch in self.orderer.poll(self.clock()):
                self._deliver(batch)

    def flush(self) -> None:
        with self._lock:
            for batch in self.orderer.flush(self.clock()):
                self._deliver(batch)

    def _deliver(self, batch: Batch) -> None:
        started = time.perf_counter()
        claims = [peer.apply(batch) for peer in self.peers.values()]
        self.apply_seconds += time.perf_counter() - started
        for claim in claims:
            for peer in self.peers.values():
                peer.observe(claim)
        for listener in list(self.listeners):
            listener(batch, claims)

    def close(self) -> None:
        for peer in self.peers.values():
            peer.close()
