"""Event-stream followers are woken once for blocks that land close together (issue 21:
each idle follower costs a wake-up and a write per wake-up, so 200 idle streams cost
the serving loop 200 of each per block). A real in-process network applies the blocks;
the watcher is the one every peer's API uses."""

from __future__ import annotations

import asyncio

from api.context import CommitWatcher
from contracts.genesis import ContractConfig, OrdererConfig
from ledger.tx import Envelope, make_body, sign_envelope
from nodes.local import LocalNetwork
from nodes.templates import build_network, small

SPEC = build_network(
    small(), seed=3, orderer=OrdererConfig(batch_size=1, max_wait_ms=1),
    contracts=[ContractConfig(name="membership", version="1"),
               ContractConfig(name="settlement", version="1")],
)


def _issue(nonce: int) -> Envelope:
    body = make_body(
        chain_id=SPEC.config.chain_id, contract="settlement", action="issue",
        args={"account": "coop-a.farmer-1", "amount": 1}, signer="gov.pboc", nonce=nonce,
        created_at=SPEC.config.time,
    )
    return sign_envelope(body, SPEC.roster.member("gov.pboc").key)


def _wakeups(flush_s: float, blocks: int, followers: int = 3) -> tuple[list[int], int]:
    """Wake-ups of each follower while ``blocks`` blocks land one after another, and the
    height the followers can read on their last wake-up."""
    network = LocalNetwork(SPEC, lambda: 0)
    peer = network.peers["gov.peer"]

    async def run() -> tuple[list[int], int]:
        watcher = CommitWatcher(peer, flush_s=flush_s)
        watcher.start()
        woken = [0] * followers
        seen = [0]

        async def follow(i: int) -> None:
            while await watcher.wait_block(3600):
                woken[i] += 1
                seen[0] = watcher.head_height() or 0

        tasks = [asyncio.create_task(follow(i)) for i in range(followers)]
        await asyncio.sleep(0)
        for nonce in range(blocks):
            peer.submit(_issue(nonce))
            network.flush()  # a block of one tx, applied on this thread
            await asyncio.sleep(0.01)  # the loop runs the watcher's callbacks
        watcher.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return woken, seen[0]

    try:
        return asyncio.run(run())
    finally:
        network.close()


def test_blocks_landing_within_the_flush_interval_wake_each_follower_once() -> None:
    woken, seen = _wakeups(flush_s=3600, blocks=5)
    assert woken == [1, 1, 1]  # the first block at once; the other four wait for the flush
    assert seen >= 1


def test_without_a_flush_interval_each_block_wakes_each_follower() -> None:
    woken, seen = _wakeups(flush_s=0, blocks=5)
    assert woken == [5, 5, 5]
    assert seen == 5
