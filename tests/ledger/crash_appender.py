"""Append blocks to a SQLite chain until killed: the victim of the crash-safety test.

Usage: python crash_appender.py PATH

Opens (or starts) the chain in PATH, prints ``start <height> <hash>`` for its head,
then appends blocks built by ``ledger_kit`` forever. Every block's content depends
only on its height, so a run that restarts after a kill rebuilds the lost block.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ledger_kit import append_next, builder_for, default_members, genesis_for, standard_block_txs

from ledger import SqliteStore


def txs_in_block(height: int) -> int:
    return 1 + height % 7


def main(path: Path) -> None:
    members = default_members()
    store = SqliteStore(path)
    if store.head() is None:
        store.append(genesis_for(members))
    head = store.head()
    assert head is not None
    print(f"start {head.height} {head.hash()}", flush=True)
    builder = builder_for(store)
    while True:
        height = store.height() + 1
        append_next(builder, standard_block_txs(members, height, txs_in_block(height)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
