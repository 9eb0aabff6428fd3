"""``agriledger network up DIR --orderer nats``: one OS process per peer, ordered by JetStream.

Without ``--nats-url`` a local nats-server with JetStream runs with its file
store under ``DIR/nats`` (so a second ``network up`` resumes the same stream and
chains) and the users ``network init`` wrote (``DIR/nats-auth.conf``: each org's user
may subscribe only to its own private subject). The chain's stream is created, as the
``admin`` user, with ``--replicas`` copies; each peer connects as its org's user. Each peer runs
``agriledger serve DIR --peer NAME --orderer nats`` in its own session (the first
peer is the cutter), logging to ``DIR/peers/NAME/serve.log``; once every peer
serves, their URLs go to ``DIR/endpoints.json``.

Ctrl-C or SIGTERM: peers get SIGTERM and stop cleanly (the cutter last, so it
can cut what waits), stragglers are killed after ``STOP_TIMEOUT_S``, then the
local nats-server stops. A peer that dies on its own is reported; the others
keep running.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click

from api.commands.serve_nats import endpoint_path
from api.server import ENDPOINTS_FILE
from nodes.exceptions import NetworkDirError
from nodes.jetstream.auth import NatsUser, admin_user, auth_text
from nodes.jetstream.connection import connect, ensure_stream
from nodes.jetstream.natsd import NatsServer, NatsServerError, start_local
from nodes.jetstream.wire import ChainNames
from nodes.network_dir import load_network

START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0


def agriledger_command() -> list[str]:
    script = Path(sys.executable).with_name("agriledger")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]


async def _create_stream(url: str, chain_id: str, replicas: int,
                         admin: NatsUser | None = None) -> None:
    nc = await connect(url, "agriledger-network-up", user=admin)
    try:
        await ensure_stream(nc.jetstream(), ChainNames.for_chain(chain_id), replicas=replicas)
    finally:
        await nc.close()


class PeerProcesses:
    """The peer processes of one ``network up``."""

    def __init__(self, directory: Path, nats_url: str, host: str, port: int,
                 log_level: str) -> None:
        self.directory = directory
        self.nats_url = nats_url
        self.host = host
        self.port = port
        self.log_level = log_level
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.reported: set[str] = set()

    def spawn(self, peers: list[str]) -> None:
        for index, peer_id in enumerate(peers):
            endpoint_path(self.directory, peer_id).parent.mkdir(parents=True, exist_ok=True)
            endpoint_path(self.directory, peer_id).unlink(missing_ok=True)
            args = [
                *agriledger_command(), "serve", str(self.directory), "--peer", peer_id,
                "--orderer", "nats", "--nats-url", self.nats_url, "--host", self.host,
                "--port", str(self.port + index if self.port else 0),
                "--log-level", self.log_level,
            ]
            if index == 0:
                args.append("--cutter")
            log = (self.directory / "peers" / peer_id / "serve.log").open("ab")
            self.procs[peer_id] = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            log.close()

    def wait_endpoints(self, stopping: threading.Event) -> dict[str, str]:
        deadline = time.monotonic() + START_TIMEOUT_S
        urls: dict[str, str] = {}
        while len(urls) < len(self.procs):
            for peer_id, proc in self.procs.items():
                if peer_id in urls:
                    continue
                if proc.poll() is not None:
                    raise click.ClickException(
                        f"peer {peer_id} exited ({proc.returncode}); see "
                        f"{self.directory / 'peers' / peer_id / 'serve.log'}"
                    )
                path = endpoint_path(self.directory, peer_id)
                if path.exists():
                    urls[peer_id] = str(json.loads(path.read_text())["url"])
            if stopping.is_set() or time.monotonic() > deadline:
                raise click.ClickException("peers did not all start; stopping")
            time.sleep(0.05)
        return urls

    def report_exits(self) -> None:
        for peer_id, proc in self.procs.items():
            if proc.poll() is not None and peer_id not in self.reported:
                self.reported.add(peer_id)
                click.echo(f"peer {peer_id} exited with code {proc.returncode}", err=True)

    def stop(self) -> None:
        """SIGTERM every peer (cutter last), wait, kill stragglers."""
        order = list(self.procs.items())[1:] + list(self.procs.items())[:1]
        for _peer_id, proc in order:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for peer_id, proc in order:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                click.echo(f"peer {peer_id} did not stop; killing it", err=True)
                proc.kill()
                proc.wait(5)


def write_endpoints(directory: Path, urls: dict[str, str], nats_url: str) -> Path:
    path = directory / ENDPOINTS_FILE
    tmp = path.with_suffix(".json.tmp")
    data = {"peers": urls, "orderer": "nats", "nats": nats_url}
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path


@click.command("up")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--orderer", type=click.Choice(["nats"]), default="nats", show_default=True,
              help="Ordering service (peers as processes need a shared one).")
@click.option("--nats-url", default=None,
              help="Use these NATS server(s) (comma-separated); default: start one under DIR/nats.")
@click.option("--replicas", default=1, show_default=True, help="Stream replicas (3 on a cluster).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True,
              help="First peer's port, others follow; 0 = any free port.")
@click.option("--log-level", default="warning", show_default=True)
def up_command(
    directory: Path, orderer: str, nats_url: str | None, replicas: int, host: str, port: int,
    log_level: str,
) -> None:
    """Run every peer of DIRECTORY as its own process, ordered by NATS JetStream."""
    try:
        net = load_network(directory)
    except NetworkDirError as exc:
        raise click.ClickException(str(exc)) from None
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    server: NatsServer | None = None
    peers = PeerProcesses(directory, nats_url or "", host, port, log_level)
    try:
        if nats_url is None:
            server = start_local(directory / "nats", auth=auth_text(directory))
            peers.nats_url = server.url
            click.echo(f"nats-server (JetStream, store {directory / 'nats'}): {server.url}")
        asyncio.run(_create_stream(peers.nats_url, net.spec.config.chain_id, replicas,
                                   admin_user(directory)))
        peers.spawn(net.spec.peer_members())
        urls = peers.wait_endpoints(stopping)
        path = write_endpoints(directory, urls, peers.nats_url)
        for peer_id, url in urls.items():
            click.echo(f"{peer_id}: {url} (pid {peers.procs[peer_id].pid})")
        click.echo(f"endpoints written to {path}; Ctrl-C to stop")
        while not stopping.wait(0.2):
            peers.report_exits()
    except (NatsServerError, ConnectionError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        peers.stop()
        if server is not None:
            server.stop()
    click.echo("stopped")
