"""``agriledger gov ...``: consortium governance as an organisation's admin.

    agriledger gov propose NET --as bank-a.admin --id subsidy-2027 --at 120 \\
        set_params --contract credit --param lpr_bp=330
    agriledger gov propose NET --as gov.admin --id season-2 --on 2027-03-01T00:00:00Z \\
        set_params --contract credit --param subsidy_bp=150
    agriledger gov approve NET --as gov.admin subsidy-2027
    agriledger gov list NET --as gov.admin [--status open]

Each vote is the signer's organisation's (one per organisation, by an admin); the
contract decides when the genesis policy is met (docs/domain.md section 8).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from api.client import Client
from api.commands.member import (
    CliError,
    as_option,
    console,
    emit_json,
    json_option,
    key_option,
    member_errors,
    peer_options,
    target,
)
from api.schemas import SubmitResults
from ledger.block import TxState
from ledger.timefmt import is_rfc3339_utc

NET = click.Path(file_okay=False, path_type=Path)
PEM = click.Path(dir_okay=False, exists=True, path_type=Path)
KINDS = ("set_params", "enable_contract", "upgrade_contract", "add_org", "remove_org",
         "rotate_ca")


@click.group("gov")
def gov_group() -> None:
    """Propose, approve, reject, withdraw and list governance proposals."""


def _params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """NAME=VALUE pairs; VALUE is JSON when it parses as JSON, else a string."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--param {pair!r}: expected NAME=VALUE")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params


def _pem(path: Path | None, option: str, kind: str) -> str:
    if path is None:
        raise CliError(f"{kind} needs {option} FILE (a PEM certificate)")
    return path.read_text()


def _need(value: str | None, option: str, kind: str) -> str:
    if not value:
        raise CliError(f"{kind} needs {option}")
    return value


def build_change(kind: str, *, contract: str | None, version: str | None,
                 params: tuple[str, ...], org: str | None, org_type: str | None,
                 ca: Path | None, admin_cert: Path | None) -> dict[str, Any]:
    """The ``change`` argument of governance.propose from the command's options."""
    if kind == "set_params":
        return {"kind": kind, "contract": _need(contract, "--contract", kind),
                "params": _params(params)}
    if kind == "enable_contract":
        return {"kind": kind, "contract": _need(contract, "--contract", kind),
                "version": _need(version, "--version", kind), "params": _params(params)}
    if kind == "upgrade_contract":
        return {"kind": kind, "contract": _need(contract, "--contract", kind),
                "version": _need(version, "--version", kind)}
    if kind == "add_org":
        return {"kind": kind, "org_id": _need(org, "--org", kind),
                "org_type": _need(org_type, "--type", kind),
                "ca_certificate": _pem(ca, "--ca", kind),
                "admin_certificate": _pem(admin_cert, "--admin-cert", kind)}
    if kind == "remove_org":
        return {"kind": kind, "org_id": _need(org, "--org", kind)}
    return {"kind": kind, "org_id": _need(org, "--org", kind),
            "ca_certificate": _pem(ca, "--ca", kind)}


def outstanding(shown: dict[str, Any]) -> str:
    """``; needs 2 more approvals and one from a government org`` for an open proposal."""
    left = shown.get("outstanding")
    if not left:
        return ""
    needs = []
    if left["approvals_needed"]:
        more = left["approvals_needed"]
        needs.append(f"{more} more approval{'s' if more > 1 else ''} "
                     f"({left['approvals']} of {left['voting_orgs']} organisations so far)")
    needs += [f"one from a {t} organisation" for t in left["org_types_missing"]]
    waiting = ", ".join(left["not_voted"]) or "none"
    return f"; needs {' and '.join(needs)}; not yet voted: {waiting}" if needs else ""


def _send(client: Client, action: str, args: dict[str, Any], as_json: bool) -> None:
    envelope = client.builder().build("governance", action, args)
    result = client.submit(envelope, wait=True)
    assert isinstance(result, SubmitResults)
    status = result.results[0]
    if as_json:
        emit_json(status.model_dump(mode="json"))
    elif status.status is TxState.COMMITTED:
        shown = client.view("governance", "proposal", proposal_id=args["proposal_id"])
        console().print(f"{action} {args['proposal_id']}: committed at height {status.height}; "
                        f"proposal is {shown['status']}{outstanding(shown)}", markup=False)
    else:
        console().print(f"{action} {args['proposal_id']}: {status.status.value}: "
                        f"{status.code}: {status.message}", markup=False)
    if status.status is not TxState.COMMITTED:
        sys.exit(1)


@gov_group.command("propose")
@click.argument("net", type=NET)
@as_option()
@key_option
@click.option("--id", "proposal_id", required=True, help="The proposal's id (unique).")
@click.option("--at", "effective_height", type=int, default=None,
              help="The block height the change takes effect at.")
@click.option("--in", "in_blocks", type=click.IntRange(min=1), default=None,
              help="Or: this many blocks after the peer's current head.")
@click.option("--on", "effective_time", default=None, metavar="TIME",
              help="Or: from the first block at or after this RFC 3339 UTC time "
                   "(params and contract versions only).")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--contract", default=None, help="set_params, enable_contract, upgrade_contract.")
@click.option("--version", "version", default=None, help="enable_contract, upgrade_contract.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="set_params, enable_contract: a param (JSON value); repeat.")
@click.option("--org", default=None, help="add_org, remove_org, rotate_ca: the org id.")
@click.option("--type", "org_type", default=None, help="add_org: the org type.")
@click.option("--ca", type=PEM, default=None, help="add_org, rotate_ca: the CA certificate.")
@click.option("--admin-cert", type=PEM, default=None, help="add_org: its first admin's cert.")
@click.option("--reason", default="", help="Why (recorded with the proposal).")
@peer_options
@json_option
@member_errors
def propose_command(
    net: Path, member: str, key_file: Path | None, proposal_id: str,
    effective_height: int | None, in_blocks: int | None, effective_time: str | None,
    kind: str, contract: str | None,
    version: str | None, params: tuple[str, ...],
    org: str | None, org_type: str | None, ca: Path | None, admin_cert: Path | None,
    reason: str, peer: str | None, url: str | None, as_json: bool,
) -> None:
    """Propose a KIND change taking effect at --at HEIGHT (or --in N blocks, or --on TIME),
    as --as ADMIN."""
    if sum(v is not None for v in (effective_height, in_blocks, effective_time)) != 1:
        raise CliError("give the effective point as --at HEIGHT, --in BLOCKS or --on TIME "
                       "(one of them)")
    if effective_time is not None and not is_rfc3339_utc(effective_time):
        raise CliError(f"--on {effective_time!r}: expected an RFC 3339 UTC time such as "
                       "2027-03-01T00:00:00Z")
    change = build_change(kind, contract=contract, version=version, params=params, org=org,
                          org_type=org_type, ca=ca, admin_cert=admin_cert)
    with target(net, member, key_file, peer, url).client() as client:
        point: dict[str, Any]
        if effective_time is not None:
            point = {"effective_time": effective_time}
        elif effective_height is not None:
            point = {"effective_height": effective_height}
        else:
            assert in_blocks is not None
            point = {"effective_height": int(client.head()["header"]["height"]) + in_blocks}
        _send(client, "propose", {"proposal_id": proposal_id, **point,
                                  "change": change, "reason": reason}, as_json)


def _vote_command(action: str, help_text: str) -> click.Command:
    @click.argument("net", type=NET)
    @as_option()
    @key_option
    @click.argument("proposal_id")
    @click.option("--reason", default="", help="Why (recorded in the tx).")
    @peer_options
    @json_option
    @member_errors
    def command(net: Path, member: str, key_file: Path | None, proposal_id: str, reason: str,
                peer: str | None, url: str | None, as_json: bool) -> None:
        with target(net, member, key_file, peer, url).client() as client:
            _send(client, action, {"proposal_id": proposal_id, "reason": reason}, as_json)

    command.__doc__ = help_text
    return gov_group.command(action)(command)


approve_command = _vote_command("approve", "Approve PROPOSAL_ID for --as ADMIN's organisation.")
reject_command = _vote_command("reject", "Reject PROPOSAL_ID for --as ADMIN's organisation.")
withdraw_command = _vote_command("withdraw", "Withdraw PROPOSAL_ID (the proposer's org only).")


def change_summary(change: dict[str, Any]) -> str:
    """What a proposal changes, in one phrase: what a voter needs to see before voting."""
    kind = change.get("kind")
    if kind == "set_params":
        if not change.get("merge"):  # stored before changes named their params
            return f"{change.get('contract')}: every param"
        settings = ", ".join(
            f"{name}={value if isinstance(value, str) else json.dumps(value)}"
            for name, value in change.get("params", {}).items()
        )
        return f"{change.get('contract')}: {settings or 'nothing'}"
    if kind in ("enable_contract", "upgrade_contract"):
        return f"{change.get('contract')} version {change.get('version')}"
    return str(change.get("org_id", ""))


@gov_group.command("list")
@click.argument("net", type=NET)
@as_option()
@key_option
@click.option("--status", default=None,
              type=click.Choice(["open", "approved", "effective", "rejected", "withdrawn",
                                 "expired"]))
@peer_options
@json_option
@member_errors
def list_command(net: Path, member: str, key_file: Path | None, status: str | None,
                 peer: str | None, url: str | None, as_json: bool) -> None:
    """List proposals with their status and votes."""
    with target(net, member, key_file, peer, url).client() as client:
        params = {} if status is None else {"status": status}
        proposals = client.view("governance", "proposals", **params)
    if as_json:
        emit_json(proposals)
        return
    out = console()
    if not proposals:
        out.print("no proposals", markup=False)
    for p in proposals:
        point = p.get("effective_time") or p["effective_height"]
        out.print(
            f"{p['id']}  {p['status']:<9} {p['kind']:<16} at {point}  "
            f"({change_summary(p['change'])})  by {p['proposer']}  "
            f"approved: {', '.join(sorted(p['approvals'])) or '-'}  "
            f"rejected: {', '.join(sorted(p['rejections'])) or '-'}{outstanding(p)}",
            markup=False,
        )
