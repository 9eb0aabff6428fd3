"""``agriledger contracts NET``: every action with who may call it and its arguments.

The catalogue is the peer's signed ``GET /v1/contracts`` (so it is the chain's own
truth: the enabled contracts, their policies and the genesis parameters in force),
or, for signing offline, the same shape built from ``NET/genesis.json`` and the
installed contract classes. ``action_schema`` looks an action up in it and says what
exists when a name is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from api.commands.args import signature
from api.commands.member import (
    CliError,
    as_option,
    console,
    emit_json,
    json_option,
    key_option,
    load_genesis,
    member_errors,
    peer_options,
    target,
)

Catalogue = Mapping[str, Any]


def local_catalogue(net: Path) -> dict[str, Any]:
    """The ``GET /v1/contracts`` answer computed from ``NET/genesis.json`` (no peer needed)."""
    from api.routes.state import contract_info
    from contracts.genesis import build_runtime

    config = load_genesis(net)
    runtime = build_runtime(config)
    infos = [contract_info(c).model_dump(mode="json") for _, c in sorted(runtime.contracts.items())]
    return {"chain_id": config.chain_id, "contracts": infos}


def find_contract(catalogue: Catalogue, name: str) -> Mapping[str, Any]:
    contracts = {c["name"]: c for c in catalogue["contracts"]}
    if name not in contracts:
        raise CliError(
            f"{name}: no such contract on chain {catalogue['chain_id']!r}; "
            f"contracts: {', '.join(sorted(contracts))}"
        )
    found: Mapping[str, Any] = contracts[name]
    return found


def action_schema(catalogue: Catalogue, contract: str, action: str) -> dict[str, Any]:
    """The JSON schema of ``contract.action``'s arguments, or a CliError listing the actions."""
    actions = {a["name"]: a for a in find_contract(catalogue, contract)["actions"]}
    if action not in actions:
        raise CliError(
            f"{contract}.{action}: no such action; actions of {contract}: "
            f"{', '.join(sorted(actions))}"
        )
    schema: dict[str, Any] = actions[action]["args_schema"]
    return schema


def view_schema(catalogue: Catalogue, contract: str, view: str) -> dict[str, Any]:
    views = {v["name"]: v for v in find_contract(catalogue, contract)["views"]}
    if view not in views:
        raise CliError(
            f"{contract}.{view}: no such view; views of {contract}: {', '.join(sorted(views))}"
        )
    schema: dict[str, Any] = views[view]["params_schema"]
    return schema


def who(policy: Mapping[str, Any]) -> str:
    """The policy as a line: ``all of (bank/officer, party borrower [farmer])``."""
    if "role" in policy:
        return f"{policy['org_type']}/{policy['role']}"
    if "party" in policy:
        roles = f" [{'|'.join(policy['roles'])}]" if policy["roles"] else ""
        return f"party {policy['party']}{roles}"
    if "all" in policy:
        return "all of (" + ", ".join(who(p) for p in policy["all"]) + ")"
    if "any" in policy:
        return "any of (" + ", ".join(who(p) for p in policy["any"]) + ")"
    return f"{policy['out_of']} of (" + ", ".join(who(p) for p in policy["of"]) + ")"


def _param_text(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(str(v) for v in value) if value else "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _leaves(value: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{"bank": {"claims": [..]}}`` -> ``[("bank.claims", [..])]``, empty mappings kept."""
    out: list[tuple[str, Any]] = []
    for key, inner in value.items():
        path = f"{prefix}{key}"
        if isinstance(inner, Mapping) and inner:
            out.extend(_leaves(inner, path + "."))
        else:
            out.append((path, inner))
    return out


def param_lines(name: str, value: Any) -> list[str]:
    """One line for a plain parameter; a nested one as a heading and one line per leaf
    (``bank.loan_officer``-style dotted paths), so a wide mapping stays readable."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        leaves = [(f"[{i}]", item) for i, item in enumerate(value)]
    elif isinstance(value, Mapping) and value:
        leaves = _leaves(value)
    else:
        return [f"  param  {name} = {_param_text(value)}"]
    indent = " " * len("  param    ")
    return [f"  param  {name}:", *(f"{indent}{path} = {_param_text(v)}" for path, v in leaves)]


@click.command("contracts")
@click.argument("net", type=click.Path(file_okay=False, path_type=Path))
@as_option(required=False)
@key_option
@peer_options
@click.option("--contract", "only", default=None, help="Only this contract.")
@json_option
@member_errors
def contracts_command(
    net: Path, member: str | None, key_file: Path | None, peer: str | None, url: str | None,
    only: str | None, as_json: bool,
) -> None:
    """List every contract's actions (who may call them, arguments), views and parameters.

    Asks a running peer as --as MEMBER (any enrolled member); without --as it reads
    NET/genesis.json instead, which is what the chain started with.
    """
    if member is None:
        catalogue = local_catalogue(net)
    else:
        with target(net, member, key_file, peer, url).client() as client:
            catalogue = client.contracts()
    contracts = catalogue["contracts"]
    if only is not None:
        contracts = [find_contract(catalogue, only)]
    if as_json:
        emit_json({"chain_id": catalogue["chain_id"], "contracts": contracts})
        return
    out = console()
    out.print(f"[bold]chain {catalogue['chain_id']}[/bold]")
    for contract in contracts:
        about = escape(f"{contract['version']}: {contract['description']}".rstrip(": "))
        out.print(f"\n[bold]{contract['name']}[/bold] {about}")
        for action in contract["actions"]:
            args = escape(signature(action["args_schema"]))
            out.print(f"  action [cyan]{action['name']}[/cyan] {args}")
            if action["doc"]:
                out.print(f"      {action['doc'].splitlines()[0]}", markup=False)
            out.print(f"      who: {who(action['policy'])}", markup=False)
        for view in contract["views"]:
            params_text = escape(signature(view["params_schema"]))
            out.print(f"  view   [green]{view['name']}[/green] {params_text}")
        params = contract.get("params") or {}
        for name, value in sorted(params.items()):
            for line in param_lines(name, value):
                out.print(line, markup=False)
