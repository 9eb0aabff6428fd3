"""A peer's reader of the stream: batches from its own height, in order, handed to ``deliver``.

The start position is derived from the peer's head (see ``assembler``): height
``h`` means "resume after ``upto`` of cut marker ``h``". If the stream ever
shows a gap in the cut markers, the follower rewinds to the last batch it
handed out and reads again from there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from nats.js import JetStreamContext

from ledger.exceptions import LedgerError
from nodes.exceptions import NodeError
from nodes.jetstream.assembler import BatchAssembler, Committed, StreamGap
from nodes.jetstream.connection import read_marker, retrying
from nodes.jetstream.reader import StreamReader
from nodes.jetstream.wire import ChainNames, CutMarker, envelope_from_bytes
from nodes.messages import Batch

log = logging.getLogger(__name__)

FETCH = 512


class StreamMismatch(NodeError):
    """The peer's chain is longer than the stream's cuts: not the stream it was built from."""


class Follower:
    def __init__(
        self, js: JetStreamContext, names: ChainNames, assembler: BatchAssembler,
        deliver: Callable[[Batch], None],
    ) -> None:
        self.js = js
        self.names = names
        self.assembler = assembler
        self.deliver = deliver
        self.skipped = 0  # stream messages that were not envelopes (dropped by every peer alike)

    @property
    def next_seq(self) -> int:
        return self.assembler.next_seq

    @classmethod
    def for_height(
        cls, js: JetStreamContext, names: ChainNames, orderer_id: str, genesis_time: str,
        height: int, committed: Committed, deliver: Callable[[Batch], None],
    ) -> Follower:
        assembler = BatchAssembler(orderer_id, genesis_time, height + 1, committed)
        return cls(js, names, assembler, deliver)

    async def _position(self) -> int:
        """Stream sequence after which the batch ``next_seq`` begins."""
        last = self.assembler.next_seq - 1
        if last == 0:
            return 0
        marker = await retrying(
            f"reading cut {last}", lambda: read_marker(self.js, self.names, last)
        )
        if marker is None:
            raise StreamMismatch(
                f"the chain is at height {last} but stream {self.names.stream} has no cut {last}"
            )
        return marker.upto

    async def run(self, stop: asyncio.Event) -> None:
        reader = StreamReader(self.js, self.names.stream, self.names.log, await self._position())
        try:
            while not stop.is_set():
                msgs = await reader.fetch(FETCH, 0.25)
                try:
                    for msg in msgs:
                        self._take(msg.subject, msg.metadata.sequence.stream, msg.data)
                except StreamGap as exc:
                    log.warning("%s; rereading from the last batch", exc)
                    await reader.close()
                    self.assembler.reset()
                    reader = StreamReader(
                        self.js, self.names.stream, self.names.log, await self._position()
                    )
        finally:
            await reader.close()

    def _take(self, subject: str, stream_seq: int, data: bytes) -> None:
        if self.names.is_cut(subject):
            batch = self.assembler.marker(CutMarker.from_bytes(data))
            if batch is not None:
                self.deliver(batch)
            return
        try:
            envelope = envelope_from_bytes(data)
        except (LedgerError, ValueError) as exc:
            self.skipped += 1
            log.warning("stream message %d is not an envelope (%s); skipped", stream_seq, exc)
            return
        self.assembler.envelope(stream_seq, envelope)
