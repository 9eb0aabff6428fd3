"""The one seam between sweeps and the runner: run a scenario once, flatten its metrics.

Only this module knows the runner's result shape; when the typed scenario result
lands, only ``run_one`` changes. A row holds numbers and short strings only, and no
wall-clock figures, so the same sweep gives the same table byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scenarios.runner import run_scenario
from scenarios.schema import Scenario
from scenarios.sweep.params import Parameter, Value, apply

RunRow = dict[str, Any]
"""``seed``, ``param.<name>`` for each varied parameter, ``head_hash``, ``passed``, then
``<group>.<metric>`` numbers; credit by bank as ``credit.<bank>.<stat>``."""

GROUPS = ("credit", "claims", "premium", "subsidy", "orders", "clients")
SKIP = {"run"}  # wall time and memory differ run to run; they are not results


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, bool):
        out[prefix] = int(value)
    elif isinstance(value, (int, float)):
        out[prefix] = value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}", inner, out)


def flatten(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar metrics of one run, plus per-bank credit loss and the government's share."""
    out: dict[str, Any] = {}
    for group in GROUPS:
        section = metrics.get(group) or {}
        for key, value in section.items():
            if key == "by_bank":
                for bank, stats in value.items():
                    _flatten(f"credit.{bank}", stats, out)
                    out[f"credit.{bank}.loss_fen"] = stats["written_off_fen"] + stats[
                        "outstanding_fen"
                    ]
            elif not isinstance(value, list):
                _flatten(f"{group}.{key}", value, out)
    credit = metrics.get("credit", {})
    out["credit.loss_fen"] = sum(
        b["written_off_fen"] + b["outstanding_fen"] for b in credit.get("by_bank", {}).values()
    )
    paid = int(metrics.get("claims", {}).get("paid_fen", 0))
    subsidy = int(metrics.get("premium", {}).get("subsidy_fen", 0))
    out["claims.government_share"] = round(subsidy / paid, 6) if paid else 0.0
    budget = int(metrics.get("subsidy", {}).get("budget_fen", 0))
    used = int(metrics.get("subsidy", {}).get("used_fen", 0))
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
