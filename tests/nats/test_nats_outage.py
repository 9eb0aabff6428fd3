"""A NATS outage during a submission: the answer says the outcome is unknown (503), not 500."""

from __future__ import annotations

import logging
import time

import pytest

from api.errors import problem
from api.server import wall_clock
from contracts.registry import discover
from nodes.exceptions import OrderingUnavailable
from nodes.interfaces import TxState
from nodes.jetstream import JetStreamNode, JetStreamSettings, NatsServer
from nodes.peer import Peer
from tests.nodes.nodes_kit import issues, small_spec

pytestmark = [pytest.mark.nats, pytest.mark.integration]


def test_an_outage_answers_503_outcome_unknown_and_the_tx_can_be_resubmitted(
    nats_server: NatsServer,
) -> None:
    spec = small_spec()
    peer_id = spec.peer_members()[0]
    peer = Peer.open(peer_id, spec.config, spec.roster.member(peer_id), None, classes=discover())
    settings = JetStreamSettings(nats_server.url, cutter=True, publish_timeout_s=1.0)
    node = JetStreamNode(peer, settings, wall_clock(spec.config.time))
    node.start()
    try:
        nats_server.kill()  # the ordering service is gone for longer than the publish timeout
        envelope = issues(spec, 1, start=7)[0]
        with pytest.raises(OrderingUnavailable) as outage:
            peer.submit(envelope)
        status, body = problem(outage.value, "/v1/transactions")
        assert status == 503
        assert body["code"] == "ORDERING_UNAVAILABLE"
        assert "outcome unknown" in body["detail"]
        assert "resubmit" in body["detail"]
        assert peer.pending() == []  # not reported as pending by a peer that cannot tell

        nats_server.start()  # NATS is back (same port, same store): resubmitting is safe
        nats_server.wait_ready()
        assert peer.submit(envelope) == [envelope.tx_id]
        deadline = time.monotonic() + 30
        while peer.tx_status(envelope.tx_id).state is not TxState.COMMITTED:
            assert time.monotonic() < deadline, peer.tx_status(envelope.tx_id)
            time.sleep(0.05)
    finally:
        node.stop()
        peer.close()


def test_an_outage_logs_one_line_when_the_connection_is_lost_and_one_when_it_is_back(
    nats_server: NatsServer, caplog: pytest.LogCaptureFixture
) -> None:
    """nats-server stopped for 3 s (about 15 reconnect attempts) and started again: the
    node logs the loss and the reconnection once each, and no traceback at all."""
    spec = small_spec()
    peer_id = spec.peer_members()[0]
    peer = Peer.open(peer_id, spec.config, spec.roster.member(peer_id), None, classes=discover())
    node = JetStreamNode(peer, JetStreamSettings(nats_server.url), wall_clock(spec.config.time))
    caplog.set_level(logging.DEBUG)
    node.start()
    try:
        nats_server.stop()
        time.sleep(3)
        nats_server.start()
        nats_server.wait_ready()
        deadline = time.monotonic() + 30
        while not any("reconnected to NATS" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "never reconnected"
            time.sleep(0.05)
    finally:
        node.stop()
        peer.close()
    ours = [r for r in caplog.records if r.name.startswith(("nats", "nodes.jetstream"))]
    assert [r for r in ours if r.exc_info] == []
    lines = [r.getMessage() for r in ours if r.levelno >= logging.WARNING]
    lost = [m for m in lines if "lost the NATS connection" in m]
    back = [m for m in lines if "reconnected to NATS" in m]
    assert len(lost) == 1, lines
    assert len(back) == 1, lines
    assert len(lines) <= 4, lines  # the two, and at most a line per stream task that noticed
    assert any("NATS" in r.getMessage() for r in ours if r.levelno == logging.DEBUG)  # attempts
