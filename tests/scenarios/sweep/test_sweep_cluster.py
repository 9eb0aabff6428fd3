"""The small sweep through a real Dask scheduler and two worker processes on loopback gives the
same table, row for row, as the same runs one after another in this process."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from distributed import Client

from api.commands.sweep import sweep_command
from scenarios.sweep.store import Journal
from tests.scenarios.sweep.conftest import SMALL, small_plan

DASK = str(Path(sys.executable).parent / "dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` and two ``dask worker`` processes; yields the scheduler's address."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    log = (tmp_path / "dask.log").open("w")
    procs = [subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
        stdout=log, stderr=log,
    )]
    procs += [
        subprocess.Popen(
            [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
             "--name", f"w{n}", "--local-directory", str(tmp_path / f"w{n}")],
            stdout=log, stderr=log,
        )
        for n in (1, 2)
    ]
    try:
        with Client(address, timeout=60) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        log.close()


def test_sweep_through_scheduler_and_two_worker_processes(
    tmp_path: Path, cluster: str, reference: Journal
) -> None:
    out = tmp_path / "sweep"
    args = [str(SMALL), "--cluster", cluster, "--out", str(out)]
    result = CliRunner().invoke(sweep_command, args)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out / "table.parquet")
    plan = small_plan()
    assert table.equals(reference.table(plan.keys()))
    assert table.num_rows == 4
    assert set(table.column("param.fall").to_pylist()) == {5, 40}
    report = (out / "report.md").read_text()
    assert f"agriledger run {SMALL} --seed" in report
    assert "--set fall=40" in report
    assert (out / "credit_loss_fen.png").stat().st_size > 0
