"""Peers and the orderer as nodes of the simulated network: messages in, messages out, timers.

``PeerNode`` applies delivered batches strictly in seq order, buffers ones that
arrive early, asks the orderer for what it misses (on a gap, after a restart,
and on a periodic sync), re-forwards envelopes it accepted but has not yet seen
in a block (a lost submission), and announces each signed header to the other
peers. ``OrdererNode`` orders, cuts on size or on its max-wait timer, broadcasts
every cut, and answers fetches from its log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ledger.private import PrivateField
from ledger.tx import Envelope
from nodes.exceptions import NodeDown
from nodes.messages import (
    AnnounceHeader,
    Batch,
    DeliverBatches,
    FetchBatches,
    Message,
    SubmitEnvelopes,
)
from nodes.orderer import InProcessOrderer
from nodes.peer import Peer
from nodes.sim.clock import EventLoop
from nodes.sim.network import SimNetwork

FETCH_LIMIT = 64


class PeerNode:
    def __init__(
        self,
        node_id: str,
        factory: Callable[[], Peer],
        network: SimNetwork,
        loop: EventLoop,
        orderer_id: str,
        *,
        sync_interval_ms: int = 250,
        resubmit_ms: int = 1000,
    ) -> None:
        self.node_id = node_id
        self._factory = factory
        self.network = network
        self.loop = loop
        self.orderer_id = orderer_id
        self.others: list[str] = []
        self.sync_interval_ms = sync_interval_ms
        self.resubmit_ms = resubmit_ms
        self.peer: Peer | None = None
        self._ahead: dict[int, Batch] = {}
        self._epoch = 0
        self._last_resubmit = 0
        network.register(node_id, self.handle)

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.peer = self._factory()
        self.peer.forward = self._forward
        self._epoch += 1
        self._ahead.clear()
        self.network.restart(self.node_id)
        self._fetch()
        self._schedule_sync(self._epoch)

    def crash(self) -> None:
        """Stop now: in-memory buffers are lost, the store stays as it was after the last append."""
        if self.peer is not None:
            self.peer.close()
        self.peer = None
        self._ahead.clear()
        self.network.crash(self.node_id)

    @property
    def up(self) -> bool:
        return self.peer is not None

    def _schedule_sync(self, epoch: int) -> None:
        def tick() -> None:
            if epoch != self._epoch or self.peer is None:
                return  # a timer from before a crash
            self._fetch()
            if self.loop.now - self._last_resubmit >= self.resubmit_ms:
                self._last_resubmit = self.loop.now
                pending = self.peer.pending()
                if pending:
                    self._forward(pending)
            self._schedule_sync(epoch)

        self.loop.after(self.sync_interval_ms, tick)

    # -- client side ---------------------------------------------------------------------

    def submit(self, envelopes: Sequence[Envelope]) -> list[str]:
        if self.peer is None:
            raise NodeDown(f"peer {self.node_id} is down")
        return self.peer.submit(list(envelopes))

    def submit_private(self, envelope: Envelope, fields: Sequence[PrivateField]) -> list[str]:
        """Submit with a side-car (``Peer.submit_private``; the simulation shares it)."""
        if self.peer is None:
            raise NodeDown(f"peer {self.node_id} is down")
        return self.peer.submit_private(envelope, [f.to_json() for f in fields])

    def _forward(self, envelopes: list[Envelope]) -> None:
        self.network.send(self.node_id, self.orderer_id, SubmitEnvelopes(tuple(envelopes)))

    def _fetch(self) -> None:
        if self.peer is not None:
            self.network.send(self.node_id, self.orderer_id, FetchBatches(self.peer.height() + 1))

    # -- messages ------------------------------------------------------------------------

    def handle(self, source: str, message: Message) -> None:
        if self.peer is None:
            return
        if isinstance(message, DeliverBatches):
            self._receive(message.batches)
        elif isinstance(message, AnnounceHeader):
            self.peer.observe(message.header)

    def _receive(self, batches: Sequence[Batch]) -> None:
        assert self.peer is not None
        height = self.peer.height()
        for batch in batches:
            if batch.seq > height:
                self._ahead[batch.seq] = batch
        while self.peer.height() + 1 in self._ahead:
            batch = self._ahead.pop(self.peer.height() + 1)
            claim = self.peer.apply(batch)
            for other in self.others:
                self.network.send(self.node_id, other, AnnounceHeader(claim))
        for seq in [s for s in self._ahead if s <= self.peer.height()]:
            del self._ahead[seq]
        if self._ahead:
            self._fetch()  # a gap: something before the earliest buffered batch was lost


class OrdererNode:
    def __init__(
        self,
        orderer: InProcessOrderer,
        network: SimNetwork,
        loop: EventLoop,
        peers: Sequence[str],
    ) -> None:
        self.orderer = orderer
        self.node_id = orderer.node_id
        self.network = network
        self.loop = loop
        self.peers = list(peers)
        self._timer_at: int | None = None
        network.register(self.node_id, self.handle)

    def handle(self, source: str, message: Message) -> None:
        if isinstance(message, SubmitEnvelopes):
            self._broadcast(self.orderer.submit(message.envelopes, self.loop.now))
            self._arm()
        elif isinstance(message, FetchBatches):
            batches = self.orderer.batches_from(message.from_seq, FETCH_LIMIT)
            if batches:
                self.network.send(self.node_id, source, DeliverBatches(tuple(batches)))

    def _arm(self) -> None:
        deadline = self.orderer.next_deadline()
        if deadline is None or self._timer_at == deadline:
            return
        self._timer_at = deadline

        def fire() -> None:
            if self._timer_at != deadline:
                return
            self._timer_at = None
            self._broadcast(self.orderer.poll(self.loop.now))
            self._arm()

        self.loop.at(deadline, fire)

    def _broadcast(self, batches: Sequence[Batch]) -> None:
        for batch in batches:
            for peer in self.peers:
                self.network.send(self.node_id, peer, DeliverBatches((batch,)))
