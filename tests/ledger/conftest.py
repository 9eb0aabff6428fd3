"""Fixtures for the ledger tests: members, and stores parametrised over implementations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_kit import Member, default_members, genesis_for

from ledger import ChainStoreAPI, MemoryStore, SqliteStore


@pytest.fixture(scope="session")
def members() -> list[Member]:
    return default_members()


@pytest.fixture(params=["memory", "sqlite"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChainStoreAPI]:
    store: ChainStoreAPI
    store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "chain.db")
    yield store
    store.close()


@pytest.fixture
def store(empty_store: ChainStoreAPI, members: list[Member]) -> ChainStoreAPI:
    """A store holding just the genesis block that enrols ``members``."""
    empty_store.append(genesis_for(members))
    return empty_store
