"""Running a sweep's runs on Dask distributed: an embedded LocalCluster, or a running one.

Dask rather than Ray: it installs from PyPI as pure Python, ``LocalCluster`` gives
worker processes on one machine with no daemon to start, and ``dask scheduler`` /
``dask worker`` on other machines are the same API (``--cluster ADDRESS``). Each run
is one task; rows come back as they finish and go to the journal at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from distributed import Client, LocalCluster, as_completed

from scenarios.schema import Scenario
from scenarios.sweep.params import Parameter, Value, combinations
from scenarios.sweep.run_one import RunRow, run_one
from scenarios.sweep.store import Journal, run_key

RowHook = Callable[[RunRow], None]


@dataclass
class Plan:
    scenario: Scenario
    params: list[Parameter]
    seeds: list[int]
    runs: list[tuple[dict[str, Value], int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.runs = [(v, s) for v in combinations(self.params) for s in self.seeds]

    def keys(self) -> list[str]:
        return [run_key(v, s) for v, s in self.runs]

    def definition(self, source: str) -> dict[str, object]:
        return {
            "scenario": source,
            "spec": self.scenario.model_dump(mode="json"),
            "parameters": [
                {"name": p.name, "path": p.path, "values": list(p.values), "unit": p.unit}
                for p in self.params
            ],
        }


def run_plan(
    plan: Plan,
    journal: Journal,
    *,
    cluster: str | None = None,
    workers: int = 2,
    on_row: RowHook | None = None,
    limit: int | None = None,
) -> int:
    """Run every run of ``plan`` not yet in ``journal``; return how many ran.

    ``limit`` stops after that many new rows (the rest stay pending: a resumable stop).
    """
    pending = [(v, s) for v, s in plan.runs if not journal.done(v, s)]
    if limit is not None:
        pending = pending[:limit]
    if not pending:
        return 0
    local: LocalCluster | None = None
    if cluster is None:
        local = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True,
            dashboard_address=":0", silence_logs=40,  # a free port: no clash with others
        )
    client = Client(local if local is not None else cluster)  # type: ignore[no-untyped-call]
    try:
        futures = [
            client.submit(run_one, plan.scenario, seed, plan.params, values, pure=False)
            for values, seed in pending
        ]
        done = 0
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            row = future.result()
            journal.append(row)
            done += 1
            if on_row is not None:
                on_row(row)
        return done
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if local is not None:
            local.close()


def run_in_process(plan: Plan, journal: Journal, on_row: RowHook | None = None) -> int:
    """The same runs one after another in this process (the benchmark's baseline)."""
    done = 0
    for values, seed in plan.runs:
        if journal.done(values, seed):
            continue
        row = run_one(plan.scenario, seed, plan.params, values)
        journal.append(row)
        done += 1
        if on_row is not None:
            on_row(row)
    return done


def out_dir(scenario: Scenario, out: Path | None) -> Path:
    return out or Path("out") / f"{scenario.name}-sweep"
