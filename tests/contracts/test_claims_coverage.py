"""Every state and transition of the claims tables is reached, under the fixed seed.

``ClaimsMachine`` walks at random and its ``drive`` rules push the furthest claim on;
under ``contracts.reached.SEED`` its 40 runs never reported a loss past the limitation
period (C14), so the old deep-state check asserted a label its batch reached by a
fluke of ``derandomize``. ``SteeredClaimsMachine`` adds a rule that takes a fresh claim
along the next of a few paths in turn, every step through the machine's own checked
rules (its model, expected codes, breaches and balances): paid (surveyed or paid late,
a breach each), objected then reassessed and paid, declined, and a loss reported a
second after its limitation period ends and one reported at it. ``RecordsReached``
(contracts/reached.py) notes what each run reached; ``test_every_state_and_transition_
is_reached`` asserts each label of docs/domain.md 3.2 that the machine drives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from claims_machine import BEIJING, H3, PERIOD_END, ClaimsMachine
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from test_claims_kit import MU

from contracts.builtin.claims.clock import years_later
from contracts.reached import SteeredMachine, assert_reached
from ledger.block import TxResult
from ledger.timefmt import format_time, parse_time

RUNS = 40
STEPS = 30
MIN_RUNS = 3
PATHS = ("index", "pay", "decline", "object", "limitation")

WANTED = (
    # policy life (3.2): enrolled, underwritten, posted, active, expired, closed, cancelled
    "policy:new->APPLIED", "policy:APPLIED->UNDERWRITTEN",
    "policy:UNDERWRITTEN->PUBLICISED", "policy:PUBLICISED->ACTIVE",
    "policy:ACTIVE->EXPIRED", "policy:PUBLICISED->CANCELLED",
    "claim:new->TRIGGERED",
    # claim life: every edge of the claim table the machine drives
    "claim:new->REPORTED", "claim:REPORTED->SURVEYED", "claim:SURVEYED->ASSESSED",
    "claim:ASSESSED->VERIFIED", "claim:VERIFIED->PUBLICISED", "claim:PUBLICISED->ASSESSED",
    "claim:REPORTED->DECLINED", "claim:SURVEYED->DECLINED",
    "event:AgreementSigned", "event:ClaimPaid", "event:DeadlineBreached",
    "event:ClaimObjected", "event:IndexTriggered",
    "event:GovernmentShareSettled",
    # the guards at their edges: C14 limitation (a second late), C13 one claim per
    # event, C12 double cover, C16 evidence used once, C3 posting not over / closed
    "rejected:LIMITATION_EXPIRED", "limitation: reported at the last second",
    "rejected:DUPLICATE_CLAIM", "rejected:DOUBLE_COVER", "rejected:EVIDENCE_REUSED",
    "rejected:PUBLICITY_NOT_OVER", "rejected:OBJECTION_WINDOW_CLOSED",
    "paid to the loss payee",
)


class SteeredClaimsMachine(SteeredMachine, ClaimsMachine):
    """The machine plus a rule that takes a fresh claim to the end of a path."""

    def __init__(self) -> None:
        super().__init__()
        self.limitation_done = False

    def result_labels(self, result: TxResult) -> Iterable[str]:
        for event in result.events:
            if event["type"] == "ClaimPaid" and event["data"].get("to_payee", 0) > 0:
                yield "paid to the loss payee"

    def free_loss_time(self, peril: str) -> dt.datetime | None:
        """Noon (Beijing) of the latest day in cover with no ``peril`` event yet (C13)."""
        day = min(self.now, PERIOD_END).astimezone(BEIJING).replace(
            hour=12, minute=0, second=0, microsecond=0)
        while day.astimezone(dt.UTC) >= self.cover_from:
            if f"{peril}:{day.date()}" not in self.events and day <= self.now:
                return day.astimezone(dt.UTC)
            day -= dt.timedelta(days=1)
        return None

    def fresh_claim(self, peril: str) -> str | None:
        occurred = self.free_loss_time(peril)
        if occurred is None or self.p1_state == "CLOSED":
            return None
        claim = self.report("coop-q.manager", peril, format_time(occurred))
        return claim if claim in self.model else None

    @precondition(lambda self: not self.posting())
    @rule(peril=st.sampled_from(["typhoon", "flood"]), late=st.booleans(),
          loss=st.sampled_from([3_000, 5_000, 7_000]))
    def claim_path(self, peril: str, late: bool, loss: int) -> None:
        """Two paths a call (runs call these rules a few times only): ``one_path``."""
        for _ in range(2):
            self.one_path(peril, late, loss)

    def one_path(self, peril: str, late: bool, loss: int) -> None:
        """A fresh claim (a loss on a free day in cover) goes along the next of
        ``PATHS``: surveyed (a day late, or in time), assessed for h003 (the loss
        payee's borrower), verified, posted, signed after the posting and paid (late, or
        in time); objected during the posting, reassessed and then paid; declined
        before its survey and another after it; a loss reported a second after its limitation
        period ended (refused) and one a second younger, at its last second (once a
        run: it moves the clock two years on; p1 then expires); the tea policy's index
        at and a tenth of a degree above its threshold, and its payout."""
        if self.posting():
            return
        path = self.next_path(PATHS)
        if path == "limitation":
            self.limitation(peril)
            return
        if path == "index":
            self.index()
            return
        claim = self.fresh_claim(peril)
        if claim is None:
            return
        if path == "decline":
            self.decline(claim, "not covered by terms")
            claim = self.fresh_claim(peril)
            if claim is not None:
                self.survey(claim, "insurer.adjuster")
                self.decline(claim, "not covered by terms")
            return
        if late:
            self.ledger.advance(hours=25)
        self.survey(claim, "insurer.adjuster")
        self.assess(claim, H3, loss, P1_AREA, "insurer.adjuster", reuse=True)  # C16
        self.assess(claim, H3, loss, P1_AREA, "insurer.adjuster")
        self.verify(claim, True)
        self.publicise(claim)
        c = self.model[claim]
        if path == "object":
            self.object(claim, H3)
            self.assess(claim, H3, loss, P1_AREA, "insurer.adjuster")
            self.verify(claim, True)
            self.publicise(claim)
        self.sign(claim, H3, True)  # too early: the posting is not over
        assert c.publicity_ends is not None
        self.ledger.clock = max(self.now, c.publicity_ends)
        self.object(claim, H3)  # too late: the posting is over
        self.sign(claim, H3, True)
        if late:
            self.ledger.advance(days=11)
        self.pay(claim, H3, "insurer.claims")

    @precondition(lambda self: not self.posting())
    @rule(peril=st.sampled_from(["typhoon", "flood"]), late=st.booleans(),
          loss=st.sampled_from([3_000, 5_000, 7_000]))
    def another_claim_path(self, peril: str, late: bool, loss: int) -> None:
        """``claim_path`` once more, so a run of 30 steps among 20 rules takes a few."""
        self.claim_path(peril, late, loss)

    def index(self) -> None:
        """A reading one tenth of a degree above the tea policy's threshold (no trigger),
        then one at it (triggered, inside the window), and the index claim paid."""
        self.attest_reading(-9, "st-x")
        claim = self.attest_reading(-10, "st-x")
        if claim in self.model:
            self.pay(claim, "coop-q.h004", "insurer.claims")

    def limitation(self, peril: str) -> None:
        if self.limitation_done:
            return
        occurred = self.free_loss_time(peril)
        if occurred is None or self.p1_state == "CLOSED":
            return
        limit = parse_time(years_later(format_time(occurred), 2, "Asia/Shanghai"))
        if limit + dt.timedelta(seconds=1) < self.now:
            return
        self.limitation_done = True
        self.ledger.clock = limit + dt.timedelta(seconds=1)
        self.report("coop-q.manager", peril, format_time(occurred))
        younger = occurred + dt.timedelta(seconds=1)
        if self.report("coop-q.manager", peril, format_time(younger)) in self.model:
            self.note_label("limitation: reported at the last second")
        if not self.posting():
            self.season_end(0)  # p1's period is long over: it expires

P1_AREA = 10 * MU


@pytest.mark.usefixtures("module_independent_draws")
def test_every_state_and_transition_is_reached() -> None:
    assert_reached(SteeredClaimsMachine, WANTED, runs=RUNS, steps=STEPS, at_least=MIN_RUNS)
