"""One peer as its own process, ordered by a NATS JetStream stream (``serve --orderer nats``).

The peer opens its chain under ``DIR/peers/<peer>/``, joins the chain's stream
(``nodes.jetstream.JetStreamNode``: publishes what its gate accepts, follows the
stream from its own height, announces and compares signed headers), and serves
the same HTTP app as ``agriledger serve``. Its URL goes to
``DIR/peers/<peer>/endpoint.json`` (``network up`` gathers these into
``DIR/endpoints.json``). With ``cutter=True`` this process also cuts batches.

SIGINT/SIGTERM: the HTTP server finishes in-flight requests; the cutter (if
any) cuts what waits; the peer catches up to the stream's last cut (bounded)
and its store closes between blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

import uvicorn

from api.app import create_app
from api.context import ApiSettings
from api.guard import ServeLimits, guarded_h11, limit_log_rate
from api.inbox import INBOX_FILE, Inbox
from api.server import _Server, open_inbox, wall_clock
from contracts.registry import discover
from nodes.exceptions import NetworkDirError
from nodes.jetstream import JetStreamNode, JetStreamSettings
from nodes.jetstream.auth import org_user
from nodes.network_dir import load_network
from nodes.peer import Peer

ENDPOINT_FILE = "endpoint.json"


def endpoint_path(directory: Path, peer_id: str) -> Path:
    return directory / "peers" / peer_id / ENDPOINT_FILE


def write_endpoint(directory: Path, peer_id: str, url: str) -> None:
    path = endpoint_path(directory, peer_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"peer": peer_id, "url": url, "pid": os.getpid()}) + "\n")
    os.replace(tmp, path)


def _bound_port(server: uvicorn.Server, fallback: int) -> int:
    for listener in getattr(server, "servers", []):
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    return fallback


async def serve_peer_on_nats(
    directory: Path, peer_id: str, nats_url: str, host: str = "127.0.0.1", port: int = 8700,
    *, cutter: bool = False, replicas: int = 1, settings: ApiSettings | None = None,
    ready: Callable[[str], None] | None = None, log_level: str = "warning",
) -> None:
    """Serve ``peer_id`` until SIGINT/SIGTERM (``port`` 0: any free port)."""
    net = load_network(directory)
    if peer_id not in net.spec.peer_members():
        known = ", ".join(net.spec.peer_members())
        raise NetworkDirError(f"{directory}: no peer {peer_id!r} (peers: {known})")
    spec = net.spec
    endpoint_path(directory, peer_id).unlink(missing_ok=True)
    peer = Peer.open(
        peer_id, spec.config, spec.roster.member(peer_id), net.peer_dir(peer_id),
        classes=discover(),
    )
    user = org_user(directory, peer.org)
    node = JetStreamNode(
        peer, JetStreamSettings(nats_url, cutter=cutter, replicas=replicas, user=user),
        wall_clock(spec.config.time),
    )
    try:
        await asyncio.to_thread(node.start)
        inbox = open_inbox(net.peer_dir(peer_id) / INBOX_FILE)  # kept across restarts
        await _serve(directory, peer, node, host, port, settings, ready, log_level, inbox)
    finally:
        await asyncio.to_thread(node.stop)
        peer.close()


async def _serve(
    directory: Path, peer: Peer, node: JetStreamNode, host: str, port: int,
    settings: ApiSettings | None, ready: Callable[[str], None] | None, log_level: str,
    inbox: Inbox,
) -> None:
    limits = ServeLimits()
    limit_log_rate()
    config = uvicorn.Config(
        create_app(peer, settings, inbox=inbox), host=host, port=port, log_level=log_level,
        access_log=False, lifespan="on", timeout_graceful_shutdown=10,
        http=guarded_h11(limits), timeout_keep_alive=limits.keepalive_s,
    )
    server = _Server(config)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(server.serve())
    waiter = asyncio.create_task(stop.wait())
    try:
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            url = f"http://{host}:{_bound_port(server, port)}"
            write_endpoint(directory, peer.node_id, url)
            if ready is not None:
                ready(url)
            await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
