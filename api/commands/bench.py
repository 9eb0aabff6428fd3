"""``agriledger bench``: throughput and latency of an in-process network of peers."""

from __future__ import annotations

import click

from nodes.bench import DEFAULT_MIX, run_bench, run_scaling, scaling_table
from nodes.workloads import WORKLOADS, parse_mix


@click.command("bench")
@click.option("--peers", default=4, show_default=True,
              help="Peers of the simulated network, measured after the one-peer headline.")
@click.option("--txs", default=10_000, show_default=True, help="Measured transactions.")
@click.option("--mix", default=",".join(f"{k}={v}" for k, v in DEFAULT_MIX.items()),
              show_default=True,
              help="Weighted workloads, e.g. settlement=3,membership=1 "
                   f"(known: {', '.join(WORKLOADS)}).")
@click.option("--batch-size", default=500, show_default=True, help="Orderer batch size.")
@click.option("--chunk", default=50, show_default=True, help="Envelopes per submit call.")
@click.option("--seed", default=7, show_default=True)
@click.option("--scaling", default="", help="Also run these peer counts, e.g. 4,8,12.")
def bench_command(
    peers: int, txs: int, mix: str, batch_size: int, chunk: int, seed: int, scaling: str
) -> None:
    """Commit a pre-signed realistic mix and report the numbers.

    First the headline: what one organisation's peer sustains (in a real network each
    peer runs on its own host) as a share of one core's raw Ed25519 verify rate, both
    measured in this run. Then the simulator's figure: PEERS peers in this one process,
    each executing every tx (how fast scenarios run, not how fast a peer is)."""
    weights = parse_mix(mix)
    one = run_bench(peers=1, txs=txs, mix=weights, batch_size=batch_size, chunk=chunk, seed=seed)
    click.echo(f"headline: one peer's commit rate ÷ raw verify rate  {one.ratio:.2f}")
    click.echo(f"  ({one.headline()})\n")
    click.echo(one.to_text())
    if peers != 1:
        result = run_bench(
            peers=peers, txs=txs, mix=weights, batch_size=batch_size, chunk=chunk, seed=seed
        )
        click.echo(f"\nsimulator: {peers} peers in one process  ratio {result.ratio:.2f}")
        click.echo(result.to_text())
    if scaling:
        counts = [int(c) for c in scaling.split(",") if c.strip()]
        click.echo("\nscaling (one fresh process per row):")
        runs = run_scaling(
            counts, txs=txs, mix=weights, batch_size=batch_size, chunk=chunk, seed=seed
        )
        click.echo(scaling_table(runs))
