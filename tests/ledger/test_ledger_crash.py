"""Crash safety: SIGKILL an appending process at random moments; the file is always at a
block boundary, verifies, and the next process carries on from its head."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_appender import txs_in_block

from ledger import SignatureVerifier, SqliteStore
from ledger.block import tx_root
from ledger.verify import verify_store

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KILLS = 30
APPENDER = Path(__file__).with_name("crash_appender.py")


def _start_appender(path: Path) -> tuple[subprocess.Popen[str], int, str]:
    proc = subprocess.Popen(
        [sys.executable, str(APPENDER), str(path)],
        stdout=subprocess.PIPE, text=True, cwd=APPENDER.parent,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    assert line[:1] == ["start"], f"appender did not start: {line}"
    return proc, int(line[1]), line[2]


def test_appender_killed_at_random_moments_always_leaves_a_verifiable_block_boundary(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    path = tmp_path / "peer.db"
    verifier = SignatureVerifier(cache_size=1_000_000)  # each round re-verifies the whole chain
    last_head: tuple[int, str] | None = None
    grew = 0
    for round_no in range(KILLS):
        where = f"round {round_no} (CRASH_SEED={seed})"
        proc, start_height, start_hash = _start_appender(path)
        if last_head is not None:
            assert (start_height, start_hash) == last_head, f"{where}: did not resume at the head"
        time.sleep(rng.uniform(0.0, 0.12))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()

        store = SqliteStore(path)
        try:
            head = store.head()
            assert head is not None, where
            block = store.block(head.height)
            assert block is not None, where
            if head.height > 0:
                assert len(block.envelopes) == txs_in_block(head.height), where
                assert tx_root(block.envelopes) == head.tx_root, where
                for result in block.results:
                    for key, value in result.writes:
                        assert store.state.get(key) == value, f"{where}: {key}"
            assert store.block(head.height + 1) is None, where
            assert store.count_txs() == sum(txs_in_block(h) for h in range(1, head.height + 1))
            report = verify_store(store, verifier=verifier)
            assert (report.blocks, report.head_hash) == (head.height + 1, head.hash()), where
        finally:
            store.close()
        grew += head.height > (last_head[0] if last_head else 0)
        last_head = (head.height, head.hash())
    assert last_head is not None
    assert grew >= KILLS // 2, f"the appender made progress in only {grew} of {KILLS} rounds"
