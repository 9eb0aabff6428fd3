"""Operations of the embedded network: what it accepted survives a crash, a full store halts
intake loudly and loses nothing, and memory does not grow with the chain.

The storage fault is real SQLite behaviour: ``SqliteStore.limit_growth`` caps the
file's page count, so the next append fails with "database or disk is full"
exactly as on a full disk.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ledger.exceptions import StoreError
from ledger.tx import Envelope
from nodes.exceptions import IntakeHalted
from nodes.local import RETRY_MS, LocalNetwork
from nodes.orderer_log import RECENT_BATCHES, SqliteOrdererLog
from nodes.peer import Peer
from nodes.templates import NetworkSpec
from tests.nodes.nodes_kit import issues, small_spec


class Clock:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def _open(spec: NetworkSpec, root: Path, clock: Clock) -> LocalNetwork:
    return LocalNetwork(spec, clock, store_root=root / "peers", orderer_dir=root / "orderer")


def _entry(network: LocalNetwork) -> Peer:
    return next(iter(network.peers.values()))


def _committed(network: LocalNetwork, envelopes: list[Envelope]) -> dict[str, int]:
    """Per peer, how many of ``envelopes`` its chain records as committed."""
    return {
        peer_id: sum(peer.tx_status(e.tx_id).state.value == "committed" for e in envelopes)
        for peer_id, peer in network.peers.items()
    }


def test_envelopes_accepted_but_not_yet_cut_are_committed_after_a_crash(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5, max_wait_ms=50)
    clock = Clock()
    first = _open(spec, tmp_path, clock)
    waiting = issues(spec, 3)  # fewer than a batch: they wait in the orderer for its max wait
    _entry(first).submit(waiting)
    assert first.orderer.pending() == 3
    assert _entry(first).height() == 0
    first.close()  # the process dies here: no flush, the orderer never cut them

    restarted = _open(spec, tmp_path, Clock())
    assert restarted.orderer.pending() == 3
    restarted.flush()
    assert _committed(restarted, waiting) == dict.fromkeys(restarted.peers, 3)
    restarted.close()


def test_a_batch_cut_but_not_applied_before_a_crash_is_applied_on_restart(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5)
    first = _open(spec, tmp_path, Clock())
    cut = first.orderer.submit(issues(spec, 5), 10)  # cut and logged; no peer applied it
    assert [b.seq for b in cut] == [1]
    assert _entry(first).height() == 0
    first.close()

    restarted = _open(spec, tmp_path, Clock())
    assert {p.height() for p in restarted.peers.values()} == {1}
    assert _committed(restarted, list(cut[0].envelopes)) == dict.fromkeys(restarted.peers, 5)
    restarted.close()


def test_resubmitting_what_the_log_holds_is_ignored_not_ordered_twice(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5)
    network = _open(spec, tmp_path, Clock())
    batch = issues(spec, 3)
    network.orderer.accept(batch, 1)
    network.orderer.accept(batch, 2)
    assert network.orderer.pending() == 3
    network.close()
    restarted = _open(spec, tmp_path, Clock())
    restarted.orderer.accept(batch, 3)
    assert restarted.orderer.pending() == 3
    restarted.close()


def test_a_full_store_halts_intake_everywhere_and_resumes_with_nothing_lost(
    tmp_path: Path,
) -> None:
    spec = small_spec(batch_size=40)  # a block needs new pages
    clock = Clock()
    network = _open(spec, tmp_path, clock)
    first, *others = network.peers.values()
    accepted = issues(spec, 40)
    first.submit(accepted[:20])
    full = others[0]
    full.store.limit_growth(0)  # type: ignore[attr-defined]  # the disk is full for this peer
    first.submit(accepted[20:])  # completes a batch: the cut is logged, one peer cannot store it

    assert network.fault is not None
    assert "disk is full" in str(network.fault)
    assert full.height() == 0
    assert first.height() == 1
    assert network.orderer.height() == 1  # the batch is kept, not dropped
    for peer in network.peers.values():  # every peer refuses, loudly, and says why
        assert peer.fault() is not None
        assert "disk is full" in (peer.fault() or "")
        with pytest.raises(IntakeHalted) as refused:
            peer.submit(issues(spec, 1, start=100))
        assert refused.value.code == "INTAKE_HALTED"
    assert network.orderer.pending() == 0  # nothing was accepted while halted

    clock.now += RETRY_MS
    network.tick()  # still full: still halted, no batch lost, no new cut
    assert network.fault is not None
    assert full.height() == 0

    full.store.limit_growth(None)  # space freed
    clock.now += RETRY_MS
    network.tick()
    assert network.fault is None
    assert all(p.fault() is None for p in network.peers.values())
    assert {p.height() for p in network.peers.values()} == {1}
    assert _committed(network, accepted) == dict.fromkeys(network.peers, 40)
    later = issues(spec, 40, start=200)
    first.submit(later)
    assert _committed(network, later) == dict.fromkeys(network.peers, 40)
    network.close()


def test_a_full_orderer_log_halts_intake_and_accepts_nothing(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5)
    network = _open(spec, tmp_path, Clock())
    log = network.orderer.log
    assert isinstance(log, SqliteOrdererLog)
    log.limit_growth(0)  # the orderer's disk is full
    refused = issues(spec, 40)
    with pytest.raises(IntakeHalted, match="disk is full"):
        _entry(network).submit(refused)
    assert isinstance(network.fault, StoreError)
    assert network.orderer.pending() == 0
    assert all(p.tx_status(e.tx_id).state.value == "unknown"
               for p in network.peers.values() for e in refused)
    network.close()


def test_memory_holds_a_window_of_the_chain_not_all_of_it(tmp_path: Path) -> None:
    """After many batches the envelopes alive in the process are a bounded window (the
    orderer's recent batches), not every envelope ever ordered."""
    gc.collect()
    before = sum(isinstance(o, Envelope) for o in gc.get_objects())  # other tests' leftovers
    spec = small_spec(batch_size=50)
    clock = Clock()
    network = _open(spec, tmp_path, clock)
    peer = _entry(network)
    total = 0
    for start in range(0, 4000, 200):
        peer.submit(issues(spec, 200, start=start))
        total += 200
    network.flush()
    assert peer.height() == total // 50
    gc.collect()
    alive = sum(isinstance(o, Envelope) for o in gc.get_objects()) - before
    assert alive <= RECENT_BATCHES * 50, f"{alive} envelopes of {total} still in memory"
    assert len(network.orderer.batches_from(1, 3)) == 3  # older batches come from the file
    network.close()


def test_a_log_older_than_the_peers_is_refused_and_a_missing_one_starts_at_the_head(
    tmp_path: Path,
) -> None:
    spec = small_spec(batch_size=5)
    clock = Clock()
    network = _open(spec, tmp_path, clock)
    _entry(network).submit(issues(spec, 5))
    network.close()
    backup = (tmp_path / "orderer" / "log.db").read_bytes()  # the log at batch 1
    network = _open(spec, tmp_path, clock)
    _entry(network).submit(issues(spec, 5, start=10))
    network.close()

    (tmp_path / "orderer" / "log.db").write_bytes(backup)
    with pytest.raises(StoreError, match="ends at batch 1 but the peers hold block 2"):
        _open(spec, tmp_path, clock)

    for stale in (tmp_path / "orderer").iterdir():
        stale.unlink()
    fresh = _open(spec, tmp_path, clock)
    later = issues(spec, 5, start=20)
    _entry(fresh).submit(later)
    assert {p.height() for p in fresh.peers.values()} == {3}
    assert _committed(fresh, later) == dict.fromkeys(fresh.peers, 5)
    fresh.close()
