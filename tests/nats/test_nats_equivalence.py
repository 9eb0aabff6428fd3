"""The JetStream orderer cuts what the in-process orderer cuts, and peers build the same chain.

A fixed list of pre-signed envelopes is fed to both orderers with the same
``submit``/``poll``/``flush`` calls at the same simulated times; the in-process
peers apply what their orderer returns, the JetStream peers follow the stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from contracts.registry import discover
from ledger.tx import Envelope
from nodes.interfaces import OrdererAPI
from nodes.jetstream import JetStreamNode, JetStreamOrderer, JetStreamSettings, NatsServer
from nodes.messages import Batch
from nodes.orderer import InProcessOrderer
from nodes.peer import Peer
from nodes.templates import NetworkSpec
from tests.nodes.nodes_kit import issues, small_spec, transfers

pytestmark = [pytest.mark.nats, pytest.mark.integration]

BATCH_SIZE = 5
MAX_WAIT_MS = 50


@dataclass(frozen=True)
class Step:
    kind: str                      # submit | poll | flush
    now_ms: int
    envelopes: tuple[Envelope, ...] = ()


def scenario(spec: NetworkSpec) -> list[Step]:
    """Cuts of every kind: size, timeout, flush; a repeat submission; times that stand still."""
    envs = issues(spec, 12) + transfers(spec, 11)
    return [
        Step("submit", 10, tuple(envs[0:3])),
        Step("poll", 40),
        Step("poll", 70),                                  # timeout cut
        Step("submit", 80, tuple(envs[3:11])),             # size cut
        Step("submit", 80, tuple(envs[5:7])),              # repeats: ignored
        Step("submit", 100, tuple(envs[11:14])),
        Step("poll", 200),
        Step("submit", 230, tuple(envs[14:23])),
        Step("flush", 240),
    ]


def drive(orderer: OrdererAPI, steps: list[Step], apply: Callable[[Batch], None]) -> None:
    for step in steps:
        if step.kind == "submit":
            batches = orderer.submit(step.envelopes, step.now_ms)
        elif step.kind == "poll":
            batches = orderer.poll(step.now_ms)
        else:
            batches = orderer.flush(step.now_ms)
        for batch in batches:
            apply(batch)


def open_peers(spec: NetworkSpec) -> list[Peer]:
    classes = discover()
    return [
        Peer.open(p, spec.config, spec.roster.member(p), None, classes=classes)
        for p in spec.peer_members()[:3]
    ]


def test_same_scenario_gives_equal_head_hashes_on_both_orderers(
    nats_server: NatsServer,
) -> None:
    spec = small_spec(seed=3, batch_size=BATCH_SIZE, max_wait_ms=MAX_WAIT_MS)
    steps = scenario(spec)

    inproc = InProcessOrderer("orderer", spec.config.time, batch_size=BATCH_SIZE,
                              max_wait_ms=MAX_WAIT_MS)
    local_peers = open_peers(spec)
    local_batches: list[Batch] = []

    def apply_locally(batch: Batch) -> None:
        local_batches.append(batch)
        for peer in local_peers:
            peer.apply(batch)

    drive(inproc, steps, apply_locally)

    stream_peers = open_peers(spec)
    nodes = [JetStreamNode(p, JetStreamSettings(nats_server.url), lambda: 0) for p in stream_peers]
    for node in nodes:
        node.start()
    orderer = JetStreamOrderer(nats_server.url, spec.config.chain_id, spec.config.time,
                               batch_size=BATCH_SIZE, max_wait_ms=MAX_WAIT_MS)
    try:
        cut: list[Batch] = []
        drive(orderer, steps, cut.append)
        deadline = time.monotonic() + 20
        while any(p.height() < orderer.height() for p in stream_peers):
            assert time.monotonic() < deadline, [p.height() for p in stream_peers]
            time.sleep(0.02)
        replayed = orderer.batches_from(1)
    finally:
        for node in nodes:
            node.stop()
        orderer.close()

    reasons = {b.cut.reason.value for b in local_batches}
    assert reasons == {"size", "timeout", "flush"}
    assert [b.to_json() for b in cut] == [b.to_json() for b in local_batches]
    assert [b.to_json() for b in replayed] == [b.to_json() for b in local_batches]
    local_head = local_peers[0].head()
    assert local_head is not None
    for peer in stream_peers:
        head = peer.head()
        assert head is not None
        assert head.hash() == local_head.hash()
        assert head.state_hash == local_head.state_hash
        assert peer.monitor.flagged == {}
        assert peer.monitor.agreements == 2 * orderer.height()
