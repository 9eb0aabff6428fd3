"""A state machine over the embedded network's intake: random submissions through any peer,
disks filling and freed, max-wait ticks, crashes and restarts.

Rules checked from the side of the operator who would lose data: a submission
is refused (IntakeHalted) exactly while intake is halted, and a refused one is
nowhere; while halted every peer says so; no peer ever holds a block the
orderer's log does not; and at the end, once space is freed, every envelope
ever accepted is committed on every peer, across every crash.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ledger.block import TxState
from ledger.tx import Envelope
from nodes.exceptions import IntakeHalted
from nodes.local import RETRY_MS, LocalNetwork
from nodes.peer import Peer
from tests.nodes.nodes_kit import issues, small_spec

SPEC = small_spec(seed=21, batch_size=24, max_wait_ms=50)


class Clock:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


class IntakeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="intake-machine-"))
        self.clock = Clock()
        self.network = self._open()
        self.nonces = itertools.count(step=100)
        self.accepted: list[Envelope] = []
        self.refused: list[Envelope] = []

    def _open(self) -> LocalNetwork:
        return LocalNetwork(
            SPEC, self.clock, store_root=self.root / "peers", orderer_dir=self.root / "orderer"
        )

    def _peer(self, index: int) -> Peer:
        return list(self.network.peers.values())[index % len(self.network.peers)]

    @rule(count=st.integers(1, 30), via=st.integers(0, 3))
    def submit(self, count: int, via: int) -> None:
        envelopes = issues(SPEC, count, start=next(self.nonces))
        halted = self.network.fault is not None
        try:
            self._peer(via).submit(envelopes)
        except IntakeHalted:
            self.refused.extend(envelopes)
            refused = True
        else:
            self.accepted.extend(envelopes)
            refused = False
        assert refused == halted, "refused while open" if refused else "accepted while halted"

    @rule(peer=st.integers(0, 3))
    def disk_fills(self, peer: int) -> None:
        self._peer(peer).store.limit_growth(0)  # type: ignore[attr-defined]

    @rule()
    def space_freed(self) -> None:
        for peer in self.network.peers.values():
            peer.store.limit_growth(None)  # type: ignore[attr-defined]

    @rule(ms=st.integers(0, 2 * RETRY_MS))
    def time_passes(self, ms: int) -> None:
        self.clock.now += ms
        self.network.tick()

    @rule()
    def crash_and_restart(self) -> None:
        self.network.close()  # no flush: what waits in the orderer is only in its log
        self.network = self._open()  # a new process: no limits on the files any more

    @invariant()
    def halted_everywhere_or_nowhere(self) -> None:
        halted = self.network.fault is not None
        assert all((p.fault() is not None) == halted for p in self.network.peers.values())

    @invariant()
    def no_peer_is_ahead_of_the_log(self) -> None:
        log_height = self.network.orderer.height()
        assert all(p.height() <= log_height for p in self.network.peers.values())

    @invariant()
    def refused_envelopes_are_nowhere(self) -> None:
        for envelope in self.refused[-30:]:
            for peer in self.network.peers.values():
                assert peer.tx_status(envelope.tx_id).state is TxState.UNKNOWN

    def teardown(self) -> None:
        try:
            self.space_freed()
            self.clock.now += RETRY_MS
            self.network.tick()
            self.network.flush()
            assert self.network.fault is None
            for peer in self.network.peers.values():
                states = {peer.tx_status(e.tx_id).state for e in self.accepted}
                assert states <= {TxState.COMMITTED}, f"{peer.node_id}: {states}"
            heads = {p.head().hash() for p in self.network.peers.values()}  # type: ignore[union-attr]
            assert len(heads) == 1
        finally:
            self.network.close()
            shutil.rmtree(self.root, ignore_errors=True)


TestIntakeMachine = IntakeMachine.TestCase
# Each run opens four SQLite peers and an orderer log: half the profile's runs (quick: 15,
# ci: 100), each with the profile's step count.
TestIntakeMachine.settings = settings(
    settings.default, max_examples=max(10, settings.default.max_examples // 2)
)
