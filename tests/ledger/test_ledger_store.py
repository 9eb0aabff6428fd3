"""The chain store contract, run on every implementation (memory and a real SQLite file)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from ledger_kit import (
    CHAIN_ID,
    Member,
    append_next,
    build_next,
    builder_for,
    genesis_for,
    tx,
)

from ledger import Block, ChainStoreAPI, SqliteStore, StoreError, TxResult, TxState
from ledger.block import next_state_hash, results_root, tx_root
from ledger.exceptions import BlockMismatch
from ledger.sqlite_store import WAL_LIMIT_BYTES


def test_empty_store_has_no_head(empty_store: ChainStoreAPI) -> None:
    assert empty_store.height() == -1
    assert empty_store.head() is None
    assert empty_store.block(0) is None
    assert empty_store.genesis() is None


def test_genesis_is_block_zero_and_seeds_state(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    genesis = store.block(0)
    assert genesis is not None
    assert store.height() == 0
    assert store.head() == genesis.header
    assert store.genesis() == {"chain_id": CHAIN_ID, "orgs": ["coop1"]}
    assert [key for key, _ in store.state.scan("membership/")] == sorted(
        f"membership/member/{m.member_id}" for m in members
    )


def test_appended_block_is_the_head_and_readable_by_height_and_hash(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    block = append_next(builder_for(store), [tx(members[0]), tx(members[1], nonce=1)])
    assert store.height() == 1
    assert store.head() == block.header
    assert store.header(1) == block.header
    for loaded in (store.block(1), store.block_by_hash(block.hash)):
        assert loaded is not None
        assert loaded.hash == block.hash
        assert loaded.header == block.header
        assert loaded.envelopes == block.envelopes
        assert loaded.results == block.results
    assert store.block(2) is None
    assert store.block_by_hash("0" * 64) is None


def test_tx_is_found_by_id_with_its_place_and_result(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    envelopes = [tx(members[0], args={"key": "a", "value": 1}), tx(members[1], "refuse")]
    append_next(builder_for(store), envelopes)
    committed = store.tx(envelopes[0].tx_id)
    rejected = store.tx(envelopes[1].tx_id)
    assert committed is not None
    assert rejected is not None
    assert (committed.height, committed.index, committed.envelope) == (1, 0, envelopes[0])
    assert committed.result.writes == (("kv/a", 1),)
    assert (rejected.index, rejected.result.status, rejected.result.code) == (
        1, TxState.REJECTED, "KV_REFUSED"
    )
    assert store.has_committed(envelopes[0].tx_id)
    assert not store.has_committed(envelopes[1].tx_id)
    assert store.tx("f" * 64) is None


def test_later_commit_of_a_once_rejected_tx_is_the_record_returned(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    builder = builder_for(store)
    carol = next(m for m in members if m.record["revoked"])
    envelope = tx(members[0], args={"key": "a", "value": 1})
    append_next(builder, [tx(members[0], chain_id="x"), tx(carol)])
    first = append_next(builder, [envelope])
    second = append_next(builder, [envelope])
    record = store.tx(envelope.tx_id)
    assert record is not None
    assert first.results[0].committed
    assert second.results[0].code == "DUPLICATE_TX"
    assert (record.height, record.result.committed) == (2, True)


def test_state_get_and_scan_follow_puts_and_deletes(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    alice = members[0]
    builder = builder_for(store)
    append_next(builder, [
        tx(alice, args={"key": f"lot/{name}", "value": {"kg": kg}}, nonce=name)
        for name, kg in [("b", 2), ("a", 1), ("c", 3)]
    ] + [tx(alice, args={"key": "lots", "value": "not a lot"}, nonce="x")])
    assert store.state.get("kv/lot/a") == {"kg": 1}
    assert store.state.get("kv/lot/zz") is None
    assert list(store.state.scan("kv/lot/")) == [
        ("kv/lot/a", {"kg": 1}), ("kv/lot/b", {"kg": 2}), ("kv/lot/c", {"kg": 3})
    ]
    append_next(builder, [tx(alice, "delete", {"key": "lot/b"}, nonce="del")])
    assert store.state.get("kv/lot/b") is None
    assert [key for key, _ in store.state.scan("kv/lot/")] == ["kv/lot/a", "kv/lot/c"]


def test_values_read_from_state_cannot_mutate_the_store(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    append_next(builder_for(store), [tx(members[0], args={"key": "a", "value": {"n": 1}})])
    value = store.state.get("kv/a")
    value["n"] = 2
    assert store.state.get("kv/a") == {"n": 1}


def test_rejected_tx_leaves_no_writes_even_if_it_wrote_before_refusing(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    block = append_next(
        builder_for(store), [tx(members[0], "refuse", {"key": "ghost", "value": 1})]
    )
    assert block.results[0].code == "KV_REFUSED"
    assert block.results[0].writes == ()
    assert block.writes() == []
    assert store.state.get("kv/ghost") is None
    genesis = store.header(0)
    assert genesis is not None
    assert block.header.state_hash == next_state_hash(genesis.state_hash, [])


def test_block_with_the_wrong_height_is_refused_and_nothing_changes(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    block = build_next(builder_for(store), [tx(members[0])])
    skipped = dataclasses.replace(block.header, height=2)
    with pytest.raises(BlockMismatch, match="height 2"):
        store.append(Block(skipped, block.envelopes, block.results))
    assert store.height() == 0
    assert store.tx(block.envelopes[0].tx_id) is None
    assert store.state.get("kv/k") is None


def test_block_with_the_wrong_prev_hash_is_refused_and_nothing_changes(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    block = build_next(builder_for(store), [tx(members[0])])
    forked = dataclasses.replace(block.header, prev_hash="ab" * 32)
    with pytest.raises(BlockMismatch, match="prev_hash"):
        store.append(Block(forked, block.envelopes, block.results))
    assert store.height() == 0
    assert not store.has_committed(block.envelopes[0].tx_id)
    store.append(block)
    assert store.height() == 1


def test_first_block_must_be_a_genesis_block(
    empty_store: ChainStoreAPI, members: list[Member]
) -> None:
    genesis = genesis_for(members)
    not_genesis = Block(genesis.header, (), ())
    with pytest.raises(BlockMismatch, match="genesis"):
        empty_store.append(not_genesis)
    assert empty_store.head() is None


def test_sqlite_store_reopened_from_its_file_has_the_same_chain(
    tmp_path: Path, members: list[Member]
) -> None:
    path = tmp_path / "peer.db"
    store = SqliteStore(path)
    store.append(genesis_for(members))
    block = append_next(builder_for(store), [tx(members[0], args={"key": "a", "value": 7})])
    store.close()

    reopened = SqliteStore(path)
    assert reopened.head() == block.header
    assert reopened.state.get("kv/a") == 7
    assert reopened.genesis() == {"chain_id": CHAIN_ID, "orgs": ["coop1"]}
    reopened.close()
    readonly = SqliteStore(path, readonly=True)
    assert readonly.height() == 1
    readonly.close()


def test_sqlite_store_refuses_to_commit_a_tx_id_twice_and_writes_nothing(
    tmp_path: Path, members: list[Member]
) -> None:
    store = SqliteStore(tmp_path / "peer.db")
    store.append(genesis_for(members))
    builder = builder_for(store)
    envelope = tx(members[0], args={"key": "a", "value": 1})
    append_next(builder, [envelope])
    head = store.head()
    assert head is not None
    # A block from a faulty builder that commits the same tx again (the builder itself
    # would reject it): the store's unique index is the last line of defence.
    forged_result = TxResult(envelope.tx_id, TxState.COMMITTED, writes=(("kv/a", 2),))
    forged = build_next(builder, [])
    forged = Block(
        dataclasses.replace(
            forged.header,
            tx_root=tx_root([envelope]),
            results_root=results_root([forged_result]),
            state_hash=next_state_hash(head.state_hash, [("kv/a", 2)]),
        ),
        (envelope,),
        (forged_result,),
    )
    with pytest.raises(StoreError, match="append failed"):
        store.append(forged)
    assert store.head() == head
    assert store.state.get("kv/a") == 1
    assert store.block(2) is None
    store.close()


def test_missing_readonly_file_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such chain file"):
        SqliteStore(tmp_path / "absent.db", readonly=True)


def test_committed_among_answers_for_a_whole_batch(
    store: ChainStoreAPI, members: list[Member]
) -> None:
    committed = tx(members[0], args={"key": "a", "value": 1})
    rejected = tx(members[0], "refuse")
    append_next(builder_for(store), [committed, rejected])
    unseen = tx(members[0], nonce=99)
    ids = [committed.tx_id, rejected.tx_id, unseen.tx_id, committed.tx_id]
    assert store.committed_among(ids) == {committed.tx_id}
    assert store.committed_among([]) == set()


def test_the_write_ahead_log_stays_within_its_documented_size(
    tmp_path: Path, members: list[Member]
) -> None:
    """60 blocks of about 200 KB each (12 MB written): after every append the ``-wal``
    file is within WAL_LIMIT_BYTES (SQLite's defaults let it reach 8 MiB and keep it)."""
    path = tmp_path / "chain.db"
    store = SqliteStore(path)
    store.append(genesis_for(members))
    builder = builder_for(store)
    wal = Path(f"{path}-wal")
    sizes = []
    for height in range(1, 61):
        envelopes = [
            tx(members[0], args={"key": f"{height}-{i}", "value": f"{height:x}{i}" * 4000},
               nonce=f"{height}-{i}")
            for i in range(10)
        ]
        append_next(builder, envelopes)
        sizes.append(wal.stat().st_size)
    store.close()
    assert max(sizes) <= WAL_LIMIT_BYTES
    assert len(set(sizes)) > 1  # the log was checkpointed and reused, not merely small
