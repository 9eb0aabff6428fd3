"""``agriledger network ...``: create a network directory, and run it as a simulation."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from api.commands.network_up import up_command
from contracts.genesis import DevClockConfig
from nodes.exceptions import NetworkDirError
from nodes.network_dir import init_network, load_network
from nodes.sim import Simulation
from nodes.templates import TEMPLATES
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
def init_command(
    directory: Path, template_name: str, seed: str | None, chain_id: str | None, dev: bool
) -> None:
    """Write a genesis configuration and every org's and member's keys into DIRECTORY."""
    try:
        net = init_network(
            directory, TEMPLATES[template_name](), seed=seed or secrets.token_hex(32),
            chain_id=chain_id, dev_clock=DevClockConfig() if dev else None,
        )
    except NetworkDirError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    config = net.spec.config
    click.echo(f"network {config.chain_id!r} ({template_name}) written to {directory}")
    click.echo(f"  organisations: {', '.join(f'{o.id} ({o.type})' for o in config.organisations)}")
    click.echo(f"  members: {len(config.members)}; peers: {', '.join(net.spec.peer_members())}")
    click.echo(f"  contracts: {', '.join(c.name for c in config.contracts)}")


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
