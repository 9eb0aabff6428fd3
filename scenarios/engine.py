"""Stories: agents' workflows as generators, driven on the simulated clock.

A story is a generator that yields what its agent does next and receives the
outcome::

    def pledge(world):
        outcome = yield Tx("coop-a.keeper", "warehouse_receipt", "record_intake", {...})
        if not outcome.committed:
            return
        yield Wait(days=30)
        ...

``Tx`` is signed by the actor and submitted to the actor's organisation's peer
(or, as a real client would, to another peer when that one is down); the story
resumes once an honest peer has the tx's result. ``Wait`` sleeps in simulated
time. Agents never touch state directly: they read it through peers' views, like
any client, and act only through signed transactions.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel


@dataclass(frozen=True)
class Tx:
    actor: str
    contract: str
    action: str
    args: BaseModel | Mapping[str, Any]
    """The action's argument model (``contracts`` ``Args``), so a renamed or mistyped
    argument fails where the agent builds it; a mapping only for scripted steps."""
    co_signers: tuple[str, ...] = ()
    private: bool = False
    """Seal the args' ``personal`` objects: hashes in the tx, plaintext in a side-car."""
    refusals: tuple[str, ...] = ()
    """Codes a refusal of this tx may carry as part of the story (a bank stacking loans
    past the shared credit line); any other refusal is an unexpected rejection, a failed
    expectation of the run."""
    must_refuse: bool = False
    """The tx is an attempt the ledger must refuse (an attack, a duplicate claim) with one
    of ``refusals``: its committing is a failed expectation."""
    scripted: bool = False
    """A scenario file's timeline step, which judges its own outcome against the file."""

    def arguments(self) -> dict[str, Any]:
        """The args as they go into the tx body: a model's fields as set (defaults left to
        the contract, so the bytes are what a hand-written mapping gave)."""
        if isinstance(self.args, BaseModel):
            return self.args.model_dump(mode="json", exclude_unset=True)
        return dict(self.args)

    def expects(self, outcome: Outcome) -> bool:
        """True if ``outcome`` is what this tx's story counts on."""
        if self.scripted:
            return True
        if outcome.committed:
            return not self.must_refuse
        return outcome.code in self.refusals

    def expected(self) -> str:
        refused = f"refused with {' or '.join(self.refusals)}"
        if self.must_refuse:
            return refused
        return f"committed or {refused}" if self.refusals else "committed"


@dataclass(frozen=True)
class Wait:
    days: float = 0.0
    until_day: float | None = None


@dataclass(frozen=True)
class Outcome:
    tx_id: str
    committed: bool
    code: str | None = None
    message: str | None = None
    events: tuple[Mapping[str, Any], ...] = ()
    day: float = 0.0

    def event(self, event_type: str) -> Mapping[str, Any] | None:
        """The data of the first event of ``event_type``, if the tx emitted one."""
        for event in self.events:
            if event.get("type") == event_type:
                data: Mapping[str, Any] = event.get("data", {})
                return data
        return None


Story = Generator[Tx | Wait, Outcome | None, None]


def ok(outcome: Outcome | None) -> bool:
    """True if a story's last tx committed (a story receives None after a Wait)."""
    return isinstance(outcome, Outcome) and outcome.committed


class Driver(Protocol):
    """What the engine needs from the network: submit a tx now, later learn its outcome."""

    def now_day(self) -> float: ...

    def submit(self, tx: Tx) -> str | Outcome:
        """Submit; return the tx_id, or an Outcome at once if the peer's gate refused it."""

    def outcome(self, tx_id: str) -> Outcome | None:
        """The tx's final outcome once an honest peer has it, else None."""


@dataclass
class _Running:
    name: str
    story: Story
    wake_day: float
    waiting_tx: str | None = None
    started: bool = False
    last: Outcome | None = None


@dataclass(frozen=True)
class Unexpected:
    """A tx that did not end as its story declared: refused when it should commit, or
    committed (or refused otherwise) when it should be refused (``Tx.refusals``)."""

    story: str
    tx_id: str
    actor: str
    action: str
    """``contract.action``"""
    expected: str
    actual: str
    """``CODE: message``, or ``committed``"""
    day: float

    def describe(self) -> str:
        return (
            f"story {self.story}: {self.action} by {self.actor} on day {self.day:.2f} "
            f"(tx {self.tx_id[:12]})"
        )


@dataclass
class EngineStats:
    submitted: int = 0
    committed: int = 0
    rejected: int = 0
    refused_at_gate: int = 0
    finished_stories: int = 0
    unexpected: list[Unexpected] = field(default_factory=list)
    """Txs that did not end as their story declared: each a failed expectation of the run."""


class StoryEngine:
    """Runs stories in a fixed, deterministic order on the driver's clock."""

    def __init__(
        self, driver: Driver, *, on_outcome: Callable[[str, Tx, Outcome], None] | None = None
    ) -> None:
        self.driver = driver
        self._running: list[_Running] = []
        self._counter = itertools.count()
        self._txs: dict[str, Tx] = {}
        self.stats = EngineStats()
        self._on_outcome = on_outcome

    def spawn(self, story: Story, *, at_day: float, name: str = "") -> None:
        self._running.append(_Running(name or f"story-{next(self._counter)}", story, at_day))

    def spawn_all(self, stories: Iterable[tuple[float, str, Story]]) -> None:
        for day, name, story in stories:
            self.spawn(story, at_day=day, name=name)

    @property
    def active(self) -> int:
        return len(self._running)

    def next_wake(self) -> float | None:
        """The earliest day a sleeping story wakes (None if some story awaits a tx or none run)."""
        if any(r.waiting_tx is not None for r in self._running):
            return None
        return min((r.wake_day for r in self._running), default=None)

    def step(self) -> int:
        """Resume every story that can run now; return how many txs were submitted."""
        now = self.driver.now_day()
        submitted = 0
        still: list[_Running] = []
        for run in self._running:
            if run.waiting_tx is not None:
                outcome = self.driver.outcome(run.waiting_tx)
                if outcome is None:
                    still.append(run)
                    continue
                self._record(run, outcome)
                run.waiting_tx = None
                run.last = outcome
            if run.wake_day > now:
                still.append(run)
                continue
            alive, sent = self._advance(run, now)
            submitted += sent
            if alive:
                still.append(run)
            else:
                self.stats.finished_stories += 1
        self._running = still
        return submitted

    def _advance(self, run: _Running, now: float) -> tuple[bool, int]:
        """Resume ``run`` until it waits for a tx or sleeps; (still alive, txs submitted)."""
        sent = 0
        value = run.last
        while True:
            try:
                if not run.started:
                    run.started = True
                    intent = next(run.story)
                else:
                    intent = run.story.send(value)
            except StopIteration:
                return False, sent
            if isinstance(intent, Wait):
                run.wake_day = (
                    intent.until_day if intent.until_day is not None else now + intent.days
                )
                run.last = None
                if run.wake_day > now:
                    return True, sent
                value = None
                continue
            result = self.driver.submit(intent)
            self.stats.submitted += 1
            sent += 1
            if isinstance(result, Outcome):
                self.stats.refused_at_gate += 1
                self._record(run, result, intent)
                value = result
                continue
            self._txs[result] = intent
            run.waiting_tx = result
            return True, sent

    def _record(self, run: _Running, outcome: Outcome, tx: Tx | None = None) -> None:
        tx = tx or self._txs.pop(outcome.tx_id, None)
        if outcome.committed:
            self.stats.committed += 1
        else:
            self.stats.rejected += 1
        if tx is not None and not tx.expects(outcome):
            actual = "committed" if outcome.committed else f"{outcome.code}: {outcome.message}"
            self.stats.unexpected.append(Unexpected(
                run.name, outcome.tx_id, tx.actor, f"{tx.contract}.{tx.action}",
                tx.expected(), actual, outcome.day,
            ))
        if tx is not None and self._on_outcome is not None:
            self._on_outcome(run.name, tx, outcome)

