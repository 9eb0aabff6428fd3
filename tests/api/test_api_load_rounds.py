"""``bench/api_load.py --rates``: fixed-rate rounds against a real server, written out."""

from __future__ import annotations

import csv
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def api_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_load", ROOT / "bench" / "api_load.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_tiny_rounds_write_the_table_and_the_chart(tmp_path: Path) -> None:
    out = tmp_path / "rounds"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_load.py"),  # --rates: single envelopes
         "--clients", "2", "--seconds", "1", "--rates", "20,40", "--out", str(out),
         "--port", str(free_port())],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    with (out / "rounds.csv").open() as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [
        "offered_tx_per_s", "committed_tx_per_s", "p50_submit_to_commit_ms",
        "p99_submit_to_commit_ms", "committed", "errors", "lost", "verify_per_s",
    ]
    assert [float(r["offered_tx_per_s"]) for r in rows] == [20.0, 40.0]
    for row in rows:
        assert int(row["lost"]) == 0
        assert int(row["errors"]) == 0
        # at most one round's worth of envelopes (rate x seconds), and some of them
        assert 0 < int(row["committed"]) <= float(row["offered_tx_per_s"]) * 1 + 1
        assert float(row["committed_tx_per_s"]) > 0
        assert 0 < float(row["p50_submit_to_commit_ms"]) <= float(row["p99_submit_to_commit_ms"])
        assert float(row["verify_per_s"]) > 0
    table = (out / "rounds.md").read_text()
    header = "| offered tx/s | committed tx/s | p50 ms | p99 ms | committed | errors | lost |"
    assert header in table
    assert "Ed25519 signatures/s on one core" in table
    # where p99 reaches 100 ms is said in the table's file and on stdout, whichever it is
    crossing = next(line for line in done.stdout.splitlines() if "100 ms" in line)
    assert crossing.startswith("p99 ")
    assert crossing in table
    assert (out / "rounds.png").read_bytes().startswith(b"\x89PNG")


def test_a_bad_rate_is_refused_naming_the_option() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_load.py"), "--rates", "100,fast"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 2
    assert "--rates '100,fast': expected numbers separated by commas" in done.stderr


def test_where_p99_reaches_100_ms_is_interpolated_between_the_rounds_around_it() -> None:
    crossing = api_load().p99_crossing

    def rows(*points: tuple[float, float]) -> list[dict[str, object]]:
        return [{"offered_tx_per_s": r, "p99_submit_to_commit_ms": p} for r, p in points]

    at, sentence = crossing(rows((500, 200.0), (250, 60.0), (100, 40.0)))
    assert at == 250 + (100 - 60) / (200 - 60) * 250
    assert sentence.startswith("p99 crosses 100 ms between 250 tx/s (p99 60 ms) and 500 tx/s")
    assert crossing(rows((100, 40.0), (200, 99.9))) == (
        None, "p99 stays under 100 ms up to the highest offered rate, 200 tx/s")
    at, sentence = crossing(rows((100, 240.0), (200, 300.0)))
    assert at is None
    assert sentence.startswith("p99 is 240 ms (over 100 ms) already at the lowest offered rate")
    at, _ = crossing(rows((100, 40.0), (200, float("nan"))))  # nothing committed: over
    assert at == 100
