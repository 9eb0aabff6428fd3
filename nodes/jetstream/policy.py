"""When the cutter cuts: the in-process orderer's rule (size, max wait, flush) over stream seqs.

The cutter never moves envelopes; it only decides, for the envelopes it has seen
in the stream, where a batch ends (``upto``) and what its time is. The rule is
the one ``nodes.orderer.InProcessOrderer`` applies to its queue, so the same
arrivals at the same ``now_ms`` give the same batches on both orderers:

- SIZE: as soon as ``batch_size`` envelopes wait, the first ``batch_size`` are cut;
- TIMEOUT: on ``poll``, when the oldest waiting envelope has waited ``max_wait_ms``,
  everything waiting is cut;
- FLUSH: everything waiting is cut now.

A cut's time is ``max(previous cut time, now_ms)`` so block times never run
backwards, even across a cutter restart (the last marker carries its time).
"""

from __future__ import annotations

from collections import deque

from ledger.block import CutReason
from nodes.jetstream.wire import CutMarker


class CutPolicy:
    def __init__(self, batch_size: int, max_wait_ms: int) -> None:
        if batch_size < 1 or max_wait_ms < 1:
            raise ValueError("batch_size and max_wait_ms must be positive")
        self.batch_size = batch_size
        self.max_wait_ms = max_wait_ms
        self.last = CutMarker(0, 0, 0, CutReason.GENESIS)
        self._pending: deque[tuple[int, int]] = deque()  # (arrival ms, stream seq)
        self._seen: set[str] = set()

    def adopt(self, marker: CutMarker) -> None:
        """Take ``marker`` as the last cut (recovery, or another cutter won a race)."""
        if marker.seq <= self.last.seq:
            return
        self.last = marker
        while self._pending and self._pending[0][1] <= marker.upto:
            self._pending.popleft()

    def add(self, stream_seq: int, tx_id: str, now_ms: int) -> bool:
        """Note an envelope seen in the stream; False for a repeat or one already cut."""
        if stream_seq <= self.last.upto or tx_id in self._seen:
            return False
        if self._pending and stream_seq <= self._pending[-1][1]:
            return False
        self._seen.add(tx_id)
        self._pending.append((now_ms, stream_seq))
        return True

    def pending(self) -> int:
        return len(self._pending)

    def next_deadline(self) -> int | None:
        return self._pending[0][0] + self.max_wait_ms if self._pending else None

    def full(self, now_ms: int) -> list[CutMarker]:
        cuts = []
        while len(self._pending) >= self.batch_size:
            cuts.append(self._cut(self.batch_size, now_ms, CutReason.SIZE))
        return cuts

    def poll(self, now_ms: int) -> list[CutMarker]:
        cuts = self.full(now_ms)
        deadline = self.next_deadline()
        if deadline is not None and now_ms >= deadline:
            cuts.append(self._cut(len(self._pending), now_ms, CutReason.TIMEOUT))
        return cuts

    def flush(self, now_ms: int) -> list[CutMarker]:
        cuts = self.full(now_ms)
        if self._pending:
            cuts.append(self._cut(len(self._pending), now_ms, CutReason.FLUSH))
        return cuts

    def _cut(self, count: int, now_ms: int, reason: CutReason) -> CutMarker:
        upto = 0
        for _ in range(count):
            upto = self._pending.popleft()[1]
        marker = CutMarker(self.last.seq + 1, upto, max(self.last.time_ms, now_ms), reason)
        self.last = marker
        return marker
