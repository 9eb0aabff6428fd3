"""``agriledger network ...``: create a network directory, and run it as a simulation."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from api.commands.args import coerce
from api.commands.member import CliError
from api.commands.network_up import up_command
from api.commands.program import program
from contracts.base import Contract
from contracts.genesis import DevClockConfig
from contracts.registry import discover
from nodes.exceptions import NetworkConfigError, NetworkDirError
from nodes.network_dir import NetworkDir, init_network, load_network
from nodes.sim import Simulation
from nodes.templates import PEER_ROLE, TEMPLATES, template_contracts
from nodes.workloads import WorkloadContext, build_mix, parse_mix


@click.group("network")
def network_group() -> None:
    """Create and simulate networks of organisations."""


@network_group.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--template", "template_name", type=click.Choice(sorted(TEMPLATES)),
              default="lishui", show_default=True,
              help="Which organisations and members to create.")
@click.option("--seed", default=None,
              help="Derive every key from this seed (reproducible simulations only; "
                   "default: a fresh random seed).")
@click.option("--chain-id", default=None, help="Chain id (default: the template's).")
@click.option("--dev", is_flag=True,
              help="A development chain: `agriledger clock advance` may move its block time "
                   "forward (by the government's admin); posting periods keep their real length.")
@click.option("--enable", "enable", multiple=True, metavar="CONTRACT",
              help="Also run this installed contract (a plug-in); repeatable.")
@click.option("--param", "params", multiple=True, metavar="CONTRACT.NAME=VALUE",
              help="A genesis parameter over the contract's default, typed by its parameter "
                   "model (JSON for lists and objects); repeatable.")
def init_command(
    directory: Path, template_name: str, seed: str | None, chain_id: str | None, dev: bool,
    enable: tuple[str, ...], params: tuple[str, ...],
) -> None:
    """Write a genesis configuration and every org's and member's keys into DIRECTORY.

    DIRECTORY must be new or empty. Prints each member with its role and the commands
    to try next.
    """
    template = TEMPLATES[template_name]()
    classes = discover()
    try:
        for name in enable:
            if name not in classes:
                raise CliError(f"--enable {name}: no such contract installed "
                               f"(installed: {', '.join(sorted(classes))})")
        contracts = template_contracts(
            template, dev=dev, enable=enable, params=parse_params(params, classes),
            classes=classes,
        )
        net = init_network(
            directory, template, seed=seed or secrets.token_hex(32), chain_id=chain_id,
            dev_clock=DevClockConfig() if dev else None, contracts=contracts,
        )
    except (NetworkDirError, NetworkConfigError, CliError) as exc:
        prefix = "--param " if isinstance(exc, NetworkConfigError) and params else ""
        click.echo(f"error: {prefix}{exc}", err=True)
        sys.exit(1)
    print_summary(net, template_name)


def parse_params(
    pairs: Sequence[str], classes: Mapping[str, type[Contract]]
) -> dict[str, dict[str, Any]]:
    """``["claims.claim_publicity_days=3"]`` -> ``{"claims": {"claim_publicity_days": 3}}``,
    each value typed by the contract's parameter schema."""
    out: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        contract, dot, param = name.partition(".")
        if not sep or not dot or not contract or not param:
            raise CliError(f"--param {pair!r}: expected CONTRACT.NAME=VALUE "
                           "(for example claims.claim_publicity_days=3)")
        cls = classes.get(contract)
        if cls is None:
            raise CliError(f"--param {name}: no contract {contract!r} is installed "
                           f"(installed: {', '.join(sorted(classes))})")
        schema = cls.Params.model_json_schema()
        properties = schema.get("properties", {})
        if param not in properties:
            raise CliError(f"--param {name}: {contract} has no parameter {param!r} "
                           f"(its parameters: {', '.join(sorted(properties))})")
        if param in out.get(contract, {}):
            raise CliError(f"--param {name}: given twice")
        out.setdefault(contract, {})[param] = coerce(f"--param {name}", text,
                                                     properties[param], schema)
    return out


def print_summary(net: NetworkDir, template_name: str) -> None:
    config = net.spec.config
    kind = "development chain: `clock advance` moves its time" if config.dev_clock else (
        "production chain"
    )
    click.echo(f"network {config.chain_id!r} ({template_name}, {kind}) written to {net.root}")
    click.echo(f"  contracts: {', '.join(c.name for c in config.contracts)}")
    click.echo("  members (id: role):")
    types = {o.id: o.type for o in config.organisations}
    for org_id, org in net.spec.roster.orgs.items():
        people = [f"{m}: {c.role}" for m, c in org.members.items() if c.role != PEER_ROLE]
        click.echo(f"    {org_id} ({types[org_id]}): {', '.join(people)}")
    click.echo(f"  peers: {', '.join(net.spec.peer_members())} (node keys: they sign blocks only)")
    root = net.root
    issuer = next(
        (m for m, c in net.spec.roster.members().items() if c.role == "central_bank"), "MEMBER"
    )
    account = next((o.id for o in config.organisations if o.type == "cooperative"), "ACCOUNT")
    run = program()
    click.echo("next:")
    click.echo(f"  {run} serve {root}          # in another terminal")
    click.echo(f"  {run} contracts {root}      # every action: who may call it, arguments")
    click.echo(f"  {run} tx submit {root} --as {issuer} settlement issue "
               f"account={account} amount=1_000_000_00 --wait")
    click.echo(f"  {run} query {root} --as {issuer} view settlement balance "
               f"account={account}")
    if config.dev_clock:
        click.echo(f"  {run} clock advance {root} 3d")


@network_group.command("simulate")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, help="Seed of the simulated network.")
@click.option("--txs", default=200, show_default=True, help="Transactions to submit.")
@click.option("--mix", default="settlement=1", show_default=True, help="Workload mix.")
@click.option("--sqlite/--memory", default=False, help="Store chains under DIRECTORY/peers.")
def simulate_command(directory: Path, seed: int, txs: int, mix: str, sqlite: bool) -> None:
    """Run the network in DIRECTORY on the simulated clock and print the report."""
    try:
        net = load_network(directory)
    except NetworkDirError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    sim = Simulation(net.spec, seed=seed, store_root=directory / "peers" if sqlite else None)
    setup, measured = build_mix(WorkloadContext(net.spec, seed=seed), parse_mix(mix), txs)
    end = sim.spread(setup, every_ms=2)
    last = sim.spread(measured, start_ms=end + 500, every_ms=2)
    sim.run(last)
    report = sim.run_until_converged(limit_ms=last + 60_000)
    sim.close()
    click.echo(report.to_text())
    sys.exit(0 if report.converged else 1)


network_group.add_command(up_command)
