"""``agriledger serve DIR``: run a network directory and serve each peer's HTTP API."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from api.server import serve_network
from nodes.exceptions import NetworkDirError


@click.command("serve")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, help="First peer's port; others follow.")
@click.option("--peer", "peers", multiple=True, help="Serve only these peers (default: all).")
@click.option("--log-level", default="warning", show_default=True)
def serve_command(
    directory: Path, host: str, port: int, peers: tuple[str, ...], log_level: str
) -> None:
    """Run the network in DIRECTORY (in-process orderer) and serve every peer's API.

    Peer URLs are written to DIRECTORY/endpoints.json. Ctrl-C or SIGTERM stops
    cleanly: in-flight requests finish, accepted transactions are committed, and
    every store closes at a block boundary.
    """

    def ready(urls: dict[str, str]) -> None:
        for peer_id, url in urls.items():
            click.echo(f"{peer_id}: {url}")
        click.echo(f"endpoints written to {directory / 'endpoints.json'}; Ctrl-C to stop")

    try:
        asyncio.run(
            serve_network(
                directory, host, port, peers=list(peers) or None, ready=ready, log_level=log_level
            )
        )
    except NetworkDirError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo("stopped")
