"""A whole network in one process on a seeded clock: orderer, peers, links, clients and faults.

Build it from a ``NetworkSpec`` and a seed, schedule client submissions and
faults at simulated times, ``run``, and read the ``NetworkReport``. The same
spec, seed and schedule give the same chain, byte for byte, on every run and on
every honest peer.

Peers keep their stores across a crash (a MemoryStore stands in for the disk
unless ``store_root`` puts SQLite files there); everything else a peer held in
memory is lost and rebuilt by catching up from the orderer's log.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from contracts.genesis import build_genesis
from contracts.registry import discover
from ledger.crypto import SignatureVerifier, verify_executor
from ledger.interfaces import ChainStoreAPI
from ledger.private import PrivateStore
from ledger.tx import Envelope
from nodes.behaviour import BehaviourAPI, Honest
from nodes.divergence import Divergence
from nodes.exceptions import GateRejected, NodeDown
from nodes.orderer import InProcessOrderer
from nodes.peer import Peer, open_store
from nodes.private import PrivateDelivery
from nodes.report import NetworkReport, PeerSummary
from nodes.sim.clock import EventLoop
from nodes.sim.faults import Fault
from nodes.sim.network import SimNetwork, complete_graph
from nodes.sim.nodes import OrdererNode, PeerNode
from nodes.templates import NetworkSpec

ORDERER_ID = "orderer"


class Simulation:
    def __init__(
        self,
        spec: NetworkSpec,
        *,
        seed: int = 0,
        peers: Sequence[str] | None = None,
        store_root: Path | None = None,
        latency_ms: tuple[int, int] = (5, 25),
        loss: float = 0.0,
        sync_interval_ms: int = 250,
        batch_size: int | None = None,
        max_wait_ms: int | None = None,
    ) -> None:
        self.spec = spec
        self.loop = EventLoop()
        self.rng = random.Random(seed)
        self.peer_ids = list(peers or spec.peer_members())
        graph = complete_graph(
            [ORDERER_ID, *self.peer_ids], self.rng, latency_ms=latency_ms, loss=loss
        )
        self.network = SimNetwork(self.loop, graph, self.rng)
        settings = spec.config.orderer
        self.orderer = InProcessOrderer(
            ORDERER_ID, spec.config.time,
            batch_size=batch_size or settings.batch_size,
            max_wait_ms=max_wait_ms or settings.max_wait_ms,
        )
        self.orderer_node = OrdererNode(self.orderer, self.network, self.loop, self.peer_ids)
        self._executor = verify_executor()  # owned: shut down in close()
        self.verifier = SignatureVerifier(1 << 16, self._executor)
        self._classes = discover()
        self._genesis = build_genesis(spec.config, self._classes)
        self._store_root = store_root
        self._stores: dict[str, ChainStoreAPI] = {}
        self.behaviours: dict[str, BehaviourAPI] = {p: Honest() for p in self.peer_ids}
        self.nodes: dict[str, PeerNode] = {}
        self.events: list[str] = []
        self.client_errors: list[str] = []
        for peer_id in self.peer_ids:
            node = PeerNode(
                peer_id, self._factory(peer_id), self.network, self.loop, ORDERER_ID,
                sync_interval_ms=sync_interval_ms,
            )
            node.others = [p for p in self.peer_ids if p != peer_id]
            self.nodes[peer_id] = node
            node.start()

    def _factory(self, peer_id: str) -> Callable[[], Peer]:
        def make() -> Peer:
            if self._store_root is not None:
                store = open_store(self._store_root / peer_id)
                private = PrivateStore.open(self._store_root / peer_id)
            else:  # an in-memory peer's private store does not survive its crash
                store = self._stores.setdefault(peer_id, open_store(None))
                private = PrivateStore(None)
            peer = Peer(
                peer_id, self.spec.config, self.spec.roster.member(peer_id), store,
                verifier=self.verifier, classes=self._classes,
                behaviour=self.behaviours[peer_id], genesis=self._genesis, private=private,
            )
            peer.share = self._share_private
            return peer

        return make

    def _share_private(self, delivery: PrivateDelivery) -> None:
        """Direct delivery of a side-car to the entitled organisations' peers that are up."""
        for node in self.nodes.values():
            if node.peer is not None:
                node.peer.receive_private(delivery)

    # -- schedule ------------------------------------------------------------------------

    def submit_at(self, time_ms: int, peer_id: str, envelopes: Sequence[Envelope]) -> None:
        """A client hands ``envelopes`` to ``peer_id`` at ``time_ms``."""
        batch = list(envelopes)

        def submit() -> None:
            try:
                self.nodes[peer_id].submit(batch)
            except (GateRejected, NodeDown) as exc:
                self.client_errors.append(f"t={self.loop.now}ms {peer_id}: {exc}")

        self.loop.at(time_ms, submit)

    def spread(
        self, envelopes: Sequence[Envelope], *, start_ms: int = 0, every_ms: int = 10,
        per_submit: int = 1, peers: Iterable[str] | None = None,
    ) -> int:
        """Submit ``envelopes`` in order, ``per_submit`` at a time, round-robin over ``peers``.

        Returns the time of the last submission. Successive submissions are
        ``every_ms`` apart so that txs depending on earlier ones are ordered after them.
        """
        targets = list(peers or self.peer_ids)
        time_ms = start_ms
        for index in range(0, len(envelopes), per_submit):
            target = targets[(index // per_submit) % len(targets)]
            self.submit_at(time_ms, target, envelopes[index:index + per_submit])
            time_ms += every_ms
        return time_ms

    def fault_at(self, time_ms: int, fault: Fault) -> None:
        def inject() -> None:
            self.events.append(f"t={self.loop.now}ms {fault.describe()}")
            fault.apply(self)

        self.loop.at(time_ms, inject)

    def run(self, until_ms: int) -> NetworkReport:
        self.loop.run(until_ms)
        return self.report()

    def run_until_converged(self, *, limit_ms: int, step_ms: int = 500) -> NetworkReport:
        """Run in steps until every honest peer has the orderer's head (or ``limit_ms``)."""
        while True:
            report = self.run(min(self.loop.now + step_ms, limit_ms))
            if (report.converged and self.orderer.pending() == 0) or self.loop.now >= limit_ms:
                return report

    # -- FaultTarget ---------------------------------------------------------------------

    def crash(self, node_id: str) -> None:
        self.nodes[node_id].crash()

    def restart(self, node_id: str) -> None:
        self.nodes[node_id].start()

    def partition(self, groups: tuple[tuple[str, ...], ...]) -> None:
        self.network.partition(groups)

    def heal(self) -> None:
        self.network.heal()

    def slow_link(self, a: str, b: str, factor: int) -> None:
        self.network.slow_link(a, b, factor)

    def set_behaviour(self, node_id: str, behaviour: BehaviourAPI) -> None:
        self.behaviours[node_id] = behaviour
        peer = self.nodes[node_id].peer
        if peer is not None:
            peer.behaviour = behaviour

    # -- results -------------------------------------------------------------------------

    def report(self) -> NetworkReport:
        summaries = []
        flags: list[Divergence] = []
        for peer_id, node in self.nodes.items():
            peer = node.peer
            if peer is None:
                store = self._stores.get(peer_id)
                head = store.head() if store is not None else None
            else:
                head = peer.head()
                flags.extend(peer.monitor.flagged.values())
            summaries.append(PeerSummary(
                peer_id, node.up, self.behaviours[peer_id].name,
                -1 if head is None else head.height,
                "" if head is None else head.hash(),
                "" if head is None else head.state_hash,
            ))
        stats = vars(self.network.stats).copy()
        return NetworkReport(
            self.orderer.height(), tuple(summaries), tuple(flags), tuple(self.events), stats
        )

    def close(self) -> None:
        for node in self.nodes.values():
            if node.peer is not None:
                node.peer.close()
        self._executor.shutdown()
