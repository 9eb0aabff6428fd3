"""Dishonest peer behaviours for simulations (``nodes.behaviour.BehaviourAPI``).

- ``AlterWrite``: stores a block in which one committed write has a different
  value, with a header recomputed to match; its state and every later header
  differ from the honest peers'.
- ``SignOtherHeader``: stores the honest block but signs and announces a
  different header hash.
"""

from __future__ import annotations

import dataclasses

from ledger.block import Block, BlockHeader, merge_writes, next_state_hash, results_root
from ledger.crypto import sha256_hex


class AlterWrite:
    name = "alter-write"

    def keep(self, block: Block, head: BlockHeader) -> Block:
        results = list(block.results)
        for index, result in enumerate(results):
            if result.committed and result.writes:
                key, _value = result.writes[0]
                forged = ((key, {"forged": True}), *result.writes[1:])
                results[index] = dataclasses.replace(result, writes=forged)
                break
        else:
            return block
        writes = merge_writes(r.writes for r in results if r.committed)
        header = dataclasses.replace(
            block.header,
            results_root=results_root(results),
            state_hash=next_state_hash(head.state_hash, writes),
        )
        return Block(header=header, envelopes=block.envelopes, results=tuple(results))

    def claim(self, block: Block) -> str:
        return block.hash


class SignOtherHeader:
    name = "sign-other-header"

    def keep(self, block: Block, head: BlockHeader) -> Block:
        return block

    def claim(self, block: Block) -> str:
        return sha256_hex(f"not {block.hash}".encode())
