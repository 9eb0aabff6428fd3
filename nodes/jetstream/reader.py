"""Reading a stream in order from a position, surviving server loss and leader changes.

An ephemeral pull consumer (no acks: the reader's position is its own, kept by
whoever reads) starts at ``position + 1``. Its consumer sequence must rise by
one per message; on a jump, an error, or a long idle spell (the server holding
the consumer may have died) the consumer is dropped and made again at
``position + 1``, so nothing is skipped or read twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

log = logging.getLogger(__name__)

IDLE_RESET_S = 2.0


class StreamReader:
    def __init__(self, js: JetStreamContext, stream: str, subject: str, position: int) -> None:
        self.js = js
        self.stream = stream
        self.subject = subject
        self.position = position
        self._sub: JetStreamContext.PullSubscription | None = None
        self._consumer_seq = 0
        self._idle = 0.0

    async def _open(self) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=self.position + 1,
            ack_policy=AckPolicy.NONE, filter_subject=self.subject, inactive_threshold=30.0,
            mem_storage=True,
        )
        sub = await self.js.pull_subscribe(self.subject, None, stream=self.stream, config=config)
        self._consumer_seq = 0
        self._idle = 0.0
        return sub

    async def reset(self) -> None:
        sub, self._sub = self._sub, None
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def fetch(self, limit: int, timeout: float) -> list[Msg]:
        """Up to ``limit`` next messages in stream order; [] if none came within ``timeout``."""
        try:
            if self._sub is None:
                self._sub = await self._open()
            msgs = await self._sub.fetch(limit, timeout=timeout)
        except (TimeoutError, NatsTimeout):
            self._idle += timeout
            if self._idle >= IDLE_RESET_S:
                await self.reset()
            return []
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("reading %s failed (%s); reopening", self.subject, exc)
            await self.reset()
            await asyncio.sleep(min(timeout, 0.2))
            return []
        self._idle = 0.0
        taken = []
        for msg in msgs:
            meta = msg.metadata
            in_order = meta.sequence.consumer == self._consumer_seq + 1
            if not in_order or meta.sequence.stream <= self.position:
                await self.reset()
                break
            self._consumer_seq = meta.sequence.consumer
            self.position = meta.sequence.stream
            taken.append(msg)
        return taken

    async def close(self) -> None:
        await self.reset()
