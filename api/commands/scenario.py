"""``agriledger run`` and ``agriledger scenarios``: the scenario runner from the command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.commands.program import program
from scenarios.catalog import DEFAULT_SCENARIO, builtin, load
from scenarios.loader import ScenarioError
from scenarios.report import write_report, yuan
from scenarios.runner import RunResult, run_scenario
from scenarios.schema import Scenario
from scenarios.sweep.params import SweepError, apply, parse_vary
from scenarios.sweep.params import resolve as resolve_params


@click.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios."""
    table = Table(title="built-in scenarios", show_lines=False)
    table.add_column("name", style="bold")
    table.add_column("description")
    for entry in builtin():
        table.add_row(entry.name, entry.description)
    Console().print(table)


@click.command("run")
@click.argument("scenario", default=DEFAULT_SCENARIO)
@click.option("--seed", type=int, default=None, help="Override the scenario's seed.")
@click.option(
    "--db-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where each peer's SQLite chain file goes (default out/<name>/peers).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a sweep parameter (declared name or dotted path), e.g. to replay a sweep's run.",
)
@click.option("--memory", is_flag=True, help="Keep peers' chains in memory instead of SQLite.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where report.md, charts and metrics.json go (default out/<name>/report).",
)
def run_command(
    scenario: str,
    seed: int | None,
    db_dir: Path | None,
    sets: tuple[str, ...],
    memory: bool,
    report_dir: Path | None,
) -> None:
    """Run SCENARIO (a YAML file or a built-in name; default: the combined season)."""
    console = Console()
    try:
        spec = load(scenario)
        if sets:
            spec = with_parameters(spec, sets)
    except (ScenarioError, FileNotFoundError) as exc:
        for line in str(exc).splitlines():  # one `file:line: field: rule` per mistake, unwrapped
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    except SweepError as exc:
        click.echo(f"error: parameter {exc.parameter}: {exc.rule}", err=True)
        sys.exit(2)
    base = Path("out") / spec.name
    if not memory:
        db_dir = db_dir or base / "peers"
        if db_dir.exists() and any(db_dir.iterdir()):
            console.print(
                f"[red]error:[/red] {db_dir} already holds chains; "
                "choose another --db-dir or remove it"
            )
            sys.exit(2)
    report_dir = report_dir or base / "report"
    _log_to(report_dir / "run.log")
    with Progress(
        TextColumn(f"[bold]{spec.name}[/bold]"),
        BarColumn(),
        TextColumn("day {task.completed:.0f}/{task.total:.0f}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("season", total=spec.days)
        result = run_scenario(
            spec,
            seed=seed,
            db_dir=None if memory else db_dir,
            progress=lambda day, _total: progress.update(task, completed=day),
        )
    path = write_report(report_dir, result.metrics)
    result.report_path = path
    print_summary(console, result)
    console.print(f"report: {path}")
    if db_dir is not None and not memory:
        console.print(
            f"chains: {db_dir}/<peer>/chain.db  (check one with: {program()} verify <file>)"
        )
    sys.exit(0 if result.passed else 1)


def with_parameters(spec: Scenario, sets: tuple[str, ...]) -> Scenario:
    """The scenario with ``NAME=VALUE`` parameters set, as a sweep sets them."""
    varies = [parse_vary(text) for text in sets]
    for name, values in varies:
        if len(values) != 1:
            raise SweepError(name, "--set takes one value")
    params = {p.name: p for p in resolve_params(spec, varies)}
    return apply(spec, params, {name: values[0] for name, values in varies})


def _log_to(path: Path) -> None:
    """Send library logs (e.g. a byzantine peer's contract faults) to a file, not the screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def print_summary(console: Console, result: RunResult) -> None:
    metrics = result.metrics
    chain = metrics.chain
    table = Table(title=f"{result.scenario.name} · seed {result.scenario.seed}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row(
        "blocks / txs",
        f"{chain.blocks} / {chain.txs} ({chain.committed} committed, {chain.rejected} rejected)",
    )
    table.add_row("head hash", chain.head_hash)
    table.add_row("honest heads equal", str(chain.heads_equal))
    credit = metrics.credit
    table.add_row(
        "loans",
        f"{credit.loans} issued, {yuan(credit.issued_fen)} CNY; "
        f"{yuan(credit.outstanding_fen)} CNY outstanding; {credit.defaulted} defaulted",
    )
    claims = metrics.claims
    if claims.count:
        table.add_row(
            "claims",
            f"{claims.count} reported, {claims.paid} paid "
            f"({yuan(claims.paid_fen)} CNY), "
            f"mean {claims.days_to_payout_mean:.1f} days notice→payout",
        )
    if metrics.flagged:
        table.add_row("flagged peers", ", ".join(sorted(metrics.flagged)))
    run = metrics.run
    table.add_row(
        "wall time / peak memory", f"{run.wall_seconds:.1f} s / {run.peak_memory_mb:.0f} MiB"
    )
    console.print(table)
    for verdict in result.verdicts:
        mark = "[green]✓[/green]" if verdict.ok else "[red]✗[/red]"
        line = f"{mark} {verdict.description}"
        if not verdict.ok:
            line += f"\n    expected: {verdict.expected}\n    actual:   {verdict.actual}"
        console.print(line, highlight=False)
