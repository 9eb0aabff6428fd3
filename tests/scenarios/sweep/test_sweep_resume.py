"""A sweep killed mid-way resumes without rerunning a finished run, and ends with the same table;
a tail run replays exactly with the command the report prints; bad parameters are named."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from api.commands.sweep import sweep_command
from scenarios.result import ScenarioResult
from scenarios.sweep.engine import run_in_process
from scenarios.sweep.run_one import flatten
from scenarios.sweep.store import Journal
from tests.scenarios.sweep.conftest import SMALL, small_plan

AGRILEDGER = str(Path(sys.executable).parent / "agriledger")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()]


def test_killed_sweep_resumes_without_rerunning_finished_runs(
    tmp_path: Path, reference: Journal
) -> None:
    out = tmp_path / "sweep"
    proc = subprocess.Popen(
        [AGRILEDGER, "sweep", str(SMALL), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    journal_file = out / "rows.jsonl"
    try:
        while proc.poll() is None and not (journal_file.exists() and _lines(journal_file)):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
        proc.wait()
    before = _lines(journal_file)
    assert 1 <= len(before) < 4, "the kill came after the first finished run, before the last"

    plan = small_plan()
    journal = Journal(out, plan.definition(str(SMALL)))
    reran = run_in_process(plan, journal)
    after = _lines(journal_file)
    assert reran == 4 - len(before)
    assert after[: len(before)] == before  # finished rows kept, not rewritten
    keys = [(json.loads(line)["seed"], json.loads(line)["param.fall"]) for line in after]
    assert sorted(keys) == [(1, 5), (1, 40), (2, 5), (2, 40)]  # each run once
    assert journal.table(plan.keys()).equals(reference.table(plan.keys()))


def test_tail_run_replays_with_its_seed(tmp_path: Path, reference: Journal) -> None:
    plan = small_plan()
    rows = reference.table(plan.keys()).to_pylist()
    tail = max(rows, key=lambda r: (r["credit.loss_fen"], r["seed"]))
    assert tail["credit.loss_fen"] > 0
    assert tail["param.fall"] == 40
    report = tmp_path / "report"
    done = subprocess.run(
        [AGRILEDGER, "run", str(SMALL), "--seed", str(tail["seed"]), "--set",
         f"fall={tail['param.fall']}", "--memory", "--report", str(report)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    metrics = ScenarioResult.model_validate_json((report / "metrics.json").read_text())
    assert metrics.chain.head_hash == tail["head_hash"]
    replayed = flatten(metrics)
    assert {k: tail[k] for k in replayed} == replayed


def test_sweep_names_a_parameter_the_scenario_lacks(tmp_path: Path) -> None:
    result = CliRunner().invoke(sweep_command, [
        str(SMALL), "--seeds", "1", "--vary", "agents.pledge.haircut=1,2", "--out",
        str(tmp_path / "x"),
    ])
    assert result.exit_code == 2
    assert "parameter agents.pledge.haircut: agents.pledge.haircut is not a field" in result.output


def test_sweep_names_a_parameter_out_of_range(tmp_path: Path) -> None:
    result = CliRunner().invoke(sweep_command, [
        str(SMALL), "--seeds", "1", "--vary", "fall=10..120:3", "--out", str(tmp_path / "x"),
    ])
    assert result.exit_code == 2
    assert "parameter fall:" in result.output
    assert "[0, 100)" in result.output
    assert not (tmp_path / "x").exists()  # refused before anything ran
