"""Merkle roots in the RFC 6962 style (domain-separated leaves and nodes).

Leaves are hex digests (tx_ids, result hashes); an odd node is promoted unchanged
to the next level, so the root of one leaf is its leaf hash and no leaf can be
duplicated to forge a second tree with the same root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    if not leaves:
        return EMPTY_ROOT
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaves]
    while len(level) > 1:
        next_level = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            next_level.append(level[-1])
        level = next_level
    return level[0].hex()
