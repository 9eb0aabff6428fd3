"""How a peer treats the blocks it builds: honestly, or (in simulations) not.

The peer asks its behaviour twice per block: which block to store (``keep``)
and which header hash to sign (``claim``). The honest behaviour stores what it
built and signs its hash; ``nodes.sim.byzantine`` holds the dishonest ones.
"""

from __future__ import annotations

from typing import Protocol

from ledger.block import Block, BlockHeader


class BehaviourAPI(Protocol):
    name: str

    def keep(self, block: Block, head: BlockHeader) -> Block:
        """The block to append, given the one built on top of ``head``."""

    def claim(self, block: Block) -> str:
        """The header hash to sign and announce for the appended ``block``."""


class Honest:
    name = "honest"

    def keep(self, block: Block, head: BlockHeader) -> Block:
        return block

    def claim(self, block: Block) -> str:
        return block.hash
