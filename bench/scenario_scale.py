"""Run the full-size "Two Small" platform scenario and print wall time, peak memory and txs.

    .venv/bin/python bench/scenario_scale.py [--factor 1.0] [--scenario two-small-platform]

``scaled(scenario, factor)`` shrinks a scenario's populations and loan counts (and the
expectations that count them) so tests can run the same file at a fraction of its size.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledger.gc_policy import apply_peer_gc_policy
from scenarios.catalog import load
from scenarios.runner import run_scenario
from scenarios.schema import MetricThreshold, Scenario

SCENARIO = "two-small-platform"
# metrics whose thresholds are counts of things the factor scales
COUNTED = ("credit.loans", "credit.repaid", "credit.defaulted", "subsidy.payments",
           "chain.rejected_by_code.EXCEEDS_CREDIT_LINE")


def _shrink(count: int, factor: float) -> int:
    return max(1, round(count * factor)) if count else 0


def scaled(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with populations, financings, lanes and counted expectations x factor."""
    if factor == 1.0:
        return scenario
    populations = [
        p.model_copy(update={"count": _shrink(p.count, factor)}) for p in scenario.populations
    ]
    lines = scenario.agents.credit_lines
    lines = lines.model_copy(update={
        "financings": _shrink(lines.financings, factor),
        "rating_lanes": _shrink(lines.rating_lanes, factor),
        "lanes": max(4, _shrink(lines.lanes, factor)),
    })
    pledge = scenario.agents.pledge
    pledge = pledge.model_copy(update={"loans": _shrink(pledge.loans, factor)})
    agents = scenario.agents.model_copy(update={"credit_lines": lines, "pledge": pledge})
    expect: list[Any] = []
    for item in scenario.expect:
        if isinstance(item, MetricThreshold) and item.name in COUNTED and item.value is not None:
            item = item.model_copy(update={"value": float(int(item.value * factor))})
        expect.append(item)
    return scenario.model_copy(
        update={"populations": populations, "agents": agents, "expect": expect}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=SCENARIO)
    parser.add_argument("--factor", type=float, default=1.0)
    args = parser.parse_args()
    apply_peer_gc_policy()  # as ``agriledger run`` does
    scenario = scaled(load(args.scenario), args.factor)
    started = time.perf_counter()
    result = run_scenario(scenario)
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chain = result.metrics.chain
    credit = result.metrics.credit
    print(f"scenario      {scenario.name} (factor {args.factor:g}, seed {scenario.seed})")
    print(f"merchants     {sum(p.count for p in scenario.populations)}")
    print(f"wall time     {wall:.1f} s")
    print(f"peak memory   {peak_mib:.0f} MiB")
    print(f"blocks        {chain.blocks}")
    print(f"txs           {chain.txs} ({chain.committed} committed, "
          f"{chain.rejected} rejected: {chain.rejected_by_code})")
    print(f"tx/s          {chain.txs / wall:.0f}")
    print(f"loans         {credit.loans} granted, {credit.repaid} repaid, "
          f"{credit.defaulted} defaulted, {credit.issued_fen / 100:,.2f} CNY lent")
    print(f"subsidy       {result.metrics.subsidy}")
    for verdict in result.verdicts:
        mark = "ok " if verdict.ok else "FAIL"
        print(f"{mark} {verdict.description}: expected {verdict.expected}, actual {verdict.actual}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
