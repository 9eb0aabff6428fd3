"""Every state and transition of the claims tables is reached, under the fixed seed.

``ClaimsMachine`` walks at random and its ``drive`` rules push the furthest claim on;
under ``contracts.reached.SEED`` its 40 runs never reported a loss past the limitation
period (C14), so the old deep-state check asserted a label its batch reached by a
fluke of ``derandomize``. ``SteeredClaimsMachine`` adds a rule that takes a fresh claim
along the next of a few paths in turn, every step through the machine's own checked
rules (its model, expected codes, breaches and balances): paid (surveyed or paid late,
a breach each), advanced for a declared disaster, a pending policy cancelled, objected
then reassessed and paid, declined, a loss reported a second after its limitation period
ends and one reported at it, and the season's close (every open claim taken to its end,
the policy closed, personal data purged at the five years). ``RecordsReached``
(contracts/reached.py) notes what each run reached; ``test_every_state_and_transition_
is_reached`` asserts each label of docs/domain.md 3.2 that the machine drives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from claims_machine import ClaimsMachine
from claims_model import BEIJING, H2, H3, PERIOD_END, RETENTION
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
PATHS = ("index", "pay", "advance", "cancel", "decline", "object", "limitation", "close")

WANTED = (
    # policy life (3.2): enrolled, underwritten, posted, active, expired, closed, cancelled
    "policy:new->APPLIED", "policy:APPLIED->UNDERWRITTEN",
    "policy:UNDERWRITTEN->PUBLICISED", "policy:PUBLICISED->ACTIVE",
    "policy:ACTIVE->EXPIRED", "policy:EXPIRED->CLOSED", "policy:PUBLICISED->CANCELLED",
    "closed with every claim settled", "rejected:CLAIMS_OPEN",
    # a declared disaster's advance (half the assessment, one fen over refused, deducted
    # at payment; a reassessment below it refused), and one disaster declared once
    "event:DisasterDeclared", "rejected:DECLARATION_OVERLAPS", "event:AdvancePaid",
    "rejected:ADVANCE_NOT_ALLOWED", "advance: at the limit",
    "advance: deducted from the final payment", "rejected:INVALID_ASSESSMENT",
    # personal data purged five years after the period, not a second before, once
    "event:PrivateDataPurged", "rejected:RETENTION_NOT_OVER", "rejected:NOTHING_TO_PURGE",
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
        """Four paths a call (runs call these rules a few times only): ``one_path``."""
        for _ in range(4):
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
        if path == "close":
            self.close_out()
            return
        if path == "cancel":  # a pending policy: the insurer alone may not, both may
            policy = self.enrol_and_publicise()
            self.cancel(policy, False)
            self.cancel(policy, True)
            return
        if path == "advance":
            self.advance_path(peril, loss)
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
        self.settle()  # the province's share of the book's losses (while fiscal 2026)

    @precondition(lambda self: not self.posting())
    @rule(peril=st.sampled_from(["typhoon", "flood"]), late=st.booleans(),
          loss=st.sampled_from([3_000, 5_000, 7_000]))
    def another_claim_path(self, peril: str, late: bool, loss: int) -> None:
        """``claim_path`` once more, so a run of 30 steps among 20 rules takes a few."""
        self.claim_path(peril, late, loss)

    def advance_path(self, peril: str, loss: int) -> None:
        """A loss on a free day that agriculture then declares (meteorology first: refused;
        a second declaration of the day: refused), surveyed and assessed for h003 at its
        full loss; an advance one fen over half the amount (refused), by another insurer
        (refused) and at exactly half; verified, posted, objected to; a reassessment
        below the advance (refused), one at ``loss``; posted again, signed and paid the
        rest."""
        occurred = self.free_loss_time(peril)
        if occurred is None or self.p1_state == "CLOSED":
            return
        self.declare_day(peril, occurred, "gov.met")
        if not self.declare_day(peril, occurred):
            return
        self.declare_day(peril, occurred)
        claim = self.report("coop-q.manager", peril, format_time(occurred))
        if claim not in self.model:
            return
        self.survey(claim, "insurer.adjuster")
        self.assess(claim, H3, 10_000, P1_AREA, "insurer.adjuster")
        for share, payer in (("limit + 1", "insurer.claims"), ("limit", "insurer-b.claims"),
                             ("limit", "insurer.claims")):
            self.pay_in_advance(claim, H3, share, payer)
        self.verify(claim, True)
        self.publicise(claim)
        self.object(claim, H3)
        self.assess(claim, H3, 3_000, P1_AREA // 2, "insurer.adjuster")  # below the advance
        self.assess(claim, H3, max(loss, 5_000), P1_AREA, "insurer.adjuster")
        self.verify(claim, True)
        self.publicise(claim)
        c = self.model[claim]
        assert c.publicity_ends is not None
        self.ledger.clock = max(self.now, c.publicity_ends)
        self.sign(claim, H3, True)
        self.pay(claim, H3, "insurer.claims")

    def close_out(self) -> None:
        """Once a run, at its end: p1 expires; closing it while a claim is open is refused;
        every claim still open is thawed and taken to its end (declined before assessment;
        else signed and paid), and another insurer and then p1's own insurer close it;
        then h002's personal data is purged a second before the five years after the
        period end (refused), by the insurer (refused), by the cooperative at the second
        they end, and once more (nothing to purge)."""
        if self.p1_state == "CLOSED" or self.posting():
            return
        if self.p1_state == "ACTIVE":
            self.season_end(0)  # (it also reports a late loss: taken to its end below)
        self.close("insurer.claims")  # refused while a claim is open
        for claim, c in list(self.model.items()):
            if c.kind != "indemnity":
                continue
            if claim in self.frozen:
                self.dispute(claim, False)
            if c.state in ("REPORTED", "SURVEYED"):
                self.decline(claim, "not covered by terms")
            for _ in range(8):
                if c.state == "DECLINED" or not self._step(claim, H3, 7_000):
                    break
        self.close("insurer-b.claims")
        self.close("insurer.claims")
        if self.p1_state == "CLOSED":
            self.note_label("closed with every claim settled")
        purgeable = PERIOD_END + RETENTION
        if self.now < purgeable:
            self.ledger.clock = purgeable - dt.timedelta(seconds=1)
            self.purge("coop-q.manager", H2)
            self.ledger.clock = purgeable
        for signer in ("insurer.underwriter", "coop-q.manager", "coop-q.manager"):
            self.purge(signer, H2)

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
