"""The sweep report: distributions across seeds per parameter value, and a risk officer's figures.

Per headline metric: quantiles across seeds for each combination of parameter values,
and a box chart (PNG). Named figures: expected, 95th and 99th percentile credit loss by
bank; claims paid at return periods with the government's share; the probability that
the subsidy budget runs out. The seeds behind each extreme come with the exact command
that replays the run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from scenarios.report import yuan
from scenarios.sweep.params import Parameter

Row = Mapping[str, Any]
QUANTILES = (0.05, 0.5, 0.95, 0.99)
RETURN_PERIODS = (10, 20, 100)
HEADLINE = {  # metric -> (label, unit); fen metrics are shown in CNY
    "credit.loss_fen": ("credit loss, all banks", "CNY"),
    "credit.defaulted": ("pledge loans defaulted", "loans"),
    "credit.margin_calls": ("margin calls", "calls"),
    "claims.paid_fen": ("claims paid", "CNY"),
    "claims.days_to_payout_mean": ("days from notice to payout (mean)", "days"),
    "claims.government_share": ("government-funded share of claims paid", "share"),
    "subsidy.used_fen": ("interest subsidy paid", "CNY"),
}


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation (numpy's default), without numpy."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _label(params: Sequence[Parameter], row: Row) -> str:
    if not params:
        return "base"
    return ", ".join(f"{p.name}={row[f'param.{p.name}']}{p.unit}" for p in params)


def groups(rows: Sequence[Row], params: Sequence[Parameter]) -> dict[str, list[Row]]:
    """Rows by parameter combination, in the plan's order."""
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(_label(params, row), []).append(row)
    return out


def _show(metric: str, value: float) -> str:
    if metric.endswith("_fen"):
        return yuan(round(value))
    if metric.endswith("share"):
        return f"{value:.1%}"
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def replay(source: str, params: Sequence[Parameter], row: Row) -> str:
    sets = "".join(f" --set {p.name}={row[f'param.{p.name}']}" for p in params)
    return f"agriledger run {source} --seed {row['seed']}{sets}"


def box_chart(metric: str, by: Mapping[str, Sequence[Row]], path: Path) -> None:
    label, unit = HEADLINE.get(metric, (metric, ""))
    scale = 100 if metric.endswith("_fen") else 1
    fig, ax = plt.subplots(figsize=(max(5, 1.3 * len(by) + 2), 4))
    data = [[float(r.get(metric, 0)) / scale for r in rows] for rows in by.values()]
    ax.boxplot(data, whis=(5, 95), showmeans=True)
    ax.set_xticks(range(1, len(by) + 1), list(by), rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(f"{label} ({unit})")
    seeds = len(next(iter(by.values()))) if by else 0
    ax.set_title(f"{label}: {seeds} seeds per setting (box 25-75 %, whiskers 5-95 %, ▲ mean)",
                 fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def few_seeds_warning(runs_per_setting: int) -> list[str]:
    """Tail figures from few runs are the worst run seen, not an estimate: say so up front."""
    longest = max(RETURN_PERIODS)
    if runs_per_setting >= longest:
        return []
    return [f"**† Too few seeds for the tail figures:** {runs_per_setting} runs per setting. "
            f"A 99th percentile or a 1-in-{longest} figure needs at least {longest} runs per "
            "setting; with fewer it is the worst run seen, not an estimate of it. "
            f"Run `--seeds 1..{longest}` or more before quoting them.", ""]


def credit_loss(by: Mapping[str, Sequence[Row]]) -> list[str]:
    banks = sorted({c.split(".")[2] for rows in by.values() for r in rows for c in r
                    if c.startswith("credit.by_bank.") and c.endswith(".loss_fen")})
    if not banks:
        return ["No loans in this sweep.", ""]
    body = []
    for label, rows in by.items():
        for bank in [*banks, "all banks"]:
            col = "credit.loss_fen" if bank == "all banks" else f"credit.by_bank.{bank}.loss_fen"
            values = [float(r.get(col, 0)) for r in rows]
            body.append([label, bank, yuan(round(sum(values) / len(values))),
                         yuan(round(quantile(values, 0.95))), yuan(round(quantile(values, 0.99)))])
    return [
        "Credit loss = principal written off plus principal still outstanding at season end "
        "(CNY).", "",
        *_table(["setting", "bank", "expected loss", "95th pct", "99th pct"], body),
    ]


def government_share(by: Mapping[str, Sequence[Row]]) -> list[str]:
    if not any(r.get("claims.paid_fen", 0) for rows in by.values() for r in rows):
        return ["No claims were paid in this sweep.", ""]
    body = []
    for label, rows in by.items():
        paid = sorted(rows, key=lambda r: (r.get("claims.paid_fen", 0), r["seed"]))
        for period in RETURN_PERIODS:
            q = 1 - 1 / period
            at = paid[min(len(paid) - 1, math.ceil(q * len(paid)) - 1)]
            shown = f"1 in {period}" if len(paid) >= period else (
                f"1 in {period}: worst of {len(paid)} runs †")
            body.append([label, shown, yuan(at.get("claims.paid_fen", 0)),
                         f"{at.get('claims.government_share', 0):.1%}", str(at["seed"])])
    return [
        "Claims paid in the season at a return period (the run at that quantile across seeds), "
        "and the share of it the governments funded through premium subsidies.", "",
        *_table(["setting", "return period", "claims paid (CNY)", "government share", "seed"],
                body),
    ]


def subsidy_exhaustion(by: Mapping[str, Sequence[Row]]) -> list[str]:
    if not any(r.get("subsidy.budget_fen", 0) for rows in by.values() for r in rows):
        return ["This scenario funds no interest-subsidy budget.", ""]
    body = []
    for label, rows in by.items():
        hit = sum(int(r.get("subsidy.exhausted", 0)) for r in rows)
        body.append([label, f"{hit / len(rows):.1%}", f"{hit}/{len(rows)}"])
    return _table(["setting", "P(budget exhausted)", "seeds"], body)


FIGURES = {
    "credit_loss": ("Expected and tail credit loss by bank", credit_loss),
    "government_share": ("Government share of claims at return periods", government_share),
    "subsidy_exhaustion": ("Subsidy budget exhaustion probability", subsidy_exhaustion),
}


def write_sweep_report(
    out: Path, source: str, rows: Sequence[Row], params: Sequence[Parameter],
    figures: Sequence[str] = tuple(FIGURES),
) -> Path:
    """report.md and one PNG per headline metric present in ``out``."""
    by = groups(rows, params)
    seeds = sorted({r["seed"] for r in rows})
    lines = [f"# Sweep of {source}", "",
             f"{len(rows)} runs: {len(by)} settings × {len(seeds)} seeds "
             f"({seeds[0]}..{seeds[-1]}).  Table: `table.parquet` (one row per run).", ""]
    lines += few_seeds_warning(min(len(group) for group in by.values()))
    failed = [r for r in rows if not r.get("passed", 1)]
    if failed:
        lines += [f"{len(failed)} runs missed the scenario's expectations "
                  "(expected under stress; the table's `passed` column says which).", ""]
    for key in figures:
        title, build = FIGURES[key]
        lines += [f"## {title}", "", *build(by)]
    lines += ["## Distributions across seeds", ""]
    for metric, (label, unit) in HEADLINE.items():
        if not any(r.get(metric, 0) for r in rows):
            continue
        body = []
        for name, group in by.items():
            values = [float(r.get(metric, 0)) for r in group]
            body.append([name, _show(metric, sum(values) / len(values)),
                         *(_show(metric, quantile(values, q)) for q in QUANTILES)])
        chart = f"{metric.replace('.', '_')}.png"
        box_chart(metric, by, out / chart)
        lines += [f"### {label} ({unit})", "", *_table(
            ["setting", "mean", *(f"p{round(q * 100)}" for q in QUANTILES)], body
        ), f"![{label}]({chart})", ""]
    lines += ["## The runs behind the extremes", "",
              "Each replays exactly (same metrics, same head hash) with the command shown.", ""]
    body = []
    for metric, (label, _unit) in HEADLINE.items():
        if not any(r.get(metric, 0) for r in rows):
            continue
        ranked = sorted(rows, key=lambda r: (float(r.get(metric, 0)), -int(r["seed"])))
        for side, row in (("highest", ranked[-1]), ("lowest", ranked[0])):
            body.append([f"{side} {label}", _show(metric, float(row.get(metric, 0))),
                         f"`{replay(source, params, row)}`", row["head_hash"][:16]])
    lines += _table(["extreme", "value", "replay", "head hash"], body)
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
