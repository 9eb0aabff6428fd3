"""Runs per minute of the built-in sweeps: Dask LocalCluster against one process in a loop.

    .venv/bin/python bench/sweep_bench.py [--seeds 1..3] [--workers 2] [--scenario harvest-pledge]

Each scenario's declared sweep runs twice with fewer seeds: one run after another in
this process, then on an embedded LocalCluster (its start-up counted). It prints runs
per minute of each, their ratio, and the machine's Ed25519 verify rate measured in the
same run so that numbers from a busy machine can be compared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.bench import raw_verify_rates
from scenarios.catalog import load
from scenarios.sweep.engine import Plan, run_in_process, run_plan
from scenarios.sweep.params import parse_seeds, resolve
from scenarios.sweep.store import Journal

SCENARIOS = ("harvest-pledge", "typhoon-claims")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1..3")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", action="append", default=None)
    args = parser.parse_args()
    wall_rate, _cpu = raw_verify_rates()
    print(f"Ed25519 verify: {wall_rate:,.0f}/s (wall)")
    loop_runs = loop_s = cluster_runs = cluster_s = 0.0
    for name in args.scenario or SCENARIOS:
        spec = load(name)
        plan = Plan(spec, resolve(spec, []), parse_seeds(args.seeds))
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            started = time.perf_counter()
            loop_runs += run_in_process(plan, Journal(Path(a), plan.definition(name)))
            loop_s += time.perf_counter() - started
            started = time.perf_counter()
            cluster_runs += run_plan(
                plan, Journal(Path(b), plan.definition(name)), workers=args.workers
            )
            cluster_s += time.perf_counter() - started
        print(f"{name}: {len(plan.runs)} runs")
    loop_rate = 60 * loop_runs / loop_s
    cluster_rate = 60 * cluster_runs / cluster_s
    print(f"one process in a loop:        {loop_rate:6.1f} runs/min")
    print(f"LocalCluster ({args.workers} workers):    {cluster_rate:6.1f} runs/min")
    print(f"ratio cluster/loop:           {cluster_rate / loop_rate:6.2f}")
    print(f"runs/min per 1e4 verify/s:    loop {1e4 * loop_rate / wall_rate:.3f}, "
          f"cluster {1e4 * cluster_rate / wall_rate:.3f}")


if __name__ == "__main__":
    main()
