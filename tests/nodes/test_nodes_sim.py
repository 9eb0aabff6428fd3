"""The simulated network under each kind of fault: every honest peer ends with the same head."""

from __future__ import annotations

from pathlib import Path

import pytest
from nodes_kit import issues, small_spec, transfers

from ledger.sqlite_store import SqliteStore
from ledger.verify import verify_store
from nodes.behaviour import BehaviourAPI
from nodes.report import NetworkReport
from nodes.sim import (
    ORDERER_ID,
    AlterWrite,
    Byzantine,
    Crash,
    Fault,
    Heal,
    Partition,
    Restart,
    SignOtherHeader,
    Simulation,
    SlowLink,
)

SPEC = small_spec(batch_size=5, max_wait_ms=50)
PEERS = ("gov.peer", "bank-a.peer", "insurer.peer", "coop-a.peer")
TRAFFIC = [*issues(SPEC, 40), *transfers(SPEC, 80, start=1000)]


def run(
    faults: list[tuple[int, Fault]], *, seed: int = 1, loss: float = 0.0,
    store_root: Path | None = None, peers: tuple[str, ...] = PEERS,
) -> NetworkReport:
    sim = Simulation(SPEC, seed=seed, loss=loss, store_root=store_root)
    last = sim.spread(TRAFFIC, every_ms=10, peers=peers)
    for time_ms, fault in faults:
        sim.fault_at(time_ms, fault)
    sim.run(last)
    report = sim.run_until_converged(limit_ms=last + 30_000)
    sim.close()
    assert sim.client_errors == []
    return report


def assert_converged(report: NetworkReport) -> None:
    assert report.converged, report.to_text()
    assert report.flags == (), report.to_text()
    assert report.orderer_height >= len(TRAFFIC) // 5


def test_network_converges_after_a_peer_crashes_and_restarts() -> None:
    others = tuple(p for p in PEERS if p != "bank-a.peer")
    faults: list[tuple[int, Fault]] = [(200, Crash("bank-a.peer")), (900, Restart("bank-a.peer"))]
    assert_converged(run(faults, peers=others))


def test_network_converges_after_a_partition_heals() -> None:
    split = Partition(((ORDERER_ID, "gov.peer", "bank-a.peer"), ("insurer.peer", "coop-a.peer")))
    assert_converged(run([(100, split), (800, Heal())], peers=("gov.peer", "bank-a.peer")))


def test_network_converges_over_a_slow_link() -> None:
    report = run([(0, SlowLink(ORDERER_ID, "coop-a.peer", 40))])
    assert_converged(report)


def test_network_converges_over_lossy_links() -> None:
    report = run([], loss=0.1, seed=4)
    assert_converged(report)
    assert report.stats["lost"] > 0


def test_partition_where_only_some_peers_reach_the_orderer_heals_with_all_peers_equal() -> None:
    cut_off = ("insurer.peer", "coop-a.peer")
    sim = Simulation(SPEC, seed=2)
    sim.fault_at(0, Partition(((ORDERER_ID, "gov.peer", "bank-a.peer"), cut_off)))
    last = sim.spread(TRAFFIC, every_ms=10, peers=("gov.peer", "bank-a.peer"))
    during = sim.run(last + 200)
    behind = {p.node_id: p.height for p in during.peers}
    assert all(behind[p] == 0 for p in cut_off)
    assert all(behind[p] == during.orderer_height for p in ("gov.peer", "bank-a.peer"))
    sim.fault_at(sim.loop.now + 1, Heal())
    report = sim.run_until_converged(limit_ms=sim.loop.now + 30_000)
    sim.close()
    assert_converged(report)
    assert len({p.head_hash for p in report.peers}) == 1


def test_crashed_insurer_peer_that_misses_50_blocks_catches_up_to_the_same_head(
    tmp_path: Path,
) -> None:
    spec = small_spec(batch_size=1, max_wait_ms=5)
    sim = Simulation(spec, seed=3, store_root=tmp_path)
    sim.spread(issues(spec, 5), every_ms=20)
    sim.fault_at(200, Crash("insurer.peer"))
    others = ("gov.peer", "bank-a.peer", "coop-a.peer")
    last = sim.spread(issues(spec, 60, start=100), start_ms=300, every_ms=20, peers=others)
    sim.run(last + 500)
    crashed = SqliteStore(tmp_path / "insurer.peer" / "chain.db", readonly=True)
    missed = sim.orderer.height() - crashed.height()
    crashed.close()
    assert missed >= 50
    sim.fault_at(sim.loop.now + 10, Restart("insurer.peer"))
    report = sim.run_until_converged(limit_ms=sim.loop.now + 30_000)
    sim.close()
    assert report.converged, report.to_text()
    assert len({p.head_hash for p in report.peers}) == 1
    store = SqliteStore(tmp_path / "insurer.peer" / "chain.db", readonly=True)
    assert verify_store(store).head_hash == report.peers[0].head_hash
    store.close()


@pytest.mark.parametrize("behaviour", [AlterWrite(), SignOtherHeader()], ids=lambda b: b.name)
def test_a_byzantine_peer_is_flagged_by_every_honest_peer(behaviour: BehaviourAPI) -> None:
    report = run([(0, Byzantine("coop-a.peer", behaviour))], peers=("gov.peer", "bank-a.peer"))
    honest = [p.node_id for p in report.honest()]
    assert report.converged, report.to_text()
    for accuser in honest:
        assert report.flagged_by(accuser) == {"coop-a.peer"}
    assert "FLAGGED coop-a.peer" in report.to_text()
