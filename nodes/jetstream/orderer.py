"""``OrdererAPI`` over JetStream, driven by the caller's clock: the cutter as a library.

``submit`` publishes envelopes to the stream (Nats-Msg-Id = tx_id, so a repeat
is dropped by the server) and notes them as arriving at ``now_ms``; ``poll``
and ``flush`` first note any envelopes others published since, then cut with
the same rule as ``InProcessOrderer`` and publish the markers. Fed the same
calls at the same ``now_ms``, both orderers cut the same batches, and peers
following the stream build the same blocks (the equality test checks this).

Batches returned (and passed to subscribers) are assembled from the stream
exactly as peers assemble them, except that without a chain a tx repeated after
the duplicate window is dropped only if this orderer saw it earlier.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from ledger.tx import Envelope
from nodes.interfaces import Unsubscribe
from nodes.jetstream.assembler import BatchAssembler
from nodes.jetstream.connection import (
    DEFAULT_DUPLICATE_WINDOW_S,
    connect,
    ensure_stream,
    read_marker,
    retrying,
)
from nodes.jetstream.cutter import CutConflict, Cutter
from nodes.jetstream.loop import LoopThread
from nodes.jetstream.policy import CutPolicy
from nodes.jetstream.reader import StreamReader
from nodes.jetstream.wire import MSG_ID, ChainNames, CutMarker, envelope_bytes, envelope_from_bytes
from nodes.messages import Batch

CALL_TIMEOUT_S = 60.0


class JetStreamOrderer:
    def __init__(
        self, urls: str, chain_id: str, genesis_time: str, *, node_id: str = "orderer",
        batch_size: int, max_wait_ms: int, replicas: int = 1,
        duplicate_window_s: float = DEFAULT_DUPLICATE_WINDOW_S,
    ) -> None:
        self._node_id = node_id
        self.names = ChainNames.for_chain(chain_id)
        self.genesis_time = genesis_time
        self._io = LoopThread(f"nats-orderer-{chain_id}")
        self._io.start()
        self._nc: NATS = self._io.call(connect(urls, "agriledger-orderer"), CALL_TIMEOUT_S)
        self._js: JetStreamContext = self._nc.jetstream(timeout=5.0)
        self._io.call(ensure_stream(
            self._js, self.names, replicas=replicas, duplicate_window_s=duplicate_window_s
        ), CALL_TIMEOUT_S)
        self._cutter = Cutter(self._js, self.names, CutPolicy(batch_size, max_wait_ms))
        self._io.call(self._cutter.recover(), CALL_TIMEOUT_S)
        self._pending: dict[int, Envelope] = {}
        self._assembler = BatchAssembler(
            node_id, genesis_time, self._cutter.policy.last.seq + 1, lambda _tx: False
        )
        self._subscribers: list[Callable[[Batch], None]] = []

    @property
    def node_id(self) -> str:
        return self._node_id

    def submit(self, envelopes: Sequence[Envelope], now_ms: int) -> list[Batch]:
        return self._io.call(self._submit(list(envelopes), now_ms), CALL_TIMEOUT_S)

    def poll(self, now_ms: int) -> list[Batch]:
        return self._io.call(self._cut(now_ms, flush=False), CALL_TIMEOUT_S)

    def flush(self, now_ms: int) -> list[Batch]:
        return self._io.call(self._cut(now_ms, flush=True), CALL_TIMEOUT_S)

    def next_deadline(self) -> int | None:
        return self._cutter.policy.next_deadline()

    def height(self) -> int:
        return self._cutter.policy.last.seq

    def batches_from(self, seq: int, limit: int | None = None) -> list[Batch]:
        return self._io.call(self._batches_from(max(seq, 1), limit), CALL_TIMEOUT_S)

    def subscribe(self, callback: Callable[[Batch], None]) -> Unsubscribe:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def close(self) -> None:
        async def close() -> None:
            if self._cutter.reader is not None:
                await self._cutter.reader.close()
            await self._nc.drain()

        self._io.call(close(), CALL_TIMEOUT_S)
        self._io.stop()

    # -- on the loop ---------------------------------------------------------------------

    async def _submit(self, envelopes: list[Envelope], now_ms: int) -> list[Batch]:
        until = 0
        for envelope in envelopes:
            data, headers = envelope_bytes(envelope), {MSG_ID: envelope.tx_id}
            ack = await retrying(
                f"publishing {envelope.tx_id}",
                lambda d=data, h=headers: self._js.publish(  # type: ignore[misc]
                    self.names.tx, d, timeout=5.0, headers=h
                ),
            )
            until = max(until, ack.seq)
        await self._ingest(now_ms, until)
        markers = self._cutter.policy.full(now_ms)
        try:
            await self._cutter.publish(markers)
        except CutConflict:
            markers = []
        return self._emit(markers)

    async def _cut(self, now_ms: int, *, flush: bool) -> list[Batch]:
        await self._ingest(now_ms, 0)
        return self._emit(await self._cutter.step(now_ms, flush=flush))

    def _resync(self) -> None:
        """After losing a race the cutter adopted others' cuts: follow from the last of them."""
        last = self._cutter.policy.last
        if self._assembler.next_seq <= last.seq:
            self._assembler = BatchAssembler(
                self._node_id, self.genesis_time, last.seq + 1, lambda _tx: False
            )
            for seq in [s for s in self._pending if s <= last.upto]:
                del self._pending[seq]

    async def _ingest(self, now_ms: int, until: int) -> None:
        reader_before = self._cutter.reader.position if self._cutter.reader else 0
        await self._cutter.ingest(now_ms, until=until)
        if reader_before < (self._cutter.reader.position if self._cutter.reader else 0):
            await self._remember(reader_before)

    async def _remember(self, after: int) -> None:
        """Keep the bodies of envelopes just noted, to return the batches they end up in."""
        reader = StreamReader(self._js, self.names.stream, self.names.tx, after)
        end = self._cutter.reader.position if self._cutter.reader else after
        try:
            while reader.position < end:
                for msg in await reader.fetch(512, 1.0):
                    self._pending[msg.metadata.sequence.stream] = envelope_from_bytes(msg.data)
        finally:
            await reader.close()

    def _emit(self, markers: list[CutMarker]) -> list[Batch]:
        if not markers:
            self._resync()
        batches = []
        for marker in markers:
            for seq in sorted(s for s in self._pending if s <= marker.upto):
                self._assembler.envelope(seq, self._pending.pop(seq))
            batch = self._assembler.marker(marker)
            if batch is not None:
                batches.append(batch)
                for callback in list(self._subscribers):
                    callback(batch)
        return batches

    async def _batches_from(self, seq: int, limit: int | None) -> list[Batch]:
        start = 0
        if seq > 1:
            marker = await retrying(
                "reading a cut", lambda: read_marker(self._js, self.names, seq - 1)
            )
            if marker is None:
                return []
            start = marker.upto
        last = self._cutter.policy.last.seq
        assembler = BatchAssembler(self._node_id, self.genesis_time, seq, lambda _tx: False)
        reader = StreamReader(self._js, self.names.stream, self.names.log, start)
        batches: list[Batch] = []
        deadline = time.monotonic() + CALL_TIMEOUT_S / 2
        try:
            while (
                assembler.next_seq <= last and (limit is None or len(batches) < limit)
                and time.monotonic() < deadline
            ):
                for msg in await reader.fetch(512, 1.0):
                    if self.names.is_cut(msg.subject):
                        batch = assembler.marker(CutMarker.from_bytes(msg.data))
                        if batch is not None and (limit is None or len(batches) < limit):
                            batches.append(batch)
                    else:
                        envelope = envelope_from_bytes(msg.data)
                        assembler.envelope(msg.metadata.sequence.stream, envelope)
        finally:
            await reader.close()
        return batches
