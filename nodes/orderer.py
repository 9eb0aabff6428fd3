"""The in-process orderer: one FIFO order, cuts by size or maximum wait, a log from any height.

Time is injected: every call passes ``now_ms``, milliseconds since the genesis
time on whatever clock drives the network (the simulator's seeded clock, or a
monotonic wall clock in a benchmark). A batch's block time is
``genesis time + now_ms`` at its cut, never earlier than the previous cut's, so
block times never run backwards.

A batch is cut when ``batch_size`` envelopes wait (reason SIZE), when the oldest
waiting envelope has waited ``max_wait_ms`` (TIMEOUT), or on ``flush`` (FLUSH).
Batch seq ``n`` becomes block height ``n`` on every peer.
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
    ) -> None:
        if batch_size < 1 or max_wait_ms < 1:
            raise ValueError("batch_size and max_wait_ms must be positive")
        self._node_id = node_id
        self._epoch = parse_time(genesis_time)
        self.batch_size = batch_size
        self.max_wait_ms = max_wait_ms
        self._pending: deque[tuple[int, Envelope]] = deque()
        self._seen: set[str] = set()
        self._log: list[Batch] = []
        self._last_time_ms = 0
        self._base = 0  # batches up to this seq were cut before a restart (not in _log)
        self._subscribers: list[Callable[[Batch], None]] = []

    def resume(self, height: int, time: str) -> None:
        """Continue after a restart: the next batch is ``height + 1``, its time no earlier
        than ``time`` (the head block's). Only valid before anything is submitted."""
        if self._log or self._pending:
            raise ValueError("resume() must be called before the orderer is used")
        self._base = height
        elapsed = parse_time(time) - self._epoch
        self._last_time_ms = max(0, int(elapsed.total_seconds() * 1000))

    def elapsed_ms(self) -> int:
        """Milliseconds from genesis time to the last cut (a restarted clock starts here)."""
        return self._last_time_ms

    @property
    def node_id(self) -> str:
        return self._node_id

    def submit(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Batch]:
        for envelope in envelopes:
            if envelope.tx_id in self._seen:
                continue
            self._seen.add(envelope.tx_id)
            self._pending.append((now_ms, envelope))
        return self._cut_full(now_ms)

    def poll(self, now_ms: int) -> list[Batch]:
        cut = self._cut_full(now_ms)
        deadline = self.next_deadline()
        if deadline is not None and now_ms >= deadline:
            cut.append(self._cut(len(self._pending), now_ms, CutReason.TIMEOUT))
        return cut

    def next_deadline(self) -> int | None:
        return self._pending[0][0] + self.max_wait_ms if self._pending else None

    def flush(self, now_ms: int) -> list[Batch]:
        cut = self._cut_full(now_ms)
        if self._pending:
            cut.append(self._cut(len(self._pending), now_ms, CutReason.FLUSH))
        return cut

    def height(self) -> int:
        return self._base + len(self._log)

    def pending(self) -> int:
        return len(self._pending)

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        start = max(seq - self._base, 1) - 1
        end = len(self._log) if limit is None else min(len(self._log), start + limit)
        return self._log[start:end]

    def subscribe(self, callback: Callable[[Batch], None]) -> Unsubscribe:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _cut_full(self, now_ms: int) -> list[Batch]:
        cut = []
        while len(self._pending) >= self.batch_size:
            cut.append(self._cut(self.batch_size, now_ms, CutReason.SIZE))
        return cut

    def _cut(self, count: int, now_ms: int, reason: CutReason) -> Batch:
        envelopes = tuple(self._pending.popleft()[1] for _ in range(count))
        self._last_time_ms = max(self._last_time_ms, now_ms)
        seq = self._base + len(self._log) + 1
        batch = Batch(
            seq=seq,
            time=format_time(self._epoch + dt.timedelta(milliseconds=self._last_time_ms)),
            cut=CutInfo(self._node_id, seq, reason),
            envelopes=envelopes,
        )
        self._log.append(batch)
        for callback in list(self._subscribers):
            callback(batch)
        return batch
