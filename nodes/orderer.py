"""The in-process orderer: one FIFO order, cuts by size or maximum wait, a log from any height.

Time is injected: every call passes ``now_ms``, milliseconds since the genesis
time on whatever clock drives the network (the simulator's seeded clock, or a
monotonic wall clock in a benchmark). A batch's block time is
``genesis time + now_ms + offset`` at its cut, never earlier than the previous cut's, so
block times never run backwards. ``offset`` is 0 unless a development chain's clock
was moved forward (``advance_clock``); it only grows, and the log keeps it.

A batch is cut when ``batch_size`` envelopes wait (reason SIZE), when the oldest
waiting envelope has waited ``max_wait_ms`` (TIMEOUT), or on ``flush`` (FLUSH).
Batch seq ``n`` becomes block height ``n`` on every peer.

What it accepted and how it cut it goes to an ``OrdererLog``: in memory by
default, or a ``SqliteOrdererLog`` file, which ``agriledger serve`` uses so an
envelope is on disk before its submission is answered and a restarted orderer
cuts what was still waiting. A cut is recorded in the log before its batch is
handed on, so no batch exists that the log does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Sequence

from ledger.block import CutInfo, CutReason
from ledger.timefmt import format_time, parse_time
from ledger.tx import Envelope
from nodes.interfaces import Unsubscribe
from nodes.messages import Batch
from nodes.orderer_log import MemoryLog, OrdererLog

DEFAULT_BATCH_SIZE = 500
DEFAULT_MAX_WAIT_MS = 200


class InProcessOrderer:
    """Deterministic ordering service for simulations, tests and the embedded default."""

    def __init__(
        self,
        node_id: str,
        genesis_time: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_wait_ms: int = DEFAULT_MAX_WAIT_MS,
        log: OrdererLog | None = None,
    ) -> None:
        """``log``: where accepted envelopes and cuts are kept (default: memory). A log
        that already holds cuts or waiting envelopes is continued from."""
        if batch_size < 1 or max_wait_ms < 1:
            raise ValueError("batch_size and max_wait_ms must be positive")
        self._node_id = node_id
        self._epoch = parse_time(genesis_time)
        self.batch_size = batch_size
        self.max_wait_ms = max_wait_ms
        self.log: OrdererLog = log if log is not None else MemoryLog()
        self._pending: deque[tuple[int, Envelope]] = deque(self.log.waiting())
        self._last_time_ms = 0
        self._offset_ms = self.log.clock_offset()
        last = self.log.batches_from(self.log.height(), 1)
        if last:
            self._continue_after(last[0].time)
        self._subscribers: list[Callable[[Batch], None]] = []

    def resume(self, height: int, time: str) -> None:
        """Continue a chain whose blocks up to ``height`` this orderer's log never held (a
        memory log after a restart): the next batch is ``height + 1``, its time no earlier
        than ``time`` (the head block's). Only valid on an empty log."""
        if self.log.height() or self._pending:
            raise ValueError("resume() must be called before the orderer is used")
        self.log.start_at(height)
        self._continue_after(time)

    def _continue_after(self, time: str) -> None:
        elapsed = parse_time(time) - self._epoch
        self._last_time_ms = max(0, int(elapsed.total_seconds() * 1000))

    def clock_offset_ms(self) -> int:
        """How far the clock was moved forward (development chains; 0 otherwise)."""
        return self._offset_ms

    def advance_clock(self, by_ms: int) -> int:
        """Move the block clock forward by ``by_ms`` (> 0) from now on; the new offset.

        The log records the offset first, so a StoreError leaves the clock where it was.
        Whether this chain may do it is the caller's rule (``LocalNetwork.advance_clock``).
        """
        if by_ms <= 0:
            raise ValueError(f"the clock only moves forward: {by_ms} ms")
        offset = self._offset_ms + by_ms
        self.log.set_clock_offset(offset)
        self._offset_ms = offset
        return offset

    def block_time(self, now_ms: int) -> str:
        """The time a batch cut at ``now_ms`` would carry."""
        return self._format(max(self._last_time_ms, now_ms + self._offset_ms))

    def _format(self, time_ms: int) -> str:
        return format_time(self._epoch + dt.timedelta(milliseconds=time_ms))

    @property
    def node_id(self) -> str:
        return self._node_id

    def submit(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Batch]:
        self.accept(envelopes, now_ms)
        return self._cut_full(now_ms)

    def accept(self, envelopes: Sequence[Envelope], now_ms: int) -> None:
        """Queue envelopes without cutting; the log holds them when this returns (a
        StoreError from the log accepts none of them)."""
        for envelope in self.log.accept(envelopes, now_ms):
            self._pending.append((now_ms, envelope))

    def cut_full(self, now_ms: int) -> list[Batch]:
        """Cut every full batch waiting (what ``submit`` does after accepting)."""
        return self._cut_full(now_ms)

    def poll(self, now_ms: int) -> list[Batch]:
        cut = self._cut_full(now_ms)
        deadline = self.next_deadline()
        if deadline is not None and now_ms >= deadline:
            cut.append(self._cut(len(self._pending), now_ms, CutReason.TIMEOUT))
        return cut

    def next_deadline(self) -> int | None:
        return self._pending[0][0] + self.max_wait_ms if self._pending else None

    def close(self) -> None:
        self.log.close()

    def flush(self, now_ms: int) -> list[Batch]:
        cut = self._cut_full(now_ms)
        if self._pending:
            cut.append(self._cut(len(self._pending), now_ms, CutReason.FLUSH))
        return cut

    def height(self) -> int:
        return self.log.height()

    def pending(self) -> int:
        return len(self._pending)

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        return self.log.batches_from(seq, limit)

    def subscribe(self, callback: Callable[[Batch], None]) -> Unsubscribe:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _cut_full(self, now_ms: int) -> list[Batch]:
        cut = []
        while len(self._pending) >= self.batch_size:
            cut.append(self._cut(self.batch_size, now_ms, CutReason.SIZE))
        return cut

    def _cut(self, count: int, now_ms: int, reason: CutReason) -> Batch:
        envelopes = tuple(self._pending[i][1] for i in range(count))
        time_ms = max(self._last_time_ms, now_ms + self._offset_ms)
        seq = self.log.height() + 1
        batch = Batch(
            seq=seq,
            time=self._format(time_ms),
            cut=CutInfo(self._node_id, seq, reason),
            envelopes=envelopes,
        )
        self.log.record(batch)  # a StoreError here leaves the envelopes waiting
        self._last_time_ms = time_ms
        for _ in range(count):
            self._pending.popleft()
        for callback in list(self._subscribers):
            callback(batch)
        return batch
