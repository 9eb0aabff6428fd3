"""The writing SQLite store's cache of state texts: never older than the head, bounded,
and absent from read-only stores (another process may be appending)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_kit import Member, append_next, builder_for, genesis_for, tx

import ledger.sqlite_store as sqlite_store
from ledger import SqliteStore


@pytest.fixture
def writer(tmp_path: Path, members: list[Member]) -> SqliteStore:
    store = SqliteStore(tmp_path / "chain.db")
    store.append(genesis_for(members))
    return store


def put(store: SqliteStore, member: Member, key: str, value: object, nonce: str) -> None:
    append_next(builder_for(store), [tx(member, args={"key": key, "value": value}, nonce=nonce)])


def test_a_cached_value_follows_puts_and_deletes(
    writer: SqliteStore, members: list[Member]
) -> None:
    alice = members[0]
    assert writer.state.get("kv/lot") is None  # remembered as absent
    put(writer, alice, "lot", {"kg": 1}, "1")
    assert writer.state.get("kv/lot") == {"kg": 1}  # remembered
    put(writer, alice, "lot", {"kg": 2}, "2")
    assert writer.state.get("kv/lot") == {"kg": 2}
    append_next(builder_for(writer), [tx(alice, "delete", {"key": "lot"}, nonce="3")])
    assert writer.state.get("kv/lot") is None
    writer.close()


def test_a_read_only_store_sees_the_writers_later_blocks(
    writer: SqliteStore, members: list[Member], tmp_path: Path
) -> None:
    put(writer, members[0], "lot", {"kg": 1}, "1")
    reader = SqliteStore(tmp_path / "chain.db", readonly=True)
    assert reader.state.get("kv/lot") == {"kg": 1}
    put(writer, members[0], "lot", {"kg": 2}, "2")
    assert reader.state.get("kv/lot") == {"kg": 2}
    reader.close()
    writer.close()


def test_the_cache_holds_at_most_its_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, members: list[Member]
) -> None:
    monkeypatch.setattr(sqlite_store, "STATE_CACHE_KEYS", 3)
    store = SqliteStore(tmp_path / "chain.db")
    store.append(genesis_for(members))
    for n in range(6):
        put(store, members[0], f"lot-{n}", n, str(n))
    assert [store.state.get(f"kv/lot-{n}") for n in range(6)] == list(range(6))
    assert len(store.state._texts) == 3
    store.close()
