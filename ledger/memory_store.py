"""An in-memory chain store: the same contract as SqliteStore, for tests and fast simulation."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from ledger.block import Block, BlockHeader
from ledger.exceptions import BlockMismatch
from ledger.interfaces import TxRecord
from ledger.state import MemoryState


class MemoryStore:
    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._by_hash: dict[str, int] = {}
        self._txs: dict[str, tuple[int, int]] = {}
        self._committed: set[str] = set()
        self._state = MemoryState()

    @property
    def state(self) -> MemoryState:
        return self._state

    def height(self) -> int:
        return len(self._blocks) - 1

    def head(self) -> BlockHeader | None:
        return self._blocks[-1].header if self._blocks else None

    def append(self, block: Block) -> None:
        check_extends(self.head(), block)
        height = block.height
        if block.raw_writes is not None:  # the bytes served the state hash; don't keep them
            block = dataclasses.replace(block, raw_writes=None)
        self._blocks.append(block)
        self._by_hash[block.hash] = height
        pairs = zip(block.envelopes, block.results, strict=True)
        for index, (envelope, result) in enumerate(pairs):
            if result.committed:
                self._committed.add(envelope.tx_id)
                self._txs[envelope.tx_id] = (height, index)
            else:
                self._txs.setdefault(envelope.tx_id, (height, index))
        self._state.adopt(block.writes())

    def block(self, height: int) -> Block | None:
        return self._blocks[height] if 0 <= height < len(self._blocks) else None

    def block_by_hash(self, block_hash: str) -> Block | None:
        height = self._by_hash.get(block_hash)
        return None if height is None else self._blocks[height]

    def header(self, height: int) -> BlockHeader | None:
        block = self.block(height)
        return None if block is None else block.header

    def tx(self, tx_id: str) -> TxRecord | None:
        where = self._txs.get(tx_id)
        if where is None:
            return None
        block = self._blocks[where[0]]
        return TxRecord(where[0], where[1], block.envelopes[where[1]], block.results[where[1]])

    def has_committed(self, tx_id: str) -> bool:
        return tx_id in self._committed

    def committed_among(self, tx_ids: Iterable[str]) -> set[str]:
        return self._committed.intersection(tx_ids)

    def genesis(self) -> Mapping[str, Any] | None:
        return self._blocks[0].genesis if self._blocks else None

    def close(self) -> None:
        pass


def check_extends(head: BlockHeader | None, block: Block) -> None:
    """Raise BlockMismatch unless ``block`` is the next block after ``head``."""
    expected_height = 0 if head is None else head.height + 1
    if block.height != expected_height:
        raise BlockMismatch(
            f"block height {block.height} does not follow head {expected_height - 1}"
        )
    if head is not None and block.header.prev_hash != head.hash():
        raise BlockMismatch(f"block {block.height}: prev_hash does not match the head's hash")
    if head is None and block.genesis is None:
        raise BlockMismatch("block 0 must be a genesis block")
