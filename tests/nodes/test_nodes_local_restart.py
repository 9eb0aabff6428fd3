"""The embedded network restarts on its own SQLite files and carries on from its head."""

from __future__ import annotations

import threading
from pathlib import Path

from ledger.sqlite_store import SqliteStore
from ledger.verify import verify_store
from nodes.local import LocalNetwork, batch_from_block
from nodes.messages import Batch
from tests.nodes.nodes_kit import issues, small_spec


class Clock:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def _submit(network: LocalNetwork, envelopes: list, clock: Clock) -> None:  # type: ignore[type-arg]
    peer = next(iter(network.peers.values()))
    peer.submit(envelopes)
    clock.now += 1000
    network.flush()


def test_a_restarted_network_continues_from_the_head_its_stores_hold(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5)
    clock = Clock()
    first = LocalNetwork(spec, clock, store_root=tmp_path)
    _submit(first, issues(spec, 12), clock)
    heights = {p.height() for p in first.peers.values()}
    head_time = next(iter(first.peers.values())).head().time  # type: ignore[union-attr]
    first.close()
    assert heights == {3}

    restarted = LocalNetwork(spec, Clock(), store_root=tmp_path)
    _submit(restarted, issues(spec, 4, start=100), Clock())
    heads = {p.head().hash() for p in restarted.peers.values()}  # type: ignore[union-attr]
    assert {p.height() for p in restarted.peers.values()} == {4}
    assert len(heads) == 1
    peer = next(iter(restarted.peers.values()))
    assert peer.head().time >= head_time  # type: ignore[union-attr]
    restarted.close()
    store = SqliteStore(tmp_path / peer.node_id / "chain.db", readonly=True)
    assert verify_store(store).blocks == 5
    store.close()


def test_a_peer_left_one_block_behind_is_brought_level_on_restart(tmp_path: Path) -> None:
    spec = small_spec(batch_size=5)
    clock = Clock()
    network = LocalNetwork(spec, clock, store_root=tmp_path)
    _submit(network, issues(spec, 5), clock)
    leader = next(iter(network.peers.values()))
    block = leader.block(1)
    assert block is not None
    extra = network.orderer.submit(issues(spec, 5, start=50), 2000)
    assert len(extra) == 1
    leader.apply(extra[0])  # killed after the first peer appended, before the others
    network.close()

    restarted = LocalNetwork(spec, Clock(), store_root=tmp_path)
    assert {p.height() for p in restarted.peers.values()} == {2}
    assert len({p.head().hash() for p in restarted.peers.values()}) == 1  # type: ignore[union-attr]
    restarted.close()


def test_a_block_rebuilds_the_batch_it_was_executed_from() -> None:
    spec = small_spec(batch_size=3)
    clock = Clock()
    network = LocalNetwork(spec, clock)
    _submit(network, issues(spec, 3), clock)
    peer = next(iter(network.peers.values()))
    block = peer.block(1)
    assert block is not None
    batch = batch_from_block(block)
    assert isinstance(batch, Batch)
    assert batch == network.orderer.batches_from(1)[0]


def test_the_network_owns_its_verifier_pool_and_its_verdicts_stay_within_the_window() -> None:
    """The pool's threads start on the first prefetch and are gone after ``close``; the
    shared verifier keeps at most its window of verdicts, however many txs went through."""
    spec = small_spec(batch_size=5)
    clock = Clock()
    before = {t.ident for t in threading.enumerate()}
    network = LocalNetwork(spec, clock, verify_cache=64)
    verifier = next(iter(network.peers.values())).verifier
    _submit(network, issues(spec, 150), clock)
    started = [t for t in threading.enumerate() if t.ident not in before]
    assert started
    assert all(t.name.startswith("ed25519") for t in started)
    assert len(verifier) == 64  # 150 signatures verified, the oldest gone
    network.close()
    for thread in started:
        thread.join(10)
    assert {t.ident for t in threading.enumerate()} == before
