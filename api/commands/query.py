"""``agriledger query NET --as MEMBER ...``: signed reads of the chain and its state.

Reads need a member's signature (RFC 9421), so every query names who is reading.
``view`` arguments are typed by the view's parameter schema the same way as tx
arguments (``key=value``, integers stay integers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.pretty import Pretty

from api.client import Client
from api.commands.args import build_args
from api.commands.contracts import view_schema
from api.commands.member import (
    Target,
    as_option,
    console,
    emit_json,
    json_option,
    key_option,
    member_errors,
    peer_options,
    target,
)


@dataclass(frozen=True)
class QueryContext:
    target: Target
    as_json: bool

    def show(self, title: str, read: Callable[[Client], Any]) -> None:
        with self.target.client() as client:
            data = read(client)
        if self.as_json:
            emit_json(data)
            return
        out = console()
        out.print(title, markup=False)
        out.print(Pretty(data, expand_all=True))


@click.group("query", context_settings={"allow_interspersed_args": True})
@click.argument("net", type=click.Path(file_okay=False, path_type=Path))
@as_option()
@key_option
@peer_options
@json_option
@click.pass_context
@member_errors
def query_group(
    ctx: click.Context, net: Path, member: str, key_file: Path | None, peer: str | None,
    url: str | None, as_json: bool,
) -> None:
    """Read the chain as --as MEMBER: head, block H, tx ID, state C KEY, view C V [k=v],
    private HASH.

    Options may come anywhere on the line (``query NET head --as M --json``).
    """
    ctx.obj = QueryContext(target(net, member, key_file, peer, url), as_json)


@query_group.command("head")
@click.pass_obj
@member_errors
def head_command(q: QueryContext) -> None:
    """The head block's height, hash and header."""
    q.show("head", lambda c: c.head())


@query_group.command("block")
@click.argument("height", type=click.IntRange(min=0))
@click.pass_obj
@member_errors
def block_command(q: QueryContext, height: int) -> None:
    """Block HEIGHT: header, hash, envelopes and each tx's result."""
    q.show(f"block {height}", lambda c: c.block(height))


@query_group.command("tx")
@click.argument("tx_id")
@click.pass_obj
@member_errors
def tx_command(q: QueryContext, tx_id: str) -> None:
    """A tx's status: pending, committed (height) or rejected (code, message)."""
    q.show(f"tx {tx_id}", lambda c: c.tx(tx_id).model_dump(mode="json"))


@query_group.command("state")
@click.argument("contract")
@click.argument("key")
@click.pass_obj
@member_errors
def state_command(q: QueryContext, contract: str, key: str) -> None:
    """The value at KEY in CONTRACT's namespace (for example membership member/ID)."""
    q.show(f"{contract}/{key}", lambda c: c.state(contract, key))


@query_group.command("view")
@click.argument("contract")
@click.argument("view")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
@click.pass_obj
@member_errors
def view_command(q: QueryContext, contract: str, view: str, assignments: tuple[str, ...]) -> None:
    """Call CONTRACT's VIEW with NAME=VALUE parameters."""

    def read(client: Client) -> Any:
        schema = view_schema(client.contracts(), contract, view)
        params = build_args(f"{contract}.{view}", schema, assignments)
        return client.view(contract, view, **params)

    q.show(f"{contract}.{view}", read)


@query_group.command("private")
@click.argument("digest", metavar="HASH")
@click.pass_obj
@member_errors
def private_command(q: QueryContext, digest: str) -> None:
    """The plaintext behind a private field's HASH, checked against it (404 unless your
    organisation is entitled to it and the peer still holds it)."""
    q.show(f"private {digest}", lambda c: c.private(digest).to_json())
