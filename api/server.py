"""Run a network directory in one process and serve each peer's API on its own port.

The network is ``nodes.local.LocalNetwork`` (in-process orderer; every cut batch
is applied by every peer in the submitting thread). The orderer keeps its log in
``DIR/orderer/log.db``: a 202 means the envelope is on disk and will be ordered
and applied, across a crash of the process (a restart applies what the log holds),
and with ``orderer_sync="full"`` across a power cut.
Connections are limited by ``api.guard.ServeLimits`` (request-head and keep-alive
timeouts, one connection cap for the process) and repeated log lines are
rate-limited. A ticker thread lets the
orderer cut on its maximum wait. Each peer's app runs in its own uvicorn server,
all on one event loop, on consecutive ports from ``port``; their URLs go to
``DIR/endpoints.json`` (written to a temporary file and renamed, so a reader
never sees half a file).

Shutdown (SIGINT or SIGTERM): the servers stop accepting and finish in-flight
requests, the ticker stops, the orderer's waiting envelopes are cut and applied
(nothing accepted is dropped), and the stores are closed under the network's
delivery lock, i.e. at a block boundary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from api.app import create_app
from api.context import ApiSettings
from api.guard import ServeLimits, guarded_h11, limit_log_rate
from ledger.timefmt import parse_time
from nodes.local import LocalNetwork
from nodes.network_dir import load_network

log = logging.getLogger(__name__)

ENDPOINTS_FILE = "endpoints.json"
ORDERER_DIR = "orderer"
TICK_S = 0.005


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to ``serve_network``."""

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        return

    def capture_signals(self) -> _NoSignals:  # type: ignore[override]
        return _NoSignals()


class _NoSignals:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def wall_clock(genesis_time: str) -> Callable[[], int]:
    """Milliseconds since genesis on the wall clock (never negative), for the orderer's cuts."""
    epoch = parse_time(genesis_time).timestamp()
    offset = time.time() - time.monotonic()

    def clock() -> int:
        return max(0, int((time.monotonic() + offset - epoch) * 1000))

    return clock


def write_endpoints(directory: Path, urls: dict[str, str]) -> Path:
    path = directory / ENDPOINTS_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"peers": urls}, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path


class Ticker(threading.Thread):
    """Calls ``network.tick`` every few milliseconds so max-wait cuts happen."""

    def __init__(self, network: LocalNetwork, interval: float = TICK_S) -> None:
        super().__init__(name="orderer-ticker", daemon=True)
        self.network = network
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.network.tick()
            except Exception:  # keep ticking; the failure is logged, never swallowed silently
                log.exception("orderer tick failed")

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


@dataclass
class RunningNetwork:
    network: LocalNetwork
    servers: list[uvicorn.Server]
    urls: dict[str, str]


def build(
    directory: Path, host: str, port: int, settings: ApiSettings | None = None,
    *, peers: list[str] | None = None, log_level: str = "warning",
    limits: ServeLimits | None = None, orderer_sync: str = "normal",
) -> RunningNetwork:
    net = load_network(directory)
    network = LocalNetwork(
        net.spec, wall_clock(net.spec.config.time), peers=peers, store_root=directory / "peers",
        orderer_dir=directory / ORDERER_DIR, orderer_sync=orderer_sync,
    )
    servers: list[uvicorn.Server] = []
    urls: dict[str, str] = {}
    limits = limits or ServeLimits()
    protocol = guarded_h11(limits)  # one connection budget for every peer's server
    for offset, (peer_id, peer) in enumerate(network.peers.items()):
        app = create_app(peer, settings, clock=network)
        config = uvicorn.Config(
            app, host=host, port=port + offset, log_level=log_level, access_log=False,
            lifespan="on", timeout_graceful_shutdown=10, http=protocol,
            timeout_keep_alive=limits.keepalive_s,
        )
        servers.append(_Server(config))
        urls[peer_id] = f"http://{host}:{port + offset}"
    return RunningNetwork(network, servers, urls)


async def serve_network(
    directory: Path, host: str = "127.0.0.1", port: int = 8700,
    settings: ApiSettings | None = None, *, peers: list[str] | None = None,
    ready: Callable[[dict[str, str]], None] | None = None, log_level: str = "warning",
    limits: ServeLimits | None = None, orderer_sync: str = "normal",
) -> None:
    """Serve until SIGINT/SIGTERM (or cancellation), then shut down cleanly."""
    limit_log_rate()
    running = build(
        directory, host, port, settings, peers=peers, log_level=log_level, limits=limits,
        orderer_sync=orderer_sync,
    )
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not main
            loop.add_signal_handler(sig, stop.set)
    ticker = Ticker(running.network)
    ticker.start()
    tasks = [asyncio.create_task(s.serve()) for s in running.servers]
    waiter = asyncio.create_task(stop.wait())
    try:
        while not all(s.started for s in running.servers):
            if any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.01)
        if all(s.started for s in running.servers):
            write_endpoints(directory, running.urls)
            if ready is not None:
                ready(running.urls)
            await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        for server in running.servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        ticker.stop()
        shutdown(running.network)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)


def shutdown(network: LocalNetwork) -> None:
    """Apply what the orderer still holds, then close every store between blocks."""
    try:
        network.flush()
    except Exception:
        log.exception("final flush failed; closing at the last applied block")
    with network._lock:  # no batch is being delivered while the stores close
        network.close()
