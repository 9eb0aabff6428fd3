from __future__ import annotations

from pathlib import Path

import pytest
from nodes_kit import issues, sign, small_spec

from ledger.block import Block, TxState
from ledger.exceptions import StoreError
from nodes.exceptions import OutOfOrder
from nodes.local import LocalNetwork
from nodes.peer import Peer

SPEC = small_spec(batch_size=4)


@pytest.fixture
def net() -> LocalNetwork:
    return LocalNetwork(SPEC, lambda: 0)


def test_peer_reports_pending_then_committed_then_rejected_status(net: LocalNetwork) -> None:
    peer = net.peers["coop-a.peer"]
    (tx_id,) = peer.submit(issues(SPEC, 1, start=1))
    assert peer.tx_status(tx_id).state is TxState.PENDING
    net.flush()
    status = peer.tx_status(tx_id)
    assert (status.state, status.height, status.index) == (TxState.COMMITTED, 1, 0)
    bad = sign(SPEC, "coop-a.farmer-1", "settlement", "transfer",
               {"source": "coop-a.farmer-1", "target": "coop-a.farmer-2", "amount": 10**9})
    (bad_id,) = peer.submit(bad)
    net.flush()
    rejected = peer.tx_status(bad_id)
    assert (rejected.state, rejected.code) == (TxState.REJECTED, "INSUFFICIENT_FUNDS")
    assert peer.tx_status("0" * 64).state is TxState.UNKNOWN


def test_peer_refuses_a_batch_that_does_not_follow_its_head(net: LocalNetwork) -> None:
    net.peers["gov.peer"].submit(issues(SPEC, 8, start=100))
    batches = net.orderer.batches_from(1)
    fresh = Peer("x", SPEC.config, SPEC.roster.member("gov.peer"), net.peers["gov.peer"].store)
    with pytest.raises(OutOfOrder):
        fresh.apply(batches[0])


def test_subscribers_see_every_block_in_height_order(net: LocalNetwork) -> None:
    seen: list[int] = []
    peer = net.peers["insurer.peer"]
    unsubscribe = peer.subscribe(lambda block: seen.append(block.height))
    peer.submit(issues(SPEC, 9, start=200))
    net.flush()
    unsubscribe()
    peer.submit(issues(SPEC, 4, start=300))
    assert seen == [1, 2, 3]


def test_peer_answers_state_view_block_and_head_queries(net: LocalNetwork) -> None:
    peer = net.peers["bank-a.peer"]
    peer.submit(issues(SPEC, 4, start=400))
    assert peer.view("settlement", "balance", {"account": "coop-a.farmer-1"}) == {
        "account": "coop-a.farmer-1", "balance": 1000,
    }
    assert peer.state_get("settlement", "account/coop-a.farmer-2") == {"balance": 1001}
    assert dict(peer.state_scan("settlement", "supply")) == {"supply": {"issued": 4006}}
    block = peer.block(1)
    assert isinstance(block, Block)
    head = peer.head()
    assert head is not None
    assert head.height == peer.height() == 1
    assert block.hash == head.hash()


def test_every_honest_peer_agrees_with_every_other_signed_header(net: LocalNetwork) -> None:
    net.peers["gov.peer"].submit(issues(SPEC, 12, start=500))
    for peer in net.peers.values():
        assert peer.monitor.flagged == {}
        assert peer.monitor.agreements == 3 * 3


def test_peer_keeps_its_chain_in_sqlite_when_given_a_directory(tmp_path: Path) -> None:
    cred = SPEC.roster.member("bank-a.peer")
    peer = Peer.open("bank-a.peer", SPEC.config, cred, tmp_path / "bank")
    assert (tmp_path / "bank" / "chain.db").exists()
    peer.close()
    reopened = Peer.open("bank-a.peer", SPEC.config, cred, tmp_path / "bank")
    assert reopened.height() == 0
    reopened.close()


def test_peer_refuses_a_store_holding_another_chain(tmp_path: Path) -> None:
    other = small_spec(seed=2)
    Peer.open("p", other.config, other.roster.member("gov.peer"), tmp_path).close()
    with pytest.raises(StoreError):
        Peer.open("p", SPEC.config, SPEC.roster.member("gov.peer"), tmp_path)
