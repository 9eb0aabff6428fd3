"""Running a scenario in four steps: build, run, settle, judge.

``build`` makes the world, the simulated network (links and faults on its clock) and
the stories; ``run`` advances the season in steps of simulated time: at each step
every story whose time has come resumes (submitting signed txs to peers), then the
network runs to the next step; when no story is due and no tx is in flight, the clock
jumps to the next wake-up, so quiet weeks cost almost nothing. ``settle`` runs the
network after the last day until every honest peer has the orderer's head; ``judge``
folds the chain into the typed result and checks the scenario's expectations.

``run_scenario`` does all four and closes the network whatever happens; a caller that
varies a step (a sweep, a governance timeline) calls the steps itself, closing with
``Built.close``.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.visibility import MemberReads, supervisor_member
from nodes.peer import Peer
from nodes.report import NetworkReport
from nodes.sim.byzantine import AlterWrite, SignOtherHeader
from nodes.sim.faults import Byzantine, Crash, Fault, Heal, Partition, Restart, SlowLink
from nodes.sim.simulation import ORDERER_ID, Simulation
from scenarios.agents import season_stories
from scenarios.agents.base import AgentKit
from scenarios.driver import MS_PER_DAY, SimDriver
from scenarios.engine import Outcome, StoryEngine, Tx
from scenarios.expectations import Verdict, check
from scenarios.governance import governance_stories
from scenarios.metrics import MetricsCollector
from scenarios.result import ExpectationResult, FaultRecord, RunInfo, ScenarioResult
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
    metrics: ScenarioResult
    verdicts: list[Verdict]
    head_hash: str
    report_path: Path | None = None

    @property
    def passed(self) -> bool:
        return all(v.ok for v in self.verdicts)  # scripted-step failures are verdicts too


@dataclass
class Built:
    """A scenario ready to run: its world, the open simulation, the stories spawned."""

    scenario: Scenario
    world: World
    sim: Simulation
    driver: SimDriver
    engine: StoryEngine
    collector: MetricsCollector
    faults: list[FaultRecord]
    failures: list[str] = field(default_factory=list)
    """Scripted steps that did not end as the scenario file said."""
    started: float = field(default_factory=time.perf_counter)

    def close(self) -> None:
        self.sim.close()


@dataclass(frozen=True)
class Settled:
    """The network after the season: its report and the regulator's reads on an honest peer."""

    report: NetworkReport
    peer: Peer | None
    regulator: str | None
    as_regulator: MemberReads | None


def _peer(world: World, org: str) -> str:
    if org == ORDERER_ID:
        return ORDERER_ID
    peer = world.peer_of(org)
    if peer is None:
        raise ValueError(f"organisation {org!r} runs no peer")
    return peer


def schedule_faults(world: World, sim: Simulation) -> list[FaultRecord]:
    """Put the scenario's faults on the simulation's clock; return their descriptions."""
    described: list[FaultRecord] = []

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
                FaultRecord(day=item.day, kind="crash", target=item.peer, recovery=recovery)
            )
        elif isinstance(item, PartitionFault):
            groups = tuple(tuple(_peer(world, o) for o in group) for group in item.groups)
            at(item.day, Partition(groups))
            recovery = "never healed"
            if item.heal_day is not None:
                at(item.heal_day, Heal())
                recovery = f"healed day {item.heal_day:g}"
            described.append(
                FaultRecord(
                    day=item.day,
                    kind="partition",
                    target=" | ".join(",".join(g) for g in item.groups),
                    recovery=recovery,
                )
            )
        elif isinstance(item, SlowLinkFault):
            a, b = _peer(world, item.a), _peer(world, item.b)
            at(item.day, SlowLink(a, b, item.factor))
            recovery = "stays slow"
            if item.until_day is not None:
                at(item.until_day, SlowLink(a, b, 1))
                recovery = f"restored day {item.until_day:g}"
            described.append(
                FaultRecord(
                    day=item.day,
                    kind=f"slow link x{item.factor}",
                    target=f"{item.a}-{item.b}",
                    recovery=recovery,
                )
            )
        elif isinstance(item, ByzantineFault):
            behaviour = AlterWrite() if item.behaviour == "alter_write" else SignOtherHeader()
            at(item.day, Byzantine(_peer(world, item.peer), behaviour))
            described.append(
                FaultRecord(
                    day=item.day,
                    kind=f"byzantine ({item.behaviour})",
                    target=item.peer,
                    recovery="flagged by honest peers",
                )
            )
    return described


def timeline_story(item: TimelineAction, failures: list[str]) -> Any:
    """One scripted action; a mismatch with its expected outcome is recorded as a failure."""

    def story() -> Any:
        outcome = yield Tx(
            item.actor, item.contract, item.action, item.args, tuple(item.co_signers),
            scripted=True,
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


def build(
    scenario: Scenario, *, seed: int | None = None, db_dir: Path | None = None
) -> Built:
    """The world, the simulated network with its links and faults, and every story spawned."""
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
    try:
        for link in net.topology.links:
            a, b = _peer(world, link.a), _peer(world, link.b)
            sim.network.set_link(a, b, latency_ms=link.latency_ms, loss=link.loss)
        faults = schedule_faults(world, sim)
        driver = SimDriver(world, sim)
        collector = MetricsCollector(world)
        engine = StoryEngine(driver, on_outcome=collector.on_outcome)
        built = Built(scenario, world, sim, driver, engine, collector, faults, started=started)
        for item in scenario.timeline:
            engine.spawn(
                timeline_story(item, built.failures), at_day=item.day, name=item.label or "timeline"
            )
        rng = random.Random(scenario.seed * 7919 + 1)
        read = _reader(driver)
        engine.spawn_all(season_stories(world, rng, read))
        engine.spawn_all(governance_stories(
            world, AgentKit(world, random.Random(scenario.seed), read),
            lambda: _head_height(driver), built.failures,
        ))
    except BaseException:
        sim.close()
        raise
    return built


def _head_height(driver: SimDriver) -> int:
    peer = driver.reference_peer()
    if peer is None:
        raise RuntimeError("no honest peer is up to read the head from")
    return peer.height()


def _reader(driver: SimDriver) -> Any:
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

    return read


def run(built: Built, progress: ProgressHook | None = None) -> None:
    """Advance the season to its last day, resuming stories every step."""
    sim, engine, days = built.sim, built.engine, built.scenario.days
    end_ms = days * MS_PER_DAY
    while sim.loop.now < end_ms:
        engine.step()
        next_ms = sim.loop.now + STEP_MS
        wake = engine.next_wake()
        if wake is not None and not _in_flight(sim):
            next_ms = max(next_ms, int(wake * MS_PER_DAY))
        sim.run(min(next_ms, end_ms))
        if progress is not None:
            progress(sim.loop.now / MS_PER_DAY, float(days))
    engine.step()


def settle(built: Built) -> Settled:
    """Run the network until honest peers agree (or the limit), and pick the regulator's reads."""
    sim, world = built.sim, built.world
    report = sim.run_until_converged(limit_ms=sim.loop.now + SETTLE_LIMIT_MS)
    peer = built.driver.reference_peer()
    regulator = supervisor_member(world.network.config, (
        (m, world.org_type(c.org), c.role) for m, c in world.network.roster.members().items()
    ))
    as_regulator = None if peer is None or regulator is None else MemberReads(peer, regulator)
    return Settled(report, peer, regulator, as_regulator)


def judge(built: Built, settled: Settled) -> RunResult:
    """Fold the chain into the typed result and check the scenario's expectations."""
    scenario, engine, world = built.scenario, built.engine, built.world
    figures = built.collector.finish(
        built.sim, settled.report, settled.peer, engine.stats, built.faults, settled.as_regulator
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    info = RunInfo(
        scenario=scenario.name,
        seed=scenario.seed,
        days=scenario.days,
        wall_seconds=round(time.perf_counter() - built.started, 3),
        peak_memory_mb=round(usage.ru_maxrss / 1024, 1),
        stories_finished=engine.stats.finished_stories,
        stories_unfinished=engine.active,
        view=settled.regulator,
    )
    result = ScenarioResult(**dict(figures), run=info)
    peer_names = {p: p.split(".", 1)[0] for p in world.peers}
    verdicts = check(
        scenario.expect, report=settled.report, peer=settled.as_regulator,
        metrics=result.to_json(), peer_names=peer_names,
    )
    verdicts += [Verdict(f, False, "as scripted", "differs") for f in built.failures]
    verdicts += [
        Verdict(u.describe(), False, u.expected, u.actual) for u in engine.stats.unexpected
    ]
    result.expectations = [ExpectationResult(**v.to_json()) for v in verdicts]
    result.passed = all(v.ok for v in verdicts)
    head = settled.peer.head() if settled.peer is not None else None
    return RunResult(scenario, world, result, verdicts, head.hash() if head else "", None)


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    db_dir: Path | None = None,
    progress: ProgressHook | None = None,
) -> RunResult:
    """Build, run, settle and judge ``scenario``; the network is closed however it ends."""
    built = build(scenario, seed=seed, db_dir=db_dir)
    try:
        run(built, progress)
        return judge(built, settle(built))
    finally:
        built.close()


def _in_flight(sim: Simulation) -> bool:
    """True while the orderer holds uncut envelopes or some up peer waits for a block."""
    if sim.orderer.pending():
        return True
    return any(
        node.peer is not None and (node.peer.pending() or node.peer.height() < sim.orderer.height())
        for node in sim.nodes.values()
    )
