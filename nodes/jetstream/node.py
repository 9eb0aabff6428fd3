"""A peer joined to a chain's JetStream: it publishes what its gate accepts, follows the stream,
applies batches in order, announces its signed headers and compares everyone else's.

Threads: NATS I/O runs on its own loop thread; batches and others' headers go
through one queue to an applier thread, so ``Peer.apply`` (CPU-bound) never
stalls the NATS connection and ``observe`` runs in the same order as blocks.
The process may also be the designated cutter (``cutter=True``).

Stop order (``stop``): the cutter cuts what still waits (FLUSH); the follower
reads up to the stream's last cut (bounded by ``drain_s``); the applier finishes
its queue; the peer's store then closes between blocks (the caller closes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from ledger.encoding import canonical, decode
from ledger.exceptions import LedgerError
from ledger.tx import Envelope
from nodes.exceptions import OrderingUnavailable
from nodes.jetstream.auth import NatsUser, private_subject
from nodes.jetstream.connection import (
    DEFAULT_DUPLICATE_WINDOW_S,
    connect,
    ensure_stream,
    last_marker,
    retrying,
)
from nodes.jetstream.cutter import Cutter
from nodes.jetstream.follower import Follower
from nodes.jetstream.loop import LoopThread
from nodes.jetstream.policy import CutPolicy
from nodes.jetstream.wire import MSG_ID, ChainNames, envelope_bytes, header_bytes, header_from_bytes
from nodes.messages import Batch, SignedHeader
from nodes.peer import Peer
from nodes.private import PrivateDelivery

log = logging.getLogger(__name__)

Clock = Callable[[], int]
ORDERER_ID = "orderer"  # the CutInfo.orderer of every batch, as the in-process network's
PUBLISH_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class JetStreamSettings:
    urls: str
    cutter: bool = False
    replicas: int = 1
    duplicate_window_s: float = DEFAULT_DUPLICATE_WINDOW_S
    orderer_id: str = ORDERER_ID
    batch_size: int | None = None    # default: the genesis orderer settings
    max_wait_ms: int | None = None
    publish_timeout_s: float = PUBLISH_TIMEOUT_S
    """How long a submission waits for NATS to confirm before answering 'outcome unknown'."""
    user: NatsUser | None = None
    """The organisation's NATS user (``nodes.jetstream.auth``); None on a server without users."""


class JetStreamNode:
    def __init__(self, peer: Peer, settings: JetStreamSettings, clock: Clock) -> None:
        self.peer = peer
        self.settings = settings
        self.clock = clock
        self.names = ChainNames.for_chain(peer.chain_id)
        self._io = LoopThread(f"nats-{peer.node_id}")
        self._work: queue.Queue[Batch | SignedHeader | None] = queue.Queue()
        self._applier = threading.Thread(target=self._apply_loop, name="applier", daemon=True)
        self._nc: NATS | None = None
        self._js: JetStreamContext | None = None
        self._stop_follow = asyncio.Event()
        self._stop_cut = asyncio.Event()
        self._tasks: list[asyncio.Future[None]] = []
        self.follower: Follower | None = None
        self.cutter: Cutter | None = None
        self.failure: BaseException | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, timeout_s: float = 60.0) -> None:
        self._io.start()
        self._io.call(self._start(), timeout_s)
        self._applier.start()
        self.peer.forward = self._forward
        self.peer.share = self._share_private

    async def _start(self) -> None:
        self._stop_follow = asyncio.Event()
        self._stop_cut = asyncio.Event()
        self._nc = await connect(self.settings.urls, f"agriledger-{self.peer.node_id}",
                                 user=self.settings.user)
        self._js = self._nc.jetstream(timeout=5.0)
        await self._nc.subscribe(
            private_subject(self.peer.chain_id, self.peer.org), cb=self._on_private
        )
        await ensure_stream(
            self._js, self.names, replicas=self.settings.replicas,
            duplicate_window_s=self.settings.duplicate_window_s,
        )
        await self._nc.subscribe(self.names.headers, cb=self._on_header)
        config = self.peer.config
        self.follower = Follower.for_height(
            self._js, self.names, self.settings.orderer_id, config.time, self.peer.height(),
            lambda tx_id: self.peer.store.tx(tx_id) is not None, self._work.put,
        )
        self._tasks.append(asyncio.ensure_future(self._guard(self.follower.run(self._stop_follow))))
        if self.settings.cutter:
            policy = CutPolicy(
                self.settings.batch_size or config.orderer.batch_size,
                self.settings.max_wait_ms or config.orderer.max_wait_ms,
            )
            self.cutter = Cutter(self._js, self.names, policy)
            self._tasks.append(
                asyncio.ensure_future(self._guard(self.cutter.run(self.clock, self._stop_cut)))
            )

    async def _guard(self, work: object) -> None:
        try:
            await work  # type: ignore[misc]
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self.failure = exc
            log.exception("%s: stream task failed", self.peer.node_id)

    def stop(self, drain_s: float = 5.0) -> None:
        """Flush the cutter, catch up to the last cut (bounded), stop I/O and the applier."""
        with contextlib.suppress(Exception):
            self._io.call(self._stop(drain_s), drain_s + 15)
        self._work.put(None)
        if self._applier.is_alive():
            self._applier.join(timeout=30)
        self._io.stop()

    async def _stop(self, drain_s: float) -> None:
        self._stop_cut.set()
        if self.cutter is not None and len(self._tasks) > 1:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._tasks[1], drain_s)
        if self.follower is not None and self._js is not None and self.failure is None:
            deadline = time.monotonic() + drain_s
            with contextlib.suppress(Exception):
                last = await asyncio.wait_for(last_marker(self._js, self.names), drain_s)
                while (
                    last is not None and self.follower.next_seq <= last.seq
                    and time.monotonic() < deadline
                ):
                    await asyncio.sleep(0.02)
        self._stop_follow.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.drain()

    # -- traffic -------------------------------------------------------------------------

    def _forward(self, envelopes: list[Envelope]) -> None:
        """Publish gate-checked envelopes (idempotent by tx_id). When NATS does not confirm in
        time some may still be ordered later: OrderingUnavailable says the outcome is unknown."""
        try:
            self._io.call(self._publish(envelopes), self.settings.publish_timeout_s + 5)
        except Exception as exc:
            raise OrderingUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def _publish(self, envelopes: list[Envelope]) -> None:
        js = self._js
        assert js is not None

        def one(envelope: Envelope) -> asyncio.Future[object]:
            data = envelope_bytes(envelope)
            headers = {MSG_ID: envelope.tx_id}
            return asyncio.ensure_future(retrying(
                f"publishing {envelope.tx_id}",
                lambda: js.publish(self.names.tx, data, timeout=5.0, headers=headers),
                self.settings.publish_timeout_s,
            ))

        await asyncio.gather(*(one(e) for e in envelopes))

    def _share_private(self, delivery: PrivateDelivery) -> None:
        """Publish a side-car on each entitled organisation's private subject (nats-server
        lets only that organisation's user subscribe there). Core NATS: a peer that is
        down when it is published does not get it."""
        try:
            self._io.call(self._publish_private(delivery), self.settings.publish_timeout_s)
        except Exception as exc:
            raise OrderingUnavailable(f"private delivery: {type(exc).__name__}: {exc}") from exc

    async def _publish_private(self, delivery: PrivateDelivery) -> None:
        nc = self._nc
        assert nc is not None
        data = canonical(delivery.to_json())
        for org in delivery.readers:
            await nc.publish(private_subject(self.peer.chain_id, org), data)
        await nc.flush(timeout=5)

    async def _on_private(self, msg: Msg) -> None:
        try:
            delivery = PrivateDelivery.from_json(decode(msg.data))
        except (LedgerError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: a private side-car refused: %s", self.peer.node_id, exc)
            return
        await asyncio.to_thread(self.peer.receive_private, delivery)

    async def _on_header(self, msg: Msg) -> None:
        try:
            header = header_from_bytes(msg.data)
        except (ValueError, KeyError, TypeError):
            return
        if header.peer != self.peer.node_id:
            self._work.put(header)

    def _apply_loop(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            try:
                if isinstance(item, SignedHeader):
                    self.peer.observe(item)
                    continue
                claim = self.peer.apply(item)
            except Exception as exc:
                self.failure = exc
                log.exception("%s: applying failed; stopping the applier", self.peer.node_id)
                return
            self._announce(claim)

    def _announce(self, claim: SignedHeader) -> None:
        nc = self._nc
        if nc is None:
            return
        data = header_bytes(claim)
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(nc.publish(self.names.headers, data), self._io.loop)
