"""Running a scenario: build the world, run the season on the simulated network, check, report.

The season advances in steps of simulated time. At each step every story whose
time has come resumes (submitting signed txs to peers), then the network runs
to the next step. When no story is due and no tx is in flight, the clock jumps
to the next wake-up, so quiet weeks cost almost nothing. After the last day the
network runs until every honest peer has the orderer's head.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.visibility import MemberReads, supervisor_member
from nodes.sim.byzantine import AlterWrite, SignOtherHeader
from nodes.sim.faults import Byzantine, Crash, Fault, Heal, Partition, Restart, SlowLink
from nodes.sim.simulation import ORDERER_ID, Simulation
from scenarios.agents import season_stories
from scenarios.driver import MS_PER_DAY, SimDriver
from scenarios.engine import Outcome, StoryEngine, Tx
from scenarios.expectations import Verdict, check
from scenarios.metrics import MetricsCollector
from scenarios.schema import (
    ByzantineFault,
    CrashFault,
    PartitionFault,
    Scenario,
    SlowLinkFault,
    TimelineAction,
)
from scenarios.world import World, build_world

STEP_MS = 30 * 60 * 1000  # stories resume every half hour of simulated time
SETTLE_LIMIT_MS = 6 * 3600 * 1000

ProgressHook = Callable[[float, float], None]


@dataclass
class RunResult:
    scenario: Scenario
    world: World
    metrics: dict[str, Any]
    verdicts: list[Verdict]
    head_hash: str
    report_path: Path | None = None

    @property
    def passed(self) -> bool:
        return all(v.ok for v in self.verdicts)  # scripted-step failures are verdicts too


def _peer(world: World, org: str) -> str:
    if org == ORDERER_ID:
        return ORDERER_ID
    peer = world.peer_of(org)
    if peer is None:
        raise ValueError(f"organisation {org!r} runs no peer")
    return peer


def schedule_faults(world: World, sim: Simulation) -> list[dict[str, Any]]:
    """Put the scenario's faults on the simulation's clock; return their descriptions."""
    described: list[dict[str, Any]] = []

    def at(day: float, fault: Fault) -> None:
        sim.fault_at(int(day * MS_PER_DAY), fault)

    for item in world.scenario.faults:
        if isinstance(item, CrashFault):
            peer = _peer(world, item.peer)
            at(item.day, Crash(peer))
            recovery = "not restarted"
            if item.restart_day is not None:
                at(item.restart_day, Restart(peer))
                recovery = f"restarted day {item.restart_day:g}, caught up from the orderer's log"
            described.append(
                {"day": item.day, "kind": "crash", "target": item.peer, "recovery": recovery}
            )
        elif isinstance(item, PartitionFault):
            groups = tuple(tuple(_peer(world, o) for o in group) for group in item.groups)
            at(item.day, Partition(groups))
            recovery = "never healed"
            if item.heal_day is not None:
                at(item.heal_day, Heal())
                recovery = f"healed day {item.heal_day:g}"
            described.append(
                {
                    "day": item.day,
                    "kind": "partition",
                    "target": " | ".join(",".join(g) for g in item.groups),
                    "recovery": recovery,
                }
            )
        elif isinstance(item, SlowLinkFault):
            a, b = _peer(world, item.a), _peer(world, item.b)
            at(item.day, SlowLink(a, b, item.factor))
            recovery = "stays slow"
            if item.until_day is not None:
                at(item.until_day, SlowLink(a, b, 1))
                recovery = f"restored day {item.until_day:g}"
            described.append(
                {
                    "day": item.day,
                    "kind": f"slow link x{item.factor}",
                    "target": f"{item.a}-{item.b}",
                    "recovery": recovery,
                }
            )
        elif isinstance(item, ByzantineFault):
            behaviour = AlterWrite() if item.behaviour == "alter_write" else SignOtherHeader()
            at(item.day, Byzantine(_peer(world, item.peer), behaviour))
            described.append(
                {
                    "day": item.day,
                    "kind": f"byzantine ({item.behaviour})",
                    "target": item.peer,
                    "recovery": "flagged by honest peers",
                }
            )
    return described


def timeline_story(item: TimelineAction, failures: list[str]) -> Any:
    """One scripted action; a mismatch with its expected outcome is recorded as a failure."""

    def story() -> Any:
        outcome = yield Tx(
            item.actor, item.contract, item.action, item.args, tuple(item.co_signers)
        )
        assert isinstance(outcome, Outcome)
        label = item.label or f"day {item.day:g} {item.actor} {item.contract}.{item.action}"
        if item.expect == "committed" and not outcome.committed:
            failures.append(f"{label}: expected committed, got {outcome.code}: {outcome.message}")
        elif item.expect == "rejected" and outcome.committed:
            failures.append(f"{label}: expected rejected, got committed")
        if item.expect_code is not None and outcome.code != item.expect_code:
            failures.append(f"{label}: expected code {item.expect_code}, got {outcome.code}")

    return story()


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    db_dir: Path | None = None,
    progress: ProgressHook | None = None,
) -> RunResult:
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    started = time.perf_counter()
    world = build_world(scenario)
    net = scenario.network
    sim = Simulation(
        world.network,
        seed=scenario.seed,
        peers=world.peers,
        store_root=db_dir,
        latency_ms=(net.topology.latency_ms, net.topology.latency_ms),
        loss=net.topology.loss,
        sync_interval_ms=net.orderer.sync_interval_ms,
    )
    for link in net.topology.links:
        a, b = _peer(world, link.a), _peer(world, link.b)
        sim.network.graph.add_edge(a, b, latency=link.latency_ms, loss=link.loss, slow=1)
    faults = schedule_faults(world, sim)
    driver = SimDriver(world, sim)
    collector = MetricsCollector(world)
    engine = StoryEngine(driver, on_outcome=collector.on_outcome)
    failures: list[str] = []
    for item in scenario.timeline:
        engine.spawn(timeline_story(item, failures), at_day=item.day, name=item.label or "timeline")
    rng = random.Random(scenario.seed * 7919 + 1)

    readers: dict[tuple[str, str], MemberReads] = {}

    def read(member: str, contract: str, view: str, params: Any) -> Any:
        """A view as ``member`` sees it (need to know) on an honest peer."""
        peer = driver.reference_peer()
        if peer is None:
            raise RuntimeError("no honest peer is up to read from")
        reads = readers.get((peer.node_id, member))
        if reads is None:
            reads = readers[(peer.node_id, member)] = MemberReads(peer, member)
        return reads.view(contract, view, params)

    engine.spawn_all(season_stories(world, rng, read))

    end_ms = scenario.days * MS_PER_DAY
    while sim.loop.now < end_ms:
        engine.step()
        next_ms = sim.loop.now + STEP_MS
        wake = engine.next_wake()
        if wake is not None and not _in_flight(sim):
            next_ms = max(next_ms, int(wake * MS_PER_DAY))
        sim.run(min(next_ms, end_ms))
        if progress is not None:
            progress(sim.loop.now / MS_PER_DAY, float(scenario.days))
    engine.step()
    report = sim.run_until_converged(limit_ms=sim.loop.now + SETTLE_LIMIT_MS)
    peer = driver.reference_peer()
    regulator = supervisor_member(world.network.config, (
        (m, world.org_type(c.org), c.role) for m, c in world.network.roster.members().items()
    ))
    as_regulator = None if peer is None or regulator is None else MemberReads(peer, regulator)
    metrics = collector.finish(sim, report, peer, engine.stats, faults, as_regulator)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    metrics["run"] = {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "days": scenario.days,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "peak_memory_mb": round(usage.ru_maxrss / 1024, 1),
        "stories_finished": engine.stats.finished_stories,
        "stories_unfinished": engine.active,
        "view": regulator,
    }
    peer_names = {p: p.split(".", 1)[0] for p in world.peers}
    verdicts = check(
        scenario.expect, report=report, peer=as_regulator, metrics=metrics,
        peer_names=peer_names,
    )
    verdicts += [Verdict(f, False, "as scripted", "differs") for f in failures]
    metrics["expectations"] = [v.to_json() for v in verdicts]
    metrics["passed"] = all(v.ok for v in verdicts)
    head = peer.head() if peer is not None else None
    sim.close()
    return RunResult(
        scenario, world, metrics, verdicts, head.hash() if head else "", None
    )


def _in_flight(sim: Simulation) -> bool:
    """True while the orderer holds uncut envelopes or some up peer waits for a block."""
    if sim.orderer.pending():
        return True
    return any(
        node.peer is not None and (node.peer.pending() or node.peer.height() < sim.orderer.height())
        for node in sim.nodes.values()
    )
