"""Prometheus metrics of one peer's API, in its own registry (peers share a process)."""

from __future__ import annotations

import time
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _HeightSource(Protocol):
    def height(self) -> int: ...

    def fault(self) -> str | None: ...


class ApiMetrics:
    def __init__(self, peer: _HeightSource) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "agriledger_http_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "agriledger_http_request_seconds",
            "HTTP request latency by route",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.tx_accepted = Counter(
            "agriledger_tx_accepted",
            "Envelopes accepted and forwarded to the orderer",
            registry=self.registry,
        )
        self.tx_refused = Counter(
            "agriledger_tx_refused",
            "Submissions refused before ordering, by code",
            ["code"],
            registry=self.registry,
        )
        self.read_auth_failures = Counter(
            "agriledger_read_auth_failures",
            "Reads refused by request authentication, by code",
            ["code"],
            registry=self.registry,
        )
        self.event_blocks_encoded = Counter(
            "agriledger_event_blocks_encoded",
            "Blocks encoded as event-stream text (once per block and reader class)",
            registry=self.registry,
        )
        height = Gauge(
            "agriledger_chain_height", "Height of this peer's head block", registry=self.registry
        )
        height.set_function(lambda: float(peer.height()))
        halted = Gauge(
            "agriledger_intake_halted",
            "1 while this peer refuses submissions because it cannot store blocks",
            registry=self.registry,
        )
        halted.set_function(lambda: 0.0 if peer.fault() is None else 1.0)


class MetricsMiddleware:
    """Counts and times every request by its route template (pure ASGI: streams stay streams)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route: Any = scope.get("route")
            name = str(getattr(route, "path", "unmatched"))
            self.metrics.requests.labels(name, scope.get("method", ""), str(status)).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - start)
