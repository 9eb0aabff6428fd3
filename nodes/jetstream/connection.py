"""Connecting to NATS, creating a chain's stream, and reading cut markers back.

A client is given one URL or several (comma-separated; the servers of a
cluster): nats-py reconnects to another server when one goes away, forever,
and the callers retry JetStream requests that fail while a stream elects a new
leader. Streams use file storage, keep every message (no limits: the stream is
the ledger's order), and drop repeated Nats-Msg-Ids within ``duplicate_window_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from nodes.jetstream.auth import NatsUser
from nodes.jetstream.wire import ChainNames, CutMarker

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_DUPLICATE_WINDOW_S = 600.0
CONNECT_TIMEOUT_S = 30.0


def split_urls(urls: str | Sequence[str]) -> list[str]:
    items = urls.split(",") if isinstance(urls, str) else list(urls)
    return [u.strip() for u in items if u.strip()]


class ConnectionLog:
    """nats-py's callbacks, logging one line per change of state and no tracebacks.

    nats-py's default error callback logs every failed reconnect attempt with its
    traceback (about 15 per peer per outage, at ``reconnect_time_wait=0.2``). Here a
    lost connection logs one warning, the reconnection one warning saying how long
    it took, and errors in between (the attempts that fail) go to debug. An error
    while connected is one line (type and message), once until the next change.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.client: NATS | None = None
        """Set once connected: a disconnection of a client being closed is no outage."""
        self._down_since: float | None = None
        self._last_error = ""

    async def disconnected(self) -> None:
        if self.client is not None and self.client.is_closed:
            return
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("%s: lost the NATS connection; reconnecting", self.name)

    async def reconnected(self) -> None:
        down_since, self._down_since = self._down_since, None
        self._last_error = ""
        took = "" if down_since is None else f" after {time.monotonic() - down_since:.1f} s"
        log.warning("%s: reconnected to NATS%s", self.name, took)

    async def closed(self) -> None:
        log.info("%s: NATS connection closed", self.name)

    async def error(self, exc: Exception) -> None:
        text = f"{type(exc).__name__}: {exc}".rstrip(": ")
        if self._down_since is not None or text == self._last_error:
            log.debug("%s: NATS: %s", self.name, text)
            return
        self._last_error = text
        log.error("%s: NATS: %s", self.name, text)


async def connect(
    urls: str | Sequence[str], name: str, timeout_s: float = CONNECT_TIMEOUT_S,
    user: NatsUser | None = None,
) -> NATS:
    """Connect to any of ``urls``, retrying until ``timeout_s`` (servers may still be
    starting); as ``user`` where given (``nodes.jetstream.auth``). Outages are logged by a
    ``ConnectionLog``: one line per state change."""
    servers = split_urls(urls)
    deadline = time.monotonic() + timeout_s
    credentials = {} if user is None else {"user": user.user, "password": user.password}
    states = ConnectionLog(name)
    while True:
        try:
            states.client = await nats.connect(
                servers=servers, name=name, connect_timeout=2, allow_reconnect=True,
                max_reconnect_attempts=-1, reconnect_time_wait=0.2,
                ping_interval=5, max_outstanding_pings=3, **credentials,
                error_cb=states.error, disconnected_cb=states.disconnected,
                reconnected_cb=states.reconnected, closed_cb=states.closed,
            )
            return states.client
        except Exception as exc:  # nats-py raises several types for "no server yet"
            if time.monotonic() > deadline:
                raise ConnectionError(f"cannot reach NATS at {','.join(servers)}: {exc}") from exc
            await asyncio.sleep(0.2)


async def ensure_stream(
    js: JetStreamContext, names: ChainNames, *, replicas: int = 1,
    duplicate_window_s: float = DEFAULT_DUPLICATE_WINDOW_S, timeout_s: float = 30.0,
) -> None:
    """Create the chain's stream unless it exists (same config twice is not an error)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            try:
                await js.stream_info(names.stream)
                return
            except NotFoundError:
                pass
            await js.add_stream(StreamConfig(
                name=names.stream, subjects=[names.log], storage=StorageType.FILE,
                retention=RetentionPolicy.LIMITS, discard=DiscardPolicy.OLD,
                num_replicas=replicas, duplicate_window=duplicate_window_s,
            ))
            return
        except Exception as exc:  # the cluster may not have a meta leader yet
            if time.monotonic() > deadline:
                raise
            log.debug("stream %s not ready: %s", names.stream, exc)
            await asyncio.sleep(0.25)


async def read_marker(js: JetStreamContext, names: ChainNames, seq: int) -> CutMarker | None:
    """Cut marker ``seq`` from the stream, or None if batch ``seq`` was never cut."""
    try:
        msg = await js.get_last_msg(names.stream, names.cut(seq))
    except NotFoundError:
        return None
    assert msg.data is not None
    return CutMarker.from_bytes(msg.data)


async def last_marker(js: JetStreamContext, names: ChainNames) -> CutMarker | None:
    """The stream's last cut marker (None before the first cut)."""
    try:
        msg = await js.get_last_msg(names.stream, names.cuts)
    except NotFoundError:
        return None
    assert msg.data is not None
    return CutMarker.from_bytes(msg.data)


async def retrying(
    what: str, step: Callable[[], Awaitable[T]], timeout_s: float = 30.0
) -> T:
    """Await ``step()`` until it succeeds or ``timeout_s`` passes (elections take seconds)."""
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        try:
            return await step()
        except (NotFoundError, asyncio.CancelledError):
            raise
        except Exception as exc:
            if time.monotonic() > deadline:
                raise
            log.info("%s failed (%s); retrying", what, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
