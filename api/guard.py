"""Limits that keep one process serving when clients are slow, idle or too many.

uvicorn times out idle keep-alive connections but not a client that opens a
connection and sends its request head slowly (or never), and it has no cap on
open connections: enough of them exhaust the process's file descriptors, after
which health checks and submissions time out and asyncio logs a traceback per
failed ``accept``. ``guarded_h11`` returns an h11 protocol class that closes a
connection whose request head is not complete within ``header_timeout_s`` and
answers 503 and closes at once when the process already holds
``max_connections`` (one budget shared by every server the process runs).

``RateLimitFilter`` lets one record per (logger, message, exception type) through
per interval and counts the rest, so a flood of identical errors cannot fill a disk.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_OVERLOADED_BODY = (
    b'{"status":503,"code":"TOO_MANY_CONNECTIONS","title":"Too many open connections"}\n'
)
OVERLOADED = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n"
    b"connection: close\r\nretry-after: 1\r\ncontent-length: "
    + str(len(_OVERLOADED_BODY)).encode() + b"\r\n\r\n" + _OVERLOADED_BODY
)
FD_RESERVE = 128  # descriptors kept for stores, logs, the orderer log and the NATS client


def default_max_connections() -> int:
    """Open-files limit minus a reserve (the process needs descriptors for its files)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(16, min(4096, soft - FD_RESERVE))


@dataclass(frozen=True)
class ServeLimits:
    """Connection limits of ``agriledger serve`` (per process, across all its peers)."""

    header_timeout_s: float = 10.0
    """A request head (request line and headers) must arrive within this."""
    keepalive_s: int = 5
    """An idle keep-alive connection is closed after this (uvicorn's timeout_keep_alive)."""
    max_connections: int = 0
    """Open connections at once; 0: the open-files limit minus a reserve of 128."""

    def connection_cap(self) -> int:
        return self.max_connections or default_max_connections()


class _Budget:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.open = 0
        self.refused = 0
        self.lock = threading.Lock()


def guarded_h11(limits: ServeLimits) -> type[H11Protocol]:
    """An ``H11Protocol`` subclass enforcing ``limits`` (pass it as uvicorn's ``http``)."""
    budget = _Budget(limits.connection_cap())

    class GuardedH11(H11Protocol):
        _counted = False
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            with budget.lock:
                full = budget.open >= budget.cap
                if full:
                    budget.refused += 1
                else:
                    budget.open += 1
                    self._counted = True
            super().connection_made(transport)
            if full:
                transport.write(OVERLOADED)
                transport.close()
                return
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._counted:
                with budget.lock:
                    budget.open -= 1
                self._counted = False
            self._disarm_head_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_head_timer()  # the next request's head has the same deadline

        def _arm_head_timer(self) -> None:
            self._disarm_head_timer()
            self._head_timer = self.loop.call_later(limits.header_timeout_s, self._head_expired)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_expired(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()  # no complete request head in time

    GuardedH11.budget = budget  # type: ignore[attr-defined]
    return GuardedH11


class RateLimitFilter(logging.Filter):
    """At most one record per (logger, message template, exception type) per ``interval_s``;
    the next one let through says how many were suppressed in between."""

    def __init__(
        self, interval_s: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.clock = clock
        self._seen: dict[tuple[str, str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        exc_type = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (record.name, str(record.msg), exc_type)
        now = self.clock()
        with self._lock:
            last, suppressed = self._seen.get(key, (float("-inf"), 0))
            if now - last < self.interval_s:
                self._seen[key] = (last, suppressed + 1)
                return False
            self._seen[key] = (now, 0)
            if len(self._seen) > 10_000:  # distinct messages are bounded too
                self._seen.clear()
        if suppressed:
            record.msg = f"{record.msg} [{suppressed} similar suppressed]"
        return True


NOISY_LOGGERS = ("asyncio", "uvicorn.error", "api.errors", "api.server", "nodes.local", "nats")


def limit_log_rate(interval_s: float = 10.0, loggers: tuple[str, ...] = NOISY_LOGGERS) -> Any:
    """Install one ``RateLimitFilter`` on each of ``loggers`` (idempotent); return it."""
    shared = RateLimitFilter(interval_s)
    for name in loggers:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RateLimitFilter)]:
            logger.removeFilter(old)
        logger.addFilter(shared)
    return shared
