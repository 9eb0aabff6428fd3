from __future__ import annotations

from nodes_kit import issues, small_spec

from ledger.block import CutReason
from nodes.orderer import InProcessOrderer

SPEC = small_spec()


def orderer(batch_size: int = 3, max_wait_ms: int = 100) -> InProcessOrderer:
    return InProcessOrderer(
        "orderer", "2026-03-01T00:00:00Z", batch_size=batch_size, max_wait_ms=max_wait_ms
    )


def test_orderer_cuts_a_batch_as_soon_as_batch_size_envelopes_wait() -> None:
    o = orderer(batch_size=3)
    envs = issues(SPEC, 7, start=100)
    assert o.submit(envs[:2], 0) == []
    cut = o.submit(envs[2:], 5)
    assert [b.seq for b in cut] == [1, 2]
    assert [len(b.envelopes) for b in cut] == [3, 3]
    assert all(b.cut.reason is CutReason.SIZE for b in cut)
    assert o.pending() == 1
    assert [e.tx_id for b in cut for e in b.envelopes] == [e.tx_id for e in envs[:6]]


def test_orderer_cuts_after_max_wait_and_stamps_the_cut_time() -> None:
    o = orderer(batch_size=10, max_wait_ms=100)
    o.submit(issues(SPEC, 2, start=200), 1_000)
    assert o.next_deadline() == 1_100
    assert o.poll(1_099) == []
    (batch,) = o.poll(1_250)
    assert batch.cut.reason is CutReason.TIMEOUT
    assert batch.time == "2026-03-01T00:00:01.25Z"
    assert o.next_deadline() is None


def test_orderer_ignores_a_tx_id_it_already_ordered() -> None:
    o = orderer(batch_size=2)
    envs = issues(SPEC, 2, start=300)
    o.submit(envs, 0)
    o.submit(envs, 10)
    assert o.height() == 1
    assert o.pending() == 0


def test_orderer_log_serves_batches_from_any_height() -> None:
    o = orderer(batch_size=1)
    o.submit(issues(SPEC, 5, start=400), 0)
    assert [b.seq for b in o.batches_from(3)] == [3, 4, 5]
    assert [b.seq for b in o.batches_from(1, limit=2)] == [1, 2]
    assert o.batches_from(6) == []


def test_block_times_never_run_backwards() -> None:
    o = orderer(batch_size=1)
    first = o.submit(issues(SPEC, 1, start=500), 2_000)
    second = o.flush(1_000) + o.submit(issues(SPEC, 1, start=501), 1_000)
    assert second[0].time >= first[0].time
