"""``bench/api_load.py --rates``: fixed-rate rounds against a real server, written out."""

from __future__ import annotations

import csv
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_tiny_rounds_write_the_table_and_the_chart(tmp_path: Path) -> None:
    out = tmp_path / "rounds"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_load.py"), "--mode", "single",
         "--clients", "2", "--seconds", "1", "--rates", "20,40", "--out", str(out),
         "--port", str(free_port())],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    with (out / "rounds.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["offered_tx_per_s"]) for r in rows] == [20.0, 40.0]
    for row in rows:
        assert int(row["lost"]) == 0
        assert int(row["committed"]) > 0
        assert 0 < float(row["p50_submit_to_commit_ms"]) <= float(row["p99_submit_to_commit_ms"])
        assert float(row["verify_per_s"]) > 0
    table = (out / "rounds.md").read_text()
    assert "| offered tx/s | committed tx/s | p50 ms | p99 ms | committed | lost |" in table
    assert (out / "rounds.png").read_bytes().startswith(b"\x89PNG")


def test_a_bad_rate_is_refused_naming_the_option() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_load.py"), "--rates", "100,fast"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 2
    assert "--rates '100,fast': expected numbers separated by commas" in done.stderr
