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
import errno
import fcntl
import json
import logging
import os
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from api.app import create_app
from api.console import PeerHead
from api.context import ApiSettings
from api.guard import ServeLimits, guarded_h11, limit_log_rate
from api.inbox import INBOX_FILE, Inbox
from contracts.exceptions import ContractError
from contracts.genesis import GenesisConfig, build_genesis
from ledger.exceptions import LedgerError
from ledger.sqlite_store import SqliteStore
from ledger.timefmt import parse_time
from nodes.local import LocalNetwork
from nodes.network_dir import load_network
from nodes.peer import CHAIN_FILE

log = logging.getLogger(__name__)

ENDPOINTS_FILE = "endpoints.json"
LOCK_FILE = "serve.lock"
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


class ServeError(Exception):
    """The network cannot be served; the message is one line saying what and what to do."""


@dataclass
class RunningNetwork:
    network: LocalNetwork
    servers: list[uvicorn.Server]
    urls: dict[str, str]
    lock: DirectoryLock


class DirectoryLock:
    """An exclusive ``flock`` on ``DIR/serve.lock``: one ``serve`` per network directory
    (two would write the same chain files). The kernel drops it when the process dies."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK_FILE
        self._file = self.path.open("a")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            raise ServeError(
                f"{directory} is already being served by another `agriledger serve`; "
                "stop that one first (its peers' URLs are in endpoints.json)"
            ) from None

    def release(self) -> None:
        self._file.close()


def check_ports_free(host: str, ports: list[int]) -> None:
    """Bind (and let go of) every port before any store is opened, so a port in use stops
    ``serve`` with one line instead of a half-started network. Uvicorn then binds them
    itself: handing it these sockets cost half the request throughput in the kill test."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    bound: list[socket.socket] = []
    for port in ports:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            for other in bound:
                other.close()
            span = f"ports {ports[0]}-{ports[-1]}" if len(ports) > 1 else f"port {ports[0]}"
            in_use = exc.errno == errno.EADDRINUSE
            reason = "is in use" if in_use else f"cannot be bound ({exc.strerror})"
            raise ServeError(
                f"port {port} on {host} {reason}; this network needs {span} (one per peer): "
                "stop what uses it or pass --port N for another first port"
            ) from None
        bound.append(sock)
    for sock in bound:
        sock.close()


def check_genesis_unchanged(directory: Path, config: GenesisConfig, peers: list[str]) -> None:
    """Refuse a genesis.json that is not the one the peers' chains were made from."""
    stored = [p for p in peers if (directory / "peers" / p / CHAIN_FILE).is_file()]
    if not stored:
        return
    block, _ = build_genesis(config)
    for peer_id in stored:
        store = SqliteStore(directory / "peers" / peer_id / CHAIN_FILE, readonly=True)
        try:
            header = store.header(0)
        finally:
            store.close()
        if header is not None and header.hash() != block.hash:
            raise ServeError(
                f"{directory / 'genesis.json'} changed since the chain was made (block 0 of "
                f"{peer_id} is {header.hash()[:12]}..., this genesis gives {block.hash[:12]}...): "
                "restore the genesis.json the chain was made with, or `network init` a new "
                "directory for the new configuration"
            )


def open_inbox(path: Path) -> Inbox:
    """The co-signature inbox kept in ``path``; a file that is not one is a ServeError."""
    try:
        return Inbox.open(path)
    except (sqlite3.DatabaseError, ValueError, KeyError) as exc:
        raise ServeError(f"{path}: not a readable co-signature inbox ({exc}); move it aside "
                         "to start with an empty inbox") from None


def build(
    directory: Path, host: str, port: int, settings: ApiSettings | None = None,
    *, peers: list[str] | None = None, log_level: str = "warning",
    limits: ServeLimits | None = None, orderer_sync: str = "normal",
) -> RunningNetwork:
    """Everything ``serve`` runs, checked before anything is served; ServeError (or
    NetworkDirError) is a one-line reason it cannot start."""
    net = load_network(directory)
    known = net.spec.peer_members()
    unknown = [p for p in peers or [] if p not in known]
    if unknown:
        raise ServeError(f"--peer {unknown[0]}: not a peer of this network (peers: "
                         f"{', '.join(known)})")
    chosen = list(peers or known)
    lock = DirectoryLock(directory)
    try:
        check_ports_free(host, [port + i for i in range(len(chosen))])
        check_genesis_unchanged(directory, net.spec.config, chosen)
        inbox = open_inbox(directory / INBOX_FILE)  # shared by the peers served, kept on disk
        network = LocalNetwork(
            net.spec, wall_clock(net.spec.config.time), peers=chosen,
            store_root=directory / "peers", orderer_dir=directory / ORDERER_DIR,
            orderer_sync=orderer_sync,
        )
    except (LedgerError, ContractError) as exc:
        lock.release()
        raise ServeError(f"{directory}: cannot start the network: {exc}") from None
    except BaseException:
        lock.release()
        raise
    servers: list[uvicorn.Server] = []
    urls: dict[str, str] = {}
    limits = limits or ServeLimits()
    protocol = guarded_h11(limits)  # one connection budget for every peer's server
    for offset, peer_id in enumerate(network.peers):
        urls[peer_id] = f"http://{host}:{port + offset}"

    def peer_heads() -> list[PeerHead]:
        heads = []
        for peer_id, peer in network.peers.items():
            header = peer.head()
            heads.append(PeerHead(
                peer_id, urls[peer_id], -1 if header is None else header.height,
                None if header is None else header.hash(),
            ))
        return heads

    for offset, peer in enumerate(network.peers.values()):
        app = create_app(peer, settings, clock=network, peer_heads=peer_heads, inbox=inbox)
        config = uvicorn.Config(
            app, host=host, port=port + offset, log_level=log_level, access_log=False,
            lifespan="on", timeout_graceful_shutdown=10, http=protocol,
            timeout_keep_alive=limits.keepalive_s,
        )
        servers.append(_Server(config))
    return RunningNetwork(network, servers, urls, lock)


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
        running.lock.release()
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
