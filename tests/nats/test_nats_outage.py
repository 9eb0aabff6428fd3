"""A NATS outage during a submission: the answer says the outcome is unknown (503), not 500."""

from __future__ import annotations

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
