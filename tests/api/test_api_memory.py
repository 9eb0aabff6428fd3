"""``agriledger serve`` keeps its memory bounded (issue 21): after warm-up, resident
memory does not grow with the number of transactions it has committed.

The full run (50,000 txs, bound 40 MB over the first 10,000) is ``bench/ops.py rss``;
this test drives 14,000 txs through a real ``serve`` and bounds the slope.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from api.client import TxBuilder, load_member
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES
from tests.api.serve_kit import ServeProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PER_POST = 500
WARM_TXS = 8_000
"""By then every window is full: the orderer's 16 batches of 500, the API's recent
blocks (2,000 txs per peer), the signature verdicts (4,096), SQLite's page caches."""
MEASURED_TXS = 6_000
SLOPE_BOUND_KB_PER_TX = 0.5
"""What the README states: after warm-up, at most 0.5 KB of resident memory per
committed tx (the unbounded waiters leaked about 1.4 KB, the 32-block window of each
of four peers about 10 KB per tx until 16,000 txs); 50,000 txs stay within 40 MB."""


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _bodies(directory: Path, count: int) -> list[bytes]:
    builder = TxBuilder("small", load_member(directory, "gov.pboc"))
    bodies = []
    for start in range(0, count, PER_POST):
        envelopes = [
            builder.build(
                "settlement", "issue",
                {"account": f"coop-a.farmer-{1 + i % 8}", "amount": 1}, nonce=f"rss-{start + i}",
            ).to_json()
            for i in range(PER_POST)
        ]
        bodies.append(json.dumps(envelopes).encode())
    return bodies


def test_resident_memory_stops_growing_after_warm_up(tmp_path: Path) -> None:
    directory = tmp_path / "net"
    init_network(directory, TEMPLATES["small"](), seed="rss-test")
    bodies = _bodies(directory, WARM_TXS + MEASURED_TXS)
    server = ServeProcess(directory, peers=4).start()
    assert server.proc is not None
    samples = []
    try:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            for index, body in enumerate(bodies, start=1):
                response = http.post(
                    "/v1/transactions", content=body, params={"wait": "commit", "timeout": "60"},
                    headers={"content-type": "application/json"},
                )
                assert response.status_code == 200, response.text
                assert response.json()["complete"]
                if index * PER_POST in (WARM_TXS, WARM_TXS + MEASURED_TXS):
                    samples.append(_rss_kb(server.proc.pid))
    finally:
        server.stop()
    warm, end = samples
    slope = (end - warm) / MEASURED_TXS
    assert slope <= SLOPE_BOUND_KB_PER_TX, f"{slope:.2f} KB per tx ({warm} -> {end} KB)"
