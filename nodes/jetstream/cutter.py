"""The designated cutter: reads envelopes from the stream and publishes cut markers into it.

Only one process should cut (``agriledger serve --cutter``, or the first peer of
``agriledger network up``); if the cutter dies, another may start and carries
on from the stream, and if two ever run at once they cannot fork the order:

- each marker is published on its own subject ``cut.<n>`` with
  ``Nats-Expected-Last-Subject-Sequence: 0`` (the server refuses a second
  message on that subject) and ``Nats-Msg-Id: cut-<n>`` (a retried publish is
  dropped as a duplicate);
- a refused or duplicate marker means cut ``n`` already exists: the cutter reads
  it back; if it is not its own, it recovers (below) and cuts again from there.

Recovery (start, restart, lost race): the last marker in the stream (last message
on ``cut.*``) gives the last batch, its ``upto`` and its time; envelopes after
``upto`` are re-read and wait again (their max-wait clock restarts, which only
affects when the next cut happens, never what the batches that exist contain).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from nats.js import JetStreamContext
from nats.js.errors import BadRequestError

from nodes.jetstream.connection import last_marker, read_marker, retrying
from nodes.jetstream.policy import CutPolicy
from nodes.jetstream.reader import StreamReader
from nodes.jetstream.wire import EXPECTED_LAST_SUBJECT_SEQ, MSG_ID, ChainNames, CutMarker

log = logging.getLogger(__name__)

Clock = Callable[[], int]
FETCH = 512
WRONG_LAST_SEQUENCE = 10071


class CutConflict(Exception):
    """Another cutter published this cut first."""


class Cutter:
    def __init__(self, js: JetStreamContext, names: ChainNames, policy: CutPolicy) -> None:
        self.js = js
        self.names = names
        self.policy = policy
        self.reader: StreamReader | None = None
        self.cut_count = 0

    async def recover(self) -> None:
        """Adopt the stream's last cut and re-read the envelopes after it."""
        last = await retrying("reading the last cut", lambda: last_marker(self.js, self.names))
        policy = CutPolicy(self.policy.batch_size, self.policy.max_wait_ms)
        if last is not None:
            policy.adopt(last)
        self.policy = policy
        if self.reader is not None:
            await self.reader.close()
        self.reader = StreamReader(self.js, self.names.stream, self.names.tx, policy.last.upto)

    async def ingest(
        self, now_ms: int | Clock, *, until: int = 0, timeout: float = 0.0
    ) -> int:
        """Note envelopes in the stream, arriving at ``now_ms``; read at least up to ``until``.

        ``now_ms`` is a fixed time (a driven clock) or a clock read as messages arrive.

        Waits up to ``timeout`` seconds for the first message when ``until`` is reached.
        """
        if self.reader is None:
            await self.recover()
        assert self.reader is not None
        added = 0
        while True:
            wait = 1.0 if self.reader.position < until else max(timeout, 0.01)
            msgs = await self.reader.fetch(FETCH, wait)
            arrival = now_ms if isinstance(now_ms, int) else now_ms()
            for msg in msgs:
                tx_id = (msg.headers or {}).get(MSG_ID, "")
                if self.policy.add(msg.metadata.sequence.stream, tx_id, arrival):
                    added += 1
            if self.reader.position >= until and (not msgs or len(msgs) < FETCH):
                return added
            timeout = 0.0

    async def publish(self, markers: list[CutMarker]) -> None:
        """Publish markers in order; on a lost race, recover and raise CutConflict."""
        for marker in markers:
            try:
                await self._publish_one(marker)
            except CutConflict:
                await self.recover()
                raise

    async def _publish_one(self, marker: CutMarker) -> None:
        headers = {MSG_ID: marker.msg_id, EXPECTED_LAST_SUBJECT_SEQ: "0"}

        async def attempt() -> bool:
            try:
                ack = await self.js.publish(
                    self.names.cut(marker.seq), marker.to_bytes(), timeout=2.0, headers=headers
                )
            except BadRequestError as exc:
                if exc.err_code == WRONG_LAST_SEQUENCE:
                    return False
                raise
            return not ack.duplicate

        if await retrying(f"publishing cut {marker.seq}", attempt):
            self.cut_count += 1
            return
        existing = await retrying(
            f"reading cut {marker.seq}", lambda: read_marker(self.js, self.names, marker.seq)
        )
        if existing != marker:
            raise CutConflict(f"cut {marker.seq} was made by another cutter")
        self.cut_count += 1  # our own earlier attempt had landed

    async def step(self, now_ms: int, *, flush: bool = False) -> list[CutMarker]:
        """Cut what is due at ``now_ms`` (everything, when ``flush``) and publish it."""
        markers = self.policy.flush(now_ms) if flush else self.policy.poll(now_ms)
        with contextlib.suppress(CutConflict):
            await self.publish(markers)
            return markers
        return []

    async def run(self, clock: Clock, stop: asyncio.Event) -> None:
        """Cut on the wall clock until ``stop`` is set, then cut what still waits (FLUSH)."""
        await self.recover()
        while not stop.is_set():
            try:
                deadline = self.policy.next_deadline()
                now = clock()
                wait = 0.25 if deadline is None else max(0.001, min(0.25, (deadline - now) / 1000))
                await self.ingest(clock, timeout=wait)
                now = clock()
                with contextlib.suppress(CutConflict):
                    await self.publish(self.policy.full(now))
                await self.step(clock())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cutter step failed; recovering from the stream")
                await asyncio.sleep(0.5)
                with contextlib.suppress(Exception):
                    await self.recover()
        with contextlib.suppress(Exception):
            await self.ingest(clock)
            await self.step(clock(), flush=True)
        if self.reader is not None:
            await self.reader.close()
