from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from nodes_kit import issues, small_spec, transfers

from api.cli import main
from nodes.sim import AlterWrite, Byzantine, Simulation

SPEC = small_spec(batch_size=10)


def chains(tmp_path: Path, *, byzantine: str | None = None) -> Path:
    sim = Simulation(SPEC, seed=1, store_root=tmp_path)
    if byzantine:
        sim.fault_at(0, Byzantine(byzantine, AlterWrite()))
    last = sim.spread([*issues(SPEC, 20), *transfers(SPEC, 30, start=100)], every_ms=5)
    sim.run(last)
    sim.run_until_converged(limit_ms=last + 10_000)
    sim.close()
    return tmp_path


def test_verify_replay_accepts_an_honest_peers_chain(tmp_path: Path) -> None:
    root = chains(tmp_path)
    path = str(root / "bank-a.peer" / "chain.db")
    result = CliRunner().invoke(main, ["verify", path, "--replay"])
    assert result.exit_code == 0, result.output
    assert "(replayed)" in result.output


def test_verify_replay_catches_a_chain_that_recorded_wrong_writes_consistently(
    tmp_path: Path,
) -> None:
    root = chains(tmp_path, byzantine="coop-a.peer")
    forged = str(root / "coop-a.peer" / "chain.db")
    plain = CliRunner().invoke(main, ["verify", forged])
    assert plain.exit_code == 0, plain.output  # hashes and links are all consistent
    replay = CliRunner().invoke(main, ["verify", forged, "--replay"])
    assert replay.exit_code == 1
    assert "FAILED: block 1: replay:" in replay.output
