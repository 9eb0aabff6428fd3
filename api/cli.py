"""The ``agriledger`` command: one group, each subcommand defined beside the layer it drives."""

from __future__ import annotations

import click

from api.commands.bench import bench_command
from api.commands.network import network_group
from api.commands.scenario import run_command, scenarios_command
from api.commands.serve import serve_command
from api.commands.verify import verify_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agriledger")
def main() -> None:
    """A permissioned ledger for agricultural supply-chain finance."""


main.add_command(verify_command)
main.add_command(network_group)
main.add_command(bench_command)
main.add_command(serve_command)
main.add_command(run_command)
main.add_command(scenarios_command)
