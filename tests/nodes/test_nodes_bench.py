from __future__ import annotations

from click.testing import CliRunner

from api.cli import main
from nodes.bench import bench_spec, percentile, run_bench


def test_bench_commits_every_tx_of_the_mix_on_every_peer() -> None:
    result = run_bench(peers=4, txs=300, batch_size=50, verify_seconds=0.05)
    assert result.committed == 300
    assert result.rejected == 0
    assert result.committed_tx_per_s > 0
    assert 0 < result.p50_ms <= result.p99_ms
    # the split of wall time adds up: peers' apply time plus the once-per-tx rest
    split = (4 * result.execute_us_per_peer_tx + result.once_us_per_tx) * result.txs / 1e6
    assert result.execute_us_per_peer_tx > 0
    assert result.once_us_per_tx > 0
    assert abs(split - result.seconds) < 1e-6 * result.txs
    # the finer split (gate, execute, store on each peer, ordering) adds up as well
    stages = (result.gate_us_per_tx + 4 * (result.run_us_per_peer_tx
              + result.store_us_per_peer_tx) + result.ordering_us_per_tx) * result.txs / 1e6
    assert min(result.gate_us_per_tx, result.run_us_per_peer_tx,
               result.store_us_per_peer_tx) > 0
    assert abs(stages - result.seconds) < 1e-6 * result.txs


def test_bench_command_prints_every_measure() -> None:
    out = CliRunner().invoke(main, ["bench", "--txs", "100", "--batch-size", "20"])
    assert out.exit_code == 0, out.output
    labels = ("raw Ed25519 verify/s", "committed tx/s", "ratio", "p50", "p99", "peak memory",
              "executing on each peer")
    for label in labels:
        assert label in out.output
    # the one-peer headline comes first, the simulator's 4 peers after it
    assert out.output.startswith("headline: one peer's commit rate")
    assert out.output.index("peers                     1") < out.output.index(
        "peers                     4")
    assert "split per tx            gate/verify" in out.output


def test_bench_peers_are_spread_over_bank_insurer_cooperative_and_government() -> None:
    _, four = bench_spec(4)
    assert [p.split(".")[0] for p in four] == ["bank-a", "insurer", "coop-a", "gov"]
    _, twelve = bench_spec(12)
    assert len(set(twelve)) == 12


def test_percentile_picks_the_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile(list(map(float, range(1, 101))), 0.99) == 99.0
    assert percentile([], 0.5) == 0.0
