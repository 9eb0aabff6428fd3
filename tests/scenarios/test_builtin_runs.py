"""Every built-in scenario runs, meets its expectations, and replays to the same head hash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.catalog import builtin, load
from scenarios.check import metric_known
from scenarios.report import NOTHING_OUTSTANDING
from scenarios.runner import run_scenario

# Scale scenarios run here with a smaller population (full size: bench/scenario_scale.py).
SMALLER = {"two-small-platform": 0.05}


def _load(name: str):  # type: ignore[no-untyped-def]
    scenario = load(name)
    factor = SMALLER.get(name)
    if factor is not None:
        from bench.scenario_scale import scaled

        scenario = scaled(scenario, factor)
    return scenario


@pytest.mark.slow
@pytest.mark.parametrize("name", [entry.name for entry in builtin()])
def test_builtin_scenario_meets_its_expectations_and_replays_identically(name: str) -> None:
    scenario = _load(name)
    first = run_scenario(scenario)
    failed = [
        f"{v.description}: expected {v.expected}, actual {v.actual}"
        for v in first.verdicts
        if not v.ok
    ]
    assert not failed, failed
    second = run_scenario(scenario)
    assert second.head_hash == first.head_hash


SWEEP_SIZE = {"two-small-platform": 0.02}  # at 0.01 the scaled thresholds round past the runs
ISSUE_SEEDS = (1, 5, 7, 11, 13)  # order-finance once failed its own expectations on these


def other_seeds(name: str, count: int = 4) -> list[int]:
    """Four seeds besides the scenario's own: five seeds per built-in scenario in all."""
    own = load(name).seed
    return [seed for seed in ISSUE_SEEDS if seed != own][:count]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "seed"),
    [(entry.name, seed) for entry in builtin() for seed in other_seeds(entry.name)],
)
def test_builtin_scenario_meets_its_expectations_for_any_seed(name: str, seed: int) -> None:
    scenario = _load(name)
    if name in SWEEP_SIZE:  # four more runs at the replay test's size would dominate the suite
        from bench.scenario_scale import scaled

        scenario = scaled(load(name), SWEEP_SIZE[name])
    result = run_scenario(scenario, seed=seed)
    failed = [
        f"{v.description}: expected {v.expected}, actual {v.actual}"
        for v in result.verdicts
        if not v.ok
    ]
    assert not failed, failed
    unknown = [name for name in result.metrics.to_row() if not metric_known(name)]
    assert not unknown, f"scenarios.check.METRICS does not list {unknown}"


@pytest.mark.integration
def test_run_command_writes_report_and_sqlite_chains_that_verify(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    report = tmp_path / "report"
    db = tmp_path / "db"
    done = subprocess.run(
        [
            str(bin_dir / "agriledger"),
            "run",
            "byzantine-peer",
            "--report",
            str(report),
            "--db-dir",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "report:" in done.stdout
    for name in ("report.md", "metrics.json", "outstanding_credit.png"):
        assert (report / name).exists(), name
    exposure = json.loads((report / "metrics.json").read_text())["exposure"]["edges"]
    if exposure:  # the graph shows what is still outstanding at the end
        assert (report / "exposure_graph.png").exists()
    else:
        assert NOTHING_OUTSTANDING in (report / "report.md").read_text()
    chain = db / "gov.peer" / "chain.db"
    verified = subprocess.run(
        [str(bin_dir / "agriledger"), "verify", str(chain)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.startswith("OK: ")


@pytest.mark.integration
def test_run_command_exits_1_and_shows_expected_against_actual(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "scenarios" / "builtin" / "byzantine-peer.yaml").read_text()
    broken = text.replace("equals: 500250000", "equals: 1")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "agriledger"),
            "run",
            str(path),
            "--memory",
            "--report",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "expected: 1" in done.stdout
    assert "actual:   500250000" in done.stdout
