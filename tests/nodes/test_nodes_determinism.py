from __future__ import annotations

from nodes_kit import issues, small_spec, transfers

from nodes.sim import ORDERER_ID, Crash, Heal, Partition, Restart, Simulation, SlowLink


def one_run(seed: int) -> list[tuple[str, int, str]]:
    spec = small_spec(seed=9)  # rebuilt from scratch each run: same genesis from the same seed
    sim = Simulation(spec, seed=seed, loss=0.05)
    last = sim.spread([*issues(spec, 30), *transfers(spec, 60, start=500)], every_ms=7)
    sim.fault_at(50, Crash("insurer.peer"))
    sim.fault_at(150, Partition(((ORDERER_ID, "gov.peer"), ("bank-a.peer", "coop-a.peer"))))
    sim.fault_at(300, SlowLink(ORDERER_ID, "gov.peer", 5))
    sim.fault_at(400, Restart("insurer.peer"))
    sim.fault_at(500, Heal())
    sim.run(last)
    report = sim.run_until_converged(limit_ms=last + 30_000)
    sim.close()
    assert report.converged, report.to_text()
    return [(p.node_id, p.height, p.head_hash) for p in report.peers]


def test_same_genesis_seed_and_inputs_give_the_same_head_on_every_run_and_every_peer() -> None:
    first, second = one_run(seed=11), one_run(seed=11)
    assert first == second
    assert len({head for _, _, head in first}) == 1
