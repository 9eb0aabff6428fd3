"""The ``agriledger`` command: one group, each subcommand defined beside the layer it drives.

Subcommands are imported only when invoked, so ``agriledger verify`` does not pay
for importing FastAPI, uvicorn and matplotlib.
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, tuple[str, str, str]] = {
    "verify": ("api.commands.verify", "verify_command", "Verify a peer's SQLite chain file."),
    "network": ("api.commands.network", "network_group", "Create, simulate or bring up a network."),
    "serve": ("api.commands.serve", "serve_command", "Serve peers' HTTP APIs."),
    "run": ("api.commands.scenario", "run_command", "Run a scenario and write its report."),
    "scenarios": ("api.commands.scenario", "scenarios_command", "List the built-in scenarios."),
    "sweep": ("api.commands.sweep", "sweep_command",
              "Run a scenario over many seeds and parameter values (Dask)."),
    "bench": ("api.commands.bench", "bench_command", "Benchmark an in-process network."),
    "tx": ("api.commands.tx", "tx_group", "Sign and submit transactions as a member."),
    "query": ("api.commands.query", "query_group", "Read blocks, txs, state and views."),
    "clock": ("api.commands.clock", "clock_group",
              "Read or move a development chain's block clock."),
    "gov": ("api.commands.gov", "gov_group",
            "Propose and vote on governance changes (params, orgs, contract versions)."),
    "contracts": ("api.commands.contracts", "contracts_command",
                  "List actions (who, arguments), views and parameters."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attribute, _help = entry
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agriledger")
def main() -> None:
    """A permissioned ledger for agricultural supply-chain finance."""
    from ledger.gc_policy import apply_peer_gc_policy  # every subcommand runs peers or replays

    apply_peer_gc_policy()
