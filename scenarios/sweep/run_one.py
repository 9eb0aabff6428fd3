"""The one seam between sweeps and the runner: run a scenario once, flatten its metrics.

Only this module knows the runner's result (``scenarios.result.ScenarioResult``): a
change to it changes ``flatten`` and nothing else of the sweep. A row holds numbers and short strings only, and no
wall-clock figures, so the same sweep gives the same table byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scenarios.result import ScenarioResult
from scenarios.runner import run_scenario
from scenarios.schema import Scenario
from scenarios.sweep.params import Parameter, Value, apply

RunRow = dict[str, Any]
"""``seed``, ``param.<name>`` for each varied parameter, ``head_hash``, ``passed``, then every
number of the result by the name a ``metric`` expectation takes (``credit.defaulted``,
``credit.by_bank.<bank>.written_off_fen``), plus ``credit.by_bank.<bank>.loss_fen``,
``credit.loss_fen``, ``claims.government_share`` and ``subsidy.exhausted``."""

GROUPS = ("credit.", "claims.", "premium.", "subsidy.", "orders.", "clients.", "disputes.")
"""What a run did; ``run.*`` (wall time, memory) and ``chain.*``/``network.*`` (message counts)
are how it ran, and stay out so that the same sweep gives the same table."""


def flatten(result: ScenarioResult) -> dict[str, Any]:
    """The numbers of one run, plus per-bank credit loss and the government's share."""
    out: dict[str, Any] = {k: v for k, v in result.to_row().items() if k.startswith(GROUPS)}
    total = 0
    for bank, stats in result.credit.by_bank.items():
        loss = stats.written_off_fen + stats.outstanding_fen
        out[f"credit.by_bank.{bank}.loss_fen"] = loss
        total += loss
    out["credit.loss_fen"] = total
    paid = result.claims.paid_fen
    out["claims.government_share"] = (
        round(result.premium.subsidy_fen / paid, 6) if paid else 0.0
    )
    budget, used = result.subsidy.budget_fen, result.subsidy.used_fen
    out["subsidy.exhausted"] = int(budget > 0 and used >= budget)
    return out


def run_one(
    scenario: Scenario, seed: int, params: list[Parameter], values: Mapping[str, Value]
) -> RunRow:
    """Run ``scenario`` with ``values`` set and ``seed``; the row of the sweep table."""
    spec = apply(scenario, {p.name: p for p in params}, dict(values))
    result = run_scenario(spec, seed=seed)
    row: RunRow = {"seed": seed}
    row.update({f"param.{name}": value for name, value in values.items()})
    row["head_hash"] = result.head_hash
    row["passed"] = int(result.passed)
    row.update(flatten(result.metrics))
    return row
