"""The cut rule, the stream-to-batch rule, and a cutter that restarts or races never double-cuts."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.block import CutReason
from ledger.timefmt import format_time, parse_time
from nodes.jetstream import BatchAssembler, CutMarker, CutPolicy, JetStreamOrderer, NatsServer
from nodes.jetstream.assembler import StreamGap
from nodes.jetstream.connection import connect, last_marker, read_marker
from nodes.jetstream.wire import ChainNames
from nodes.orderer import InProcessOrderer
from tests.nodes.nodes_kit import issues, small_spec

SPEC = small_spec(seed=5)
ENVELOPES = issues(SPEC, 40)

calls = st.lists(
    st.tuples(st.sampled_from(["submit", "poll", "flush"]), st.integers(0, 120),
              st.integers(0, 7)),
    max_size=30,
)


@given(calls)
def test_cut_policy_cuts_where_the_in_process_orderer_cuts(
    steps: list[tuple[str, int, int]],
) -> None:
    inproc = InProcessOrderer("orderer", SPEC.config.time, batch_size=4, max_wait_ms=30)
    policy = CutPolicy(batch_size=4, max_wait_ms=30)
    now, used = 0, 0
    seq_of: dict[str, int] = {}
    for kind, advance, count in steps:
        now += advance
        if kind == "submit":
            part = ENVELOPES[used:used + count] + ENVELOPES[max(0, used - 1):used]  # a repeat
            used += count
            batches = inproc.submit(part, now)
            for envelope in part:
                seq = seq_of.setdefault(envelope.tx_id, len(seq_of) + 1)
                policy.add(seq, envelope.tx_id, now)
            markers = policy.full(now)
        elif kind == "poll":
            batches, markers = inproc.poll(now), policy.poll(now)
        else:
            batches, markers = inproc.flush(now), policy.flush(now)
        assert [(b.seq, b.cut.reason, seq_of[b.envelopes[-1].tx_id]) for b in batches] == [
            (m.seq, m.reason, m.upto) for m in markers
        ]
        assert inproc.next_deadline() == policy.next_deadline()


def test_assembler_keeps_the_first_of_a_repeated_tx_and_drops_what_the_chain_holds() -> None:
    on_chain = {ENVELOPES[0].tx_id}
    assembler = BatchAssembler("orderer", SPEC.config.time, 1, on_chain.__contains__)
    for seq, envelope in enumerate([ENVELOPES[0], ENVELOPES[1], ENVELOPES[2], ENVELOPES[1]], 1):
        assembler.envelope(seq, envelope)
    batch = assembler.marker(CutMarker(1, 3, 1500, CutReason.TIMEOUT))
    assert batch is not None
    assert [e.tx_id for e in batch.envelopes] == [ENVELOPES[1].tx_id, ENVELOPES[2].tx_id]
    genesis = parse_time(SPEC.config.time)
    assert batch.time == format_time(genesis + dt.timedelta(milliseconds=1500))
    assert batch.cut.reason is CutReason.TIMEOUT
    assert batch.cut.orderer == "orderer"
    second = assembler.marker(CutMarker(2, 4, 1600, CutReason.FLUSH))
    assert second is not None
    assert second.envelopes == ()


def test_assembler_skips_cuts_it_holds_and_refuses_a_gap() -> None:
    assembler = BatchAssembler("orderer", SPEC.config.time, 3, lambda _tx: False)
    assert assembler.marker(CutMarker(2, 10, 0, CutReason.SIZE)) is None
    with pytest.raises(StreamGap):
        assembler.marker(CutMarker(4, 20, 0, CutReason.SIZE))


@pytest.mark.nats
@pytest.mark.integration
def test_a_stale_cutter_loses_the_race_and_no_cut_is_made_twice(nats_server: NatsServer) -> None:
    def orderer() -> JetStreamOrderer:
        return JetStreamOrderer(nats_server.url, SPEC.config.chain_id, SPEC.config.time,
                                batch_size=3, max_wait_ms=50)

    first, stale = orderer(), orderer()
    try:
        assert [b.seq for b in first.submit(ENVELOPES[:4], 10)] == [1]
        assert stale.height() == 0
        assert stale.flush(20) == []          # cut 1 exists: refused; it recovers from the stream
        assert stale.height() == 1
        assert [b.seq for b in stale.flush(30)] == [2]  # carries on after the real cut 1
        restarted = orderer()                 # a cutter restart reads the last cut back
        assert restarted.height() == 2
        assert restarted.flush(40) == []
        restarted.close()
    finally:
        first.close()
        stale.close()

    async def markers() -> list[CutMarker | None]:
        nc = await connect(nats_server.url, "check")
        js, names = nc.jetstream(), ChainNames.for_chain(SPEC.config.chain_id)
        found = [await read_marker(js, names, n) for n in (1, 2, 3)]
        found.append(await last_marker(js, names))
        await nc.close()
        return found

    one, two, three, last = asyncio.run(markers())
    assert one is not None
    assert two is not None
    assert three is None
    assert last == two
    assert (one.upto, two.upto) == (3, 4)
    assert two.time_ms == 30
