"""``agriledger clock show|advance NET``: read or move a development chain's block clock.

The clock belongs to the orderer that ``agriledger serve NET`` runs; these commands ask
it through ``/v1/clock`` as a member. Moving it needs a development chain (``network
init --dev``) and a member whose role genesis ``dev_clock.roles`` lists; without
``--as`` the first such member with a key in NET acts (the government's admin on the
templates). A production chain is refused here, before anything is sent, and by the
peer.
"""

from __future__ import annotations

from pathlib import Path

import click

from api.commands.member import (
    CliError,
    as_option,
    emit_json,
    json_option,
    key_option,
    load_genesis,
    member_errors,
    peer_options,
    target,
)
from contracts.genesis import GenesisConfig
from ledger.identity import certificate_from_pem, member_fields
from nodes.dev_clock import parse_duration


def clock_member(config: GenesisConfig, net: Path) -> str:
    """The first member in genesis whose role may move the clock and whose key is in NET."""
    dev = config.dev_clock
    types = {o.id: o.type for o in config.organisations}
    for entry in [] if dev is None else config.members:
        member_id, org, role = member_fields(certificate_from_pem(entry.certificate))
        allowed = dev is not None and role in dev.roles.get(types.get(org, ""), ())
        if allowed and (net / "orgs" / org / "members" / member_id / "key.pem").is_file():
            return member_id
    raise CliError(f"{net}: no member key here may move the clock; name one with --as MEMBER")


def require_dev_chain(config: GenesisConfig, net: Path) -> None:
    if config.dev_clock is None:
        raise CliError(
            f"NOT_A_DEV_CHAIN: {net} is a production chain (genesis has no dev_clock), its "
            "clock follows the wall clock only; create a development network with "
            "`agriledger network init DIR --dev`"
        )


def _show(reading: dict[str, object], as_json: bool) -> None:
    if as_json:
        emit_json(reading)
        return
    kind = "development chain" if reading["dev_chain"] else "production chain"
    click.echo(f"block time now {reading['now']} (clock +{reading['offset']}; {kind})")


@click.group("clock")
def clock_group() -> None:
    """Read or move a development chain's block clock (what contracts see as time)."""


@clock_group.command("show")
@click.argument("net", type=click.Path(file_okay=False, path_type=Path))
@as_option(required=False)
@key_option
@peer_options
@json_option
@member_errors
def show_command(
    net: Path, member: str | None, key_file: Path | None, peer: str | None, url: str | None,
    as_json: bool,
) -> None:
    """The time the next block would carry, and how far the clock was moved."""
    config = load_genesis(net)
    who = member or (clock_member(config, net) if config.dev_clock else "gov.admin")
    with target(net, who, key_file, peer, url).client() as client:
        _show(client.clock(), as_json)


@clock_group.command("advance", context_settings={"ignore_unknown_options": True})
@click.argument("net", type=click.Path(file_okay=False, path_type=Path))
@click.argument("duration", metavar="DURATION")
@as_option(required=False)
@key_option
@peer_options
@json_option
@member_errors
def advance_command(
    net: Path, duration: str, member: str | None, key_file: Path | None, peer: str | None,
    url: str | None, as_json: bool,
) -> None:
    """Move the block clock forward by DURATION (90s, 15m, 6h, 3d, 2w, 1d12h).

    Blocks cut from now on carry the moved time; it never goes back, and a restarted
    `serve` keeps it. Only on a development chain (`network init --dev`).
    """
    try:
        parse_duration(duration)
    except ValueError as exc:
        raise CliError(f"DURATION: {exc}") from None
    config = load_genesis(net)
    require_dev_chain(config, net)
    who = member or clock_member(config, net)
    with target(net, who, key_file, peer, url).client() as client:
        _show(client.advance_clock(duration), as_json)
