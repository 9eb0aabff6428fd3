"""Replays and forgeries through the BlockBuilder: each is recorded as rejected with its own
code, and none changes state."""

from __future__ import annotations

from typing import Any

import pytest
from ledger_kit import Member, append_next, builder_for, tx

from ledger import Block, ChainStoreAPI, Envelope, TxResult, TxState


def _state(store: ChainStoreAPI) -> list[tuple[str, Any]]:
    return list(store.state.scan(""))


def _assert_rejected_without_writes(block: Block, index: int, code: str) -> None:
    result = block.results[index]
    assert result.status is TxState.REJECTED
    assert result.code == code
    assert result.writes == ()


def test_same_envelope_in_a_later_block_is_rejected_as_duplicate(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    builder = builder_for(store)
    envelope = tx(members[0], args={"key": "lot-1", "value": 100})
    first = append_next(builder, [envelope])
    assert first.results[0].committed
    before = _state(store)

    replay = append_next(builder, [envelope])
    _assert_rejected_without_writes(replay, 0, "DUPLICATE_TX")
    assert replay.writes() == []
    assert _state(store) == before
    record = store.tx(envelope.tx_id)
    assert record is not None
    assert (record.height, record.result.committed) == (first.height, True)


def test_same_envelope_twice_in_one_block_commits_once(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    envelope = tx(members[0], args={"key": "lot-1", "value": 100})
    block = append_next(builder_for(store), [envelope, envelope])
    assert block.results[0].committed
    _assert_rejected_without_writes(block, 1, "DUPLICATE_TX")
    assert store.state.get("kv/lot-1") == 100


def test_envelope_for_another_chain_is_rejected_as_wrong_chain(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    before = _state(store)
    block = append_next(builder_for(store), [tx(members[0], chain_id="agri-other")])
    _assert_rejected_without_writes(block, 0, "WRONG_CHAIN")
    assert _state(store) == before


def test_co_signature_lifted_from_another_body_is_rejected_as_bad_signature(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    alice, bob = members[0], members[1]
    approved = tx(alice, args={"key": "loan", "value": 1_000_00}, nonce=1, co_signers=[bob])
    draft = tx(alice, args={"key": "loan", "value": 9_000_000_00}, nonce=2)
    lifted = Envelope.parse(
        {"tx": dict(draft.body),
         "signatures": [draft.signatures[0].to_json(), approved.signatures[1].to_json()]}
    )
    before = _state(store)
    block = append_next(builder_for(store), [lifted])
    _assert_rejected_without_writes(block, 0, "BAD_SIGNATURE")
    assert "signatures[1].sig" in (block.results[0].message or "")
    assert _state(store) == before


def test_unknown_and_revoked_signers_are_rejected_with_their_codes(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    carol = next(m for m in members if m.record["revoked"])
    outsider = Member("coop9.eve", "farmer", members[0].key, {})
    before = _state(store)
    block = append_next(builder_for(store), [tx(carol), tx(outsider)])
    _assert_rejected_without_writes(block, 0, "SIGNER_REVOKED")
    _assert_rejected_without_writes(block, 1, "UNKNOWN_SIGNER")
    assert _state(store) == before


def test_rejections_do_not_stop_valid_txs_in_the_same_block(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    good = tx(members[0], args={"key": "a", "value": 1})
    block = append_next(
        builder_for(store), [tx(members[0], chain_id="elsewhere"), good, good]
    )
    assert [r.code for r in block.results] == ["WRONG_CHAIN", None, "DUPLICATE_TX"]
    assert block.writes() == [("kv/a", 1)]
    assert store.has_committed(good.tx_id)


@pytest.mark.parametrize("state", [TxState.PENDING, TxState.UNKNOWN])
def test_a_recorded_result_is_committed_or_rejected(state: TxState) -> None:
    """One TxState for every layer, but a block records only the two final ones."""
    data = {"tx_id": "t", "status": state.value, "code": None, "message": None,
            "writes": [], "events": []}
    with pytest.raises(ValueError, match="committed or rejected"):
        TxResult.from_json(data)
