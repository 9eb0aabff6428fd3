"""Route handlers never wait for the peer's lock on the event loop, and event-stream
followers read recent blocks from the watcher instead of queueing for that lock."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from api.context import RECENT_BLOCKS, RECENT_TXS, CommitWatcher
from nodes.local import LocalNetwork
from nodes.peer import Peer
from nodes.templates import build_network, small
from nodes.workloads import WorkloadContext, build_mix


@pytest.fixture
def network() -> Iterator[LocalNetwork]:
    spec = build_network(small(), seed="event-loop")
    net = LocalNetwork(spec, lambda: 0, peers=["gov.peer"], batch_size=10)
    yield net
    net.close()


def test_a_request_waiting_for_the_peer_lock_does_not_stall_other_requests(
    network: LocalNetwork,
) -> None:
    peer = network.peers["gov.peer"]
    app = create_app(peer)
    holding, release, released = threading.Event(), threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # what a long block application does
        with peer._lock:
            holding.set()
            release.wait(timeout=10)
        released.set()

    async def scenario() -> tuple[bool, list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://peer") as client:
            paths = ("/v1/health", "/metrics")
            waiting = [asyncio.ensure_future(client.get(path)) for path in paths]
            await asyncio.sleep(0.05)  # both now wait for the lock, in worker threads
            other = await client.get("/openapi.json")  # needs no lock: the loop must be free
            served_while_held = other.status_code == 200 and not released.is_set()
            served_while_held = served_while_held and not any(w.done() for w in waiting)
            release.set()
            return served_while_held, [(await w).status_code for w in waiting]

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holding.wait(timeout=10)
    try:
        served_while_held, statuses = asyncio.run(scenario())
    finally:
        release.set()
        holder.join()
    assert served_while_held
    assert statuses == [200, 200]


def test_the_watcher_keeps_the_latest_blocks_for_followers(network: LocalNetwork) -> None:
    peer: Peer = network.peers["gov.peer"]
    watcher = CommitWatcher(peer)
    peer.subscribe(watcher._on_block)  # as start() does, without an event loop to wake
    setup, measured = build_mix(WorkloadContext(network.spec, seed=3), {"settlement": 1}, 400)
    for envelope in [*setup, *measured]:
        peer.submit([envelope])
    network.flush()
    head = peer.height()
    assert head > RECENT_BLOCKS
    assert watcher.head_height() == head
    assert watcher.recent_block(head - RECENT_BLOCKS) is None
    heights = range(head - RECENT_BLOCKS + 1, head + 1)
    kept = [watcher.recent_block(h) for h in heights]
    assert [b.height if b else None for b in kept] == list(heights)
    latest, stored = watcher.recent_block(head), peer.block(head)
    assert latest is not None
    assert stored is not None
    assert latest.hash == stored.hash


def test_the_watchers_window_holds_at_most_its_txs_but_always_the_newest_block() -> None:
    spec = build_network(small(), seed="event-loop")
    network = LocalNetwork(spec, lambda: 0, peers=["gov.peer"], batch_size=100)
    peer: Peer = network.peers["gov.peer"]
    watcher = CommitWatcher(peer)
    peer.subscribe(watcher._on_block)
    try:
        setup, measured = build_mix(WorkloadContext(spec, seed=4), {"settlement": 1}, 2400)
        peer.submit([*setup, *measured])  # 24 blocks of 100: fewer than 32, over 2,000 txs
        network.flush()
        head = peer.height()
        kept = [b for b in map(watcher.recent_block, range(head + 1)) if b is not None]
    finally:
        network.close()
    assert kept[-1].height == head
    assert len(kept) < RECENT_BLOCKS
    assert RECENT_TXS - 100 < sum(len(b.results) for b in kept) <= RECENT_TXS
