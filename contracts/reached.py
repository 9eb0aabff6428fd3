"""Which record states, transitions and events a contract state machine reached.

A random walk through a contract rarely goes where the interesting rules are (a loan
repaid in full, a pledge enforced, a receipt released from a live loan). A machine that
mixes in ``RecordsReached`` notes, after every step, each committed write of a record
with a ``state`` or ``status`` field and each event, as labels:

- ``receipt:PLEDGED``: a record of kind ``receipt`` (the key's first segment after the
  contract's name) was written in that state;
- ``receipt:ACTIVE->PLEDGED``: the same key went from one state to another in one tx
  (``new->ACTIVE`` for a record first written);
- ``loan:CLOSED/REPAID``: a record's closure reason (field ``closure``), where it has one;
- ``event:LoanRepaid``: a committed tx emitted the event;
- ``rejected:LIMITATION_EXPIRED``: a tx was refused with that code (a rule's refusal is
  a place the run went too: a guard at its edge).

It reads the blocks the run appended, so it sees every tx (steered steps, noise, the
setup) and needs no change to the machine's rules. ``reach`` runs a machine over a
fixed batch (a seeded random) and returns in how many runs each label was reached, so a
test can assert that every state and transition of the contract's tables was reached
in several runs, not by a fluke::

    class Covered(RecordsReached, WarehouseReceiptMachine):
        pass

    counts = reach(Covered, runs=60, steps=40)
    assert counts["loan:DEFAULT->CLOSED"] >= 3
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import hypothesis
from hypothesis import Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, run_state_machine_as_test

from contracts.testing import ContractMachine
from ledger.block import TxResult

__all__ = [
    "SEED", "RecordsReached", "SteeredMachine", "assert_reached", "missing", "reach",
    "record_labels", "seeded_machine",
]

STATE_FIELDS = ("state", "status")
SEED = 23  # the batch of runs ``reach`` draws (any fixed number; see ``reach``)
M = TypeVar("M", bound=RuleBasedStateMachine)
T = TypeVar("T")


def record_labels(
    key: str, value: Any, before: str | None
) -> tuple[str | None, list[str]]:
    """The record's kind-qualified state after this write and the labels it reaches.

    ``key`` is the full state key (``contract/kind/...``); ``before`` the same key's
    qualified state before the write, or None for a new record."""
    if not isinstance(value, Mapping):
        return None, []
    state = next((value[f] for f in STATE_FIELDS if isinstance(value.get(f), str)), None)
    if state is None:
        return None, []
    parts = key.split("/")
    kind = parts[1] if len(parts) > 2 else parts[0]
    labels = [f"{kind}:{state}"]
    if before != state:
        labels.append(f"{kind}:{before or 'new'}->{state}")
    closure = value.get("closure")
    if isinstance(closure, str):
        labels.append(f"{kind}:{state}/{closure}")
    return state, labels


class RecordsReached(ContractMachine):
    """Mix in before a machine class: notes the labels each run reaches (module docstring).

    ``reached`` is the run's set of labels; ``REACHED`` (per class, set by ``reach``)
    counts in how many runs each label was reached."""

    REACHED: collections.Counter[str] | None = None

    def __init__(self) -> None:
        self.reached: set[str] = set()
        self._states: dict[str, str] = {}
        self._height = 0
        super().__init__()

    def note_label(self, label: str) -> None:
        """A label the machine itself reached (an outcome no record shows)."""
        self.reached.add(label)

    def result_labels(self, result: TxResult) -> Iterable[str]:
        """Extra labels of one committed tx (override: a fee paid, a cost deducted)."""
        return ()

    @invariant()
    def note_records_reached(self) -> None:
        store = self.ledger.store
        for height in range(self._height + 1, store.height() + 1):
            block = store.block(height)
            assert block is not None
            for result in block.results:
                if not result.committed:
                    self.reached.add(f"rejected:{result.code}")
                    continue
                for key, value in result.writes:
                    state, labels = record_labels(key, value, self._states.get(key))
                    if state is not None:
                        self._states[key] = state
                    self.reached.update(labels)
                self.reached.update(f"event:{e['type']}" for e in result.events)
                self.reached.update(self.result_labels(result))
        self._height = store.height()

    def teardown(self) -> None:
        counts = type(self).REACHED
        if counts is not None:
            counts.update(self.reached)
        super().teardown()


class SteeredMachine(RecordsReached):
    """``RecordsReached`` for a steered subclass of a machine: its rules take a fresh
    record along the next of a few paths in turn, every step through the machine's own
    checked rules, so the machine others edit stays as it is. ``next_path`` gives the
    next path (from a drawn start); ``paths_taken`` counts them (a fresh name per path)::

        class SteeredLoansMachine(SteeredMachine, LoansMachine):
            @rule(offset=st.integers(0, len(PATHS) - 1))
            def loan_path(self, offset: int) -> None:
                path = self.next_path(PATHS, offset)
                ...
    """

    def __init__(self) -> None:
        self.paths_taken = 0
        super().__init__()

    def next_path(self, paths: Sequence[T], offset: int = 0) -> T:
        path = paths[(offset + self.paths_taken) % len(paths)]
        self.paths_taken += 1
        return path


def assert_reached(
    machine: type[RecordsReached], wanted: Iterable[str], *, runs: int, steps: int,
    at_least: int,
) -> collections.Counter[str]:
    """Run ``reach`` and fail, naming them, if some wanted labels were reached in fewer
    than ``at_least`` runs (the reached-every-state checks of tests/contracts)."""
    counts = reach(machine, runs=runs, steps=steps)
    absent = missing(counts, wanted, at_least)
    assert not absent, f"not reached in {at_least} runs: {absent}; reached: {sorted(counts)}"
    return counts


def reach(
    machine: type[RecordsReached], *, runs: int, steps: int, seed: int = SEED
) -> collections.Counter[str]:
    """Run ``machine`` ``runs`` times and count in how many runs each label was reached.

    The batch is fixed by ``seed`` (no example database), so every process and every
    test order gives the same runs. A seed, not ``derandomize``: a derandomized test
    seeds its random from a hash of the machine class's source, so any edit of the class
    (a comparison in one rule) drew other runs and could turn the check's verdict; a
    seed keeps the draws while the rules and their strategies stay as they are. Use
    under ``module_independent_draws`` (tests/conftest.py). A run that fails is
    reported as drawn, not shrunk: the machine's own test shrinks its failures, and
    shrinking a 40-step run here took minutes."""
    counts: collections.Counter[str] = collections.Counter()
    seeded = seeded_machine(machine, seed)
    seeded.REACHED = counts
    run_state_machine_as_test(seeded, settings=settings(
        max_examples=runs, stateful_step_count=steps, deadline=None, database=None,
        phases=(Phase.explicit, Phase.generate),
    ))
    return counts


def seeded_machine(machine: type[M], seed: int = SEED) -> type[M]:
    """A subclass of ``machine`` whose runs hypothesis draws from ``Random(seed)``
    (``hypothesis.seed``; the machine class itself is left as it is). For any fixed
    batch of a state machine: ``run_state_machine_as_test(seeded_machine(Machine),
    settings=settings(max_examples=..., database=None))``."""
    subclass = type(machine.__name__, (machine,), {"__module__": machine.__module__})
    return hypothesis.seed(seed)(subclass)


def missing(counts: Mapping[str, int], wanted: Iterable[str], at_least: int) -> list[str]:
    """The wanted labels reached in fewer than ``at_least`` runs, with their counts."""
    return [f"{label} ({counts.get(label, 0)})" for label in wanted
            if counts.get(label, 0) < at_least]
