"""``agriledger serve DIR``: run a network directory and serve each peer's HTTP API."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from api.commands.serve_nats import serve_peer_on_nats
from api.context import ApiSettings
from api.server import ServeError, serve_network
from nodes.exceptions import NetworkDirError


@click.command("serve")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, help="First peer's port; others follow.")
@click.option("--peer", "peers", multiple=True, help="Serve only these peers (default: all).")
@click.option("--log-level", default="warning", show_default=True)
@click.option("--orderer", type=click.Choice(["inprocess", "nats"]), default="inprocess",
              show_default=True, help="nats: one --peer in this process, ordered by JetStream.")
@click.option("--nats-url", default=None,
              help="NATS server URL(s), comma-separated (with --orderer nats).")
@click.option("--cutter", is_flag=True, help="With --orderer nats: this process cuts batches.")
@click.option("--replicas", default=1, show_default=True,
              help="With --orderer nats: stream replicas if this peer creates the stream.")
@click.option("--auth-skew", "auth_skew_s", type=click.IntRange(0, 300),
              default=ApiSettings.auth_skew_s, show_default=True,
              help="Seconds of client clock skew a read signature's created/expires may have.")
@click.option("--event-flush-ms", type=click.IntRange(0, 5000),
              default=int(ApiSettings.event_flush_s * 1000), show_default=True,
              help="Event-stream followers are woken at most this often (blocks closer "
                   "together go out in one write); 0: at every block.")
@click.option("--orderer-sync", type=click.Choice(["normal", "full"]), default="normal",
              show_default=True,
              help="In-process orderer log: normal = a 202 survives a killed process; "
                   "full = also a power cut (one fsync per submission).")
def serve_command(
    directory: Path, host: str, port: int, peers: tuple[str, ...], log_level: str,
    orderer: str, nats_url: str | None, cutter: bool, replicas: int, auth_skew_s: int,
    event_flush_ms: int, orderer_sync: str,
) -> None:
    """Run the network in DIRECTORY (in-process orderer) and serve every peer's API.

    Peer URLs are written to DIRECTORY/endpoints.json. A 202 means the envelope is
    in the orderer's log (DIRECTORY/orderer/log.db) and is committed even if the
    process is killed. Ctrl-C or SIGTERM stops cleanly: in-flight requests finish,
    accepted transactions are committed, and every store closes at a block boundary.
    """

    def ready(urls: dict[str, str]) -> None:
        for peer_id, url in urls.items():
            click.echo(f"{peer_id}: {url}")
        click.echo(f"endpoints written to {directory / 'endpoints.json'}; Ctrl-C to stop")

    settings = ApiSettings(auth_skew_s=auth_skew_s, event_flush_s=event_flush_ms / 1000)
    if orderer == "nats":
        serve_one_on_nats(
            directory, host, port, peers, log_level, nats_url, cutter, replicas, settings
        )
        return
    try:
        asyncio.run(
            serve_network(
                directory, host, port, settings,
                peers=list(peers) or None, ready=ready, log_level=log_level,
                orderer_sync=orderer_sync,
            )
        )
    except (NetworkDirError, ServeError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo("stopped")


def serve_one_on_nats(
    directory: Path, host: str, port: int, peers: tuple[str, ...], log_level: str,
    nats_url: str | None, cutter: bool, replicas: int, settings: ApiSettings,
) -> None:
    if len(peers) != 1 or not nats_url:
        click.echo("error: --orderer nats needs exactly one --peer and a --nats-url", err=True)
        sys.exit(2)

    def ready(url: str) -> None:
        role = " (cutter)" if cutter else ""
        click.echo(f"{peers[0]}{role}: {url} ordered by {nats_url}; Ctrl-C to stop")

    try:
        asyncio.run(serve_peer_on_nats(
            directory, peers[0], nats_url, host, port, cutter=cutter, replicas=replicas,
            settings=settings, ready=ready, log_level=log_level,
        ))
    except (NetworkDirError, ServeError, ConnectionError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo("stopped")
