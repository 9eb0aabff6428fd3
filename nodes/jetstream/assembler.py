"""Peer side: turn the stream (envelopes and cut markers, in stream order) into batches.

Every peer runs this over the same stream and so builds the same batches: batch
``n`` is exactly what cut marker ``n`` says (see ``wire.CutMarker``). A peer at
height ``h`` resumes reading at stream sequence ``upto(h) + 1``, where
``upto(h)`` is read back from marker ``h`` in the stream (the last message on
subject ``cut.<h>``): its durable position is derived from its own head block,
which committed in the same SQLite transaction as the block's state, so a
SIGKILLed peer resumes exactly where its chain ends. Markers of batches it
already holds (marker ``h`` itself sits after ``upto(h)``) are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ledger.block import CutInfo
from ledger.timefmt import format_time, parse_time
from ledger.tx import Envelope
from nodes.jetstream.wire import CutMarker
from nodes.messages import Batch

Committed = Callable[[str], bool]


class StreamGap(Exception):
    """A cut marker skipped a batch: the reader must restart from its durable position."""


class BatchAssembler:
    def __init__(
        self, orderer_id: str, genesis_time: str, next_seq: int, committed: Committed
    ) -> None:
        self.orderer_id = orderer_id
        self._epoch = parse_time(genesis_time)
        self.next_seq = next_seq
        self._committed = committed
        self._buffer: list[tuple[int, Envelope]] = []
        self._emitted: set[str] = set()  # batches handed out may not be applied yet

    def reset(self) -> None:
        """Forget buffered envelopes (the reader is about to read them again)."""
        self._buffer.clear()

    def envelope(self, stream_seq: int, envelope: Envelope) -> None:
        self._buffer.append((stream_seq, envelope))

    def marker(self, marker: CutMarker) -> Batch | None:
        """The batch this marker closes, or None for a batch this peer already holds."""
        if marker.seq < self.next_seq:
            return None
        if marker.seq > self.next_seq:
            raise StreamGap(f"expected cut {self.next_seq}, found cut {marker.seq}")
        taken = [e for s, e in self._buffer if s <= marker.upto]
        self._buffer = [(s, e) for s, e in self._buffer if s > marker.upto]
        envelopes = []
        for envelope in taken:
            tx_id = envelope.tx_id
            if tx_id in self._emitted or self._committed(tx_id):
                continue
            self._emitted.add(tx_id)
            envelopes.append(envelope)
        self.next_seq += 1
        return Batch(
            seq=marker.seq,
            time=format_time(self._epoch + dt.timedelta(milliseconds=marker.time_ms)),
            cut=CutInfo(self.orderer_id, marker.seq, marker.reason),
            envelopes=tuple(envelopes),
        )
