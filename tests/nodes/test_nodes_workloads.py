"""The benchmark's product workloads are valid flows: every pre-signed tx commits."""

from __future__ import annotations

import pytest

from nodes.bench import run_bench


@pytest.mark.parametrize("workload", ["pledge", "orders", "claims"])
def test_each_product_workload_commits_every_tx(workload: str) -> None:
    result = run_bench(peers=2, txs=120, mix={workload: 1}, batch_size=40, verify_seconds=0.05)
    assert result.rejected == 0
    assert result.committed == 120


def test_the_default_mix_commits_every_tx_on_four_peers() -> None:
    result = run_bench(peers=4, txs=300, batch_size=100, verify_seconds=0.05)
    assert (result.committed, result.rejected) == (300, 0)
