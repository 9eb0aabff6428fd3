"""``agriledger verify PATH [--replay]``: re-check a peer's SQLite chain file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ledger.crypto import SignatureVerifier, verify_executor
from ledger.exceptions import StoreError, VerificationError
from ledger.sqlite_store import SqliteStore
from ledger.verify import verify_store
from nodes.replay import Replayer

PROGRESS_THRESHOLD = 2000


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replay", is_flag=True,
    help="Also re-execute every block with the contracts and check each state_hash.",
)
def verify_command(path: Path, replay: bool) -> None:
    """Verify every block of the chain in PATH (a peer's SQLite file)."""
    console = Console(stderr=True)
    try:
        store = SqliteStore(path, readonly=True)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    executor = verify_executor()
    try:
        verifier = SignatureVerifier(1 << 14, executor)
        hook = None
        if replay:
            genesis = store.genesis()
            if genesis is None:
                raise VerificationError(0, "genesis payload missing")
            hook = Replayer(genesis, verifier=verifier)
        total = store.height() + 1
        if total > PROGRESS_THRESHOLD:
            with Progress(
                TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=console, transient=True,
            ) as progress:
                task = progress.add_task("verify", total=total)
                report = verify_store(
                    store, verifier=verifier, block_hook=hook,
                    on_block=lambda _h: progress.advance(task),
                )
        else:
            report = verify_store(store, verifier=verifier, block_hook=hook)
    except VerificationError as exc:
        click.echo(f"FAILED: {exc}")
        sys.exit(1)
    finally:
        store.close()
        executor.shutdown()
    click.echo(report.summary() + (" (replayed)" if replay else ""))
