"""``agriledger sweep``: one scenario over many seeds and parameter values, on Dask."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scenarios.catalog import load, resolve
from scenarios.loader import ScenarioError
from scenarios.sweep.engine import Plan, out_dir, run_plan
from scenarios.sweep.params import SweepError, parse_seeds, parse_vary
from scenarios.sweep.params import resolve as resolve_params
from scenarios.sweep.report import FIGURES, write_sweep_report
from scenarios.sweep.store import Journal, write_table


@click.command("sweep")
@click.argument("scenario")
@click.option("--seeds", default=None, help="Seeds to run, e.g. 1..200 or 1,2,5 "
              "(default: the scenario's declared sweep, else 1..20).")
@click.option("--vary", "varies", multiple=True, metavar="NAME=V1,V2|NAME=LOW..HIGH:STEPS",
              help="A parameter to vary: a name the scenario's sweep declares, or a dotted "
              "path such as agents.insurance.severity. Repeat for a grid.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where table.parquet, report.md and charts go (default out/<name>-sweep). "
              "Rerun with the same --out to resume.")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
              "cluster on this machine).")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes of the local cluster.")
@click.option("--limit", type=int, default=None, hidden=True,
              help="Stop after this many new runs (the rest resume later).")
def sweep_command(
    scenario: str, seeds: str | None, varies: tuple[str, ...], out: Path | None,
    cluster: str | None, workers: int, limit: int | None,
) -> None:
    """Run SCENARIO for every seed and combination of parameter values; report distributions."""
    console = Console()
    try:
        spec = load(scenario)
        source = str(resolve(scenario))
        declared = spec.sweep
        seed_list = parse_seeds(seeds or (declared.seeds if declared else "1..20"))
        params = resolve_params(spec, [parse_vary(v) for v in varies])
    except (ScenarioError, FileNotFoundError) as exc:
        for line in str(exc).splitlines():
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    except SweepError as exc:
        click.echo(f"error: parameter {exc.parameter}: {exc.rule}", err=True)
        sys.exit(2)
    if scenario == Path(source).stem and not Path(scenario).exists():
        source = scenario  # a built-in by name replays by name
    plan = Plan(spec, params, seed_list)
    target = out_dir(spec, out)
    try:
        journal = Journal(target, plan.definition(source))
    except SweepError as exc:
        click.echo(f"error: {exc.parameter}: {exc.rule}", err=True)
        sys.exit(2)
    finished = sum(journal.done(v, s) for v, s in plan.runs)
    with Progress(
        TextColumn(f"[bold]{spec.name}[/bold] sweep"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("runs", total=len(plan.runs), completed=finished)
        try:
            run_plan(plan, journal, cluster=cluster, workers=workers, limit=limit,
                     on_row=lambda _row: progress.advance(task))
        except OSError as exc:  # the scheduler at --cluster cannot be reached
            click.echo(f"error: --cluster {cluster}: {exc}", err=True)
            sys.exit(2)
    keys = plan.keys()
    left = sum(1 for k in keys if k not in journal.rows)
    if finished:
        console.print(f"resumed: {finished} runs were already done in {target}")
    if left:
        console.print(f"{left} runs left; run the same command again to finish")
        sys.exit(3)
    table = journal.table(keys)
    path = write_table(target, table)
    figures = list(declared.figures) if declared else list(FIGURES)
    report = write_sweep_report(target, source, table.to_pylist(), params, figures)
    console.print(f"{table.num_rows} runs → {path}\nreport: {report}")
