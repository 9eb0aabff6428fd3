"""``agriledger tx ...``: sign and submit transactions as a member.

``tx submit`` does it all in one step (co-signers' keys on this machine). When the
signatures of a dual-control action live on several machines, the envelope travels
as a file::

    agriledger tx sign   NET --as bank-a.treasurer-1 settlement transfer ... -o pay.json
    agriledger tx cosign pay.json --as bank-a.treasurer-2 --key treasurer-2/key.pem
    agriledger tx send   NET pay.json --as bank-a.treasurer-2 --wait

``tx sign`` needs no running peer: the chain id and the argument schemas come from
``NET/genesis.json``. ``tx cosign`` shows what it is about to sign and signs the same
body bytes (the tx id does not change); it refuses a file that is not an envelope or
that this member has signed already.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from api.client import Client, TxBuilder
from api.commands.args import build_args, load_args_file
from api.commands.contracts import action_schema, local_catalogue
from api.commands.member import (
    CliError,
    as_option,
    console,
    credentials,
    emit_json,
    json_option,
    key_option,
    member_errors,
    peer_options,
    private_key,
    target,
)
from api.schemas import SubmitResults, TxStatusOut
from ledger.block import TxState
from ledger.encoding import decode
from ledger.exceptions import LedgerError
from ledger.private import PrivateField, seal_args
from ledger.tx import Envelope, add_signature

NET = click.Path(file_okay=False, path_type=Path)


@click.group("tx")
def tx_group() -> None:
    """Sign and submit transactions as a member."""


def _args_options(func: Any) -> Any:
    func = click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")(func)
    func = click.option(
        "--args-file", type=click.File("r"), default=None,
        help="A JSON object of arguments ('-' for stdin); NAME=VALUE pairs override it.",
    )(func)
    func = click.argument("action")(func)
    return click.argument("contract")(func)


def _arguments(
    catalogue: Mapping[str, Any], contract: str, action: str,
    assignments: Sequence[str], args_file: Any, sealed: list[PrivateField] | None = None,
) -> dict[str, Any]:
    """The tx's args; with ``sealed`` (a list to fill), every ``personal`` object of the
    args file is sealed first: its plaintext goes into ``sealed``, its hashes into the args."""
    schema = action_schema(catalogue, contract, action)
    base = load_args_file(args_file.read(), args_file.name) if args_file is not None else None
    if sealed is not None and base is not None:
        base, fields = seal_args(base)
        sealed.extend(fields)
    return build_args(f"{contract}.{action}", schema, assignments, base)


def _status_line(status: TxStatusOut) -> str:
    if status.status is TxState.COMMITTED:
        return f"committed {status.tx_id} at height {status.height}"
    if status.status is TxState.REJECTED:
        return f"rejected {status.tx_id}: {status.code}: {status.message}"
    return f"pending {status.tx_id} (not yet in a block)"


def _events(client: Client, status: TxStatusOut) -> list[dict[str, Any]]:
    """The contract events of a committed tx, read from its block: they carry the ids
    a contract derives (a receipt's ``wr-...``, a loan's ``loan-...``) that the next
    step needs."""
    if status.status is not TxState.COMMITTED or status.height is None or status.index is None:
        return []
    block = client.block(status.height)
    events: list[dict[str, Any]] = block["txs"][status.index]["result"]["events"]
    return events


def _event_line(event: Mapping[str, Any]) -> str:
    data = event.get("data") or {}
    fields = " ".join(f"{k}={json.dumps(v) if isinstance(v, list | dict) else v}"
                      for k, v in data.items())
    return f"  event {event.get('type')} {fields}".rstrip()


def _submit(client: Client, envelope: Envelope, wait: bool, as_json: bool,
            sealed: Sequence[PrivateField] = ()) -> None:
    result = (client.submit_private(envelope, sealed, wait=wait) if sealed
              else client.submit(envelope, wait=wait))
    status = (
        result.results[0]
        if isinstance(result, SubmitResults)
        else TxStatusOut(tx_id=result.tx_ids[0], status=TxState.PENDING)
    )
    events = _events(client, status)
    hashes = [{"field": f.field, "hash": f.hash} for f in sealed]
    if as_json:
        out = status.model_dump(mode="json")
        out = {**out, "events": events} if wait else out
        emit_json({**out, "private": hashes} if sealed else out)
    else:
        out_console = console()
        out_console.print(_status_line(status), markup=False)
        for event in events:
            out_console.print(_event_line(event), markup=False)
        for item in hashes:
            out_console.print(f"  private {item['field']} {item['hash']}", markup=False)
    if status.status is TxState.REJECTED:
        sys.exit(1)


@tx_group.command("submit")
@click.argument("net", type=NET)
@as_option()
@key_option
@_args_options
@click.option("--cosign", "cosigners", multiple=True, metavar="MEMBER",
              help="Also sign as this member (its key from NET); repeat for each co-signer.")
@click.option("--wait", is_flag=True, help="Wait for the block and print the final status.")
@click.option("--private", "private", is_flag=True,
              help="Seal every \"personal\" object of the --args-file (a household's name, "
              "id_number, phone, bank_card, plot_location): the tx carries salted hashes, the "
              "plaintext goes beside it only to the entitled organisations' peers.")
@peer_options
@json_option
@member_errors
def submit_command(
    net: Path, member: str, key_file: Path | None, contract: str, action: str,
    args_file: Any, assignments: tuple[str, ...], cosigners: tuple[str, ...], wait: bool,
    private: bool, peer: str | None, url: str | None, as_json: bool,
) -> None:
    """Sign CONTRACT ACTION with NAME=VALUE arguments as --as MEMBER and submit it.

    With --wait, a committed tx's contract events follow its status line (in --json,
    as "events"): they name what the tx created, such as a receipt or loan id.
    Exits 1 if the peer refuses the tx, or (with --wait) if it is rejected in a block.
    """
    where = target(net, member, key_file, peer, url)
    co_signers = [credentials(net, m, None, "--cosign") for m in cosigners]
    sealed: list[PrivateField] | None = [] if private else None
    if private and args_file is None:
        raise CliError("--private seals the \"personal\" objects of an --args-file; give one")
    with where.client() as client:
        args = _arguments(client.contracts(), contract, action, assignments, args_file, sealed)
        envelope = client.builder().build(contract, action, args, co_signers=co_signers)
        _submit(client, envelope, wait, as_json, sealed or ())


@tx_group.command("sign")
@click.argument("net", type=NET)
@as_option()
@key_option
@_args_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the envelope here (default: stdout).")
@member_errors
def sign_command(
    net: Path, member: str, key_file: Path | None, contract: str, action: str,
    args_file: Any, assignments: tuple[str, ...], output: Path | None,
) -> None:
    """Sign CONTRACT ACTION as --as MEMBER into an envelope file for co-signers (offline)."""
    signer = credentials(net, member, key_file)
    catalogue = local_catalogue(net)
    args = _arguments(catalogue, contract, action, assignments, args_file)
    envelope = TxBuilder(str(catalogue["chain_id"]), signer).build(contract, action, args)
    _write(envelope, output)
    click.echo(f"signed {envelope.tx_id} as {member}", err=True)


def _read_envelope(path: Path) -> Envelope:
    try:
        return Envelope.parse(decode(path.read_bytes()))
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except LedgerError as exc:
        raise CliError(f"{path}: not a signed envelope: {exc}") from None


def _write(envelope: Envelope, output: Path | None) -> None:
    text = json.dumps(envelope.to_json(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text)


@tx_group.command("cosign")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@as_option()
@key_option
@click.option("--net", type=NET, default=None, help="Network directory holding the key.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the co-signed envelope here (default: back into FILE).")
@member_errors
def cosign_command(
    file: Path, member: str, key_file: Path | None, net: Path | None, output: Path | None
) -> None:
    """Add --as MEMBER's signature to the envelope in FILE (same tx id)."""
    envelope = _read_envelope(file)
    if member in envelope.signers:
        raise CliError(f"{file}: {member} has signed this envelope already")
    key = private_key(key_file) if key_file is not None else credentials(net, member, None).key
    summary = ", ".join(f"{k}={v}" for k, v in sorted(envelope.args.items()))
    click.echo(
        f"co-signing {envelope.contract}.{envelope.action}({summary}) signed by "
        f"{', '.join(envelope.signers)} on chain {envelope.chain_id}", err=True,
    )
    signed = add_signature(envelope, member, key)
    _write(signed, output or file)
    click.echo(f"signed {signed.tx_id} as {member}", err=True)


@tx_group.command("send")
@click.argument("net", type=NET)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@as_option()
@key_option
@click.option("--wait", is_flag=True, help="Wait for the block and print the final status.")
@peer_options
@json_option
@member_errors
def send_command(
    net: Path, file: Path, member: str, key_file: Path | None, wait: bool,
    peer: str | None, url: str | None, as_json: bool,
) -> None:
    """Submit the signed envelope in FILE (from tx sign / tx cosign) as --as MEMBER."""
    envelope = _read_envelope(file)
    with target(net, member, key_file, peer, url).client() as client:
        _submit(client, envelope, wait, as_json)
