"""The claims state machine: valid and invalid actions by many parties, every declared
invariant (C1..C9, settlement S1/S2, ...) checked after every step, and a plain model
beside the ledger predicting each tx's outcome and every household's money. The test
(with attackers) is test_claims_stateful.py; the steered reach check
test_claims_coverage.py.

Parties: the policy's insurer and a second insurer (its adjuster must be refused),
coop-q's manager and households h001..h004 (h004 is not on the indemnity policy), the
three government levels paying from their budget programmes (paying each other's
premium shares must be refused), a mediator freezing claims, a bank holding h003's
pledge loan (loss payee), and a member that gets revoked. C11..C17 moves: losses dated
before activation, across UTC midnight (one Beijing day) and past the limitation
period; reused evidence; a second cover of p1's plots; the season's end (expiry, a
jump of up to two years, closing) and cancellation of pending policies. The model's
records and p1's figures are in claims_model.py; ``drive`` (claims_driving.py) pushes
one claim a valid step further so runs reach PAID households and index payouts;
``test_claims_coverage.py`` steers a subclass along every path of the claim
table (and past the limitation period) and checks that runs get there.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

from claims_driving import ClaimDriving
from claims_model import (
    BEIJING,
    H1,
    H2,
    H3,
    H4,
    HOUSEHOLD_SI,
    LOAN,
    LOSS_TIMES,
    P1_COVERS,
    PERIOD_END,
    PERSONAL,
    RETENTION,
    TEA_WINDOW,
    MClaim,
    MHousehold,
    advance_limit,
    any_open,
    model_payout,
)
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    initialize,
    precondition,
    rule,
)
from test_claims_kit import (
    CNY,
    FINANCE,
    LOSS_PROGRAMME,
    PROGRAMMES,
    STAND_INS,
    START,
    Flow,
    claims_config,
    claims_orgs,
    cover,
    evidence,
    fund,
)

from contracts.builtin.claims.payout import share_losses
from contracts.genesis import ContractConfig
from contracts.testing import ContractMachine
from ledger.block import TxResult
from ledger.timefmt import format_time, parse_time


class ClaimsMachine(ClaimDriving, ContractMachine):
    orgs = claims_orgs(farmers=4)
    contracts: ClassVar[Sequence[str | ContractConfig]] = (
        "membership", "settlement", "registry", "warehouse_receipt", "disputes", claims_config(),
    )
    classes = STAND_INS
    start = START

    claims = Bundle("claims")
    pending = Bundle("pending_policies")

    def __init__(self) -> None:
        super().__init__()
        self.flow = Flow(self.ledger)
        self.model: dict[str, MClaim] = {}
        self.events: set[str] = set()
        self.paid: Counter[str] = Counter()
        self.debt = LOAN
        self.revoked: set[str] = set()
        self.frozen: set[str] = set()
        self.breaches: set[tuple[str, str, str | None]] = set()
        self.tea_triggered = False
        self.book_premium = 0
        self.book_paid = 0
        self.settled = 0
        self.shares: dict[str, set[str]] = {}
        self.cancelled: set[str] = set()
        self.evidence: dict[str, tuple[str, str | None]] = {}
        self.p1_state = "ACTIVE"
        self.serial = 0
        self.declared_days: set[str] = set()
        self.purged = False

    # -- plumbing ------------------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        return self.ledger.clock

    def posting(self) -> bool:
        """Some claim's loss list is posted right now (the season's end waits for it)."""
        return any(c.state == "PUBLICISED" and c.publicity_ends is not None
                   and self.now < c.publicity_ends for c in self.model.values())

    @property
    def fiscal_2026(self) -> bool:
        """The budget programmes are for fiscal 2026 (C17): after the leap they pay nothing."""
        return self.now.astimezone(BEIJING).year == 2026

    def next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def expect(self, result: TxResult, ok: bool, signer: str = "") -> bool:
        if signer in self.revoked:
            ok = False
            assert result.code == "SIGNER_REVOKED", result.code
        assert result.committed == ok, (
            f"model expected {'commit' if ok else 'rejection'}, got "
            f"{result.code}: {result.message}"
        )
        return ok

    def submit(self, signer: str, action: str, *, ok: bool, co_signers: tuple[str, ...] = (),
               **args: object) -> bool:
        result = self.ledger.submit(signer, "claims", action, co_signers=co_signers, **args)
        return self.expect(result, ok, signer)

    @initialize(target=claims)
    def set_up(self) -> str:
        fund(self.ledger)
        self.ledger.submit("bank-a.officer", "warehouse_receipt", "open_loan",
                           loan_id="loan-1", outstanding=LOAN)
        self.flow.enrol("p1", [
            cover(H1, 10), cover(H2, 10, planted_mu=20, personal=PERSONAL),
            cover(H3, 10, loss_payee={"kind": "warehouse_receipt", "ref": "loan-1"}),
        ])
        self.flow.activate("p1")
        self.cover_from = parse_time(self.flow.policy("p1")["activated_at"])
        self.flow.enrol("tea", [cover(H4, 10)], crop="tea", perils=["frost"], book="tea-2026",
                        sum_insured_per_mu=2_000 * CNY, premium_per_mu=60 * CNY,
                        index={"station": "st-x", "metric": "tmin_dc",
                               "direction": "at_or_below", "threshold": -10,
                               "window_start": TEA_WINDOW[0], "window_end": TEA_WINDOW[1],
                               "payout_bp": 5_000})
        self.flow.activate("tea")
        self.book_premium = 450 * CNY  # 30 mu x 15 CNY
        self.ledger.advance(days=30)
        return self.report("coop-q.manager", "typhoon")

    # -- time, membership, disputes ------------------------------------------------------

    @rule(hours=st.integers(1, 96))
    def advance(self, hours: int) -> None:
        self.ledger.advance(hours=hours)

    @rule(member=st.sampled_from([H1, H2, "insurer-b.adjuster"]))
    def revoke(self, member: str) -> None:
        org = member.split(".")[0]
        result = self.ledger.submit(f"{org}.admin", "membership", "revoke", member_id=member)
        self.expect(result, member not in self.revoked)
        self.revoked.add(member)

    @rule(claim=claims, freeze=st.booleans())
    def dispute(self, claim: str, freeze: bool) -> None:
        action = "freeze" if freeze else "thaw"
        result = self.ledger.submit("gov.mediator", "disputes", action, asset=f"claim:{claim}")
        self.expect(result, True)
        (self.frozen.add if freeze else self.frozen.discard)(claim)

    # -- premium shares ------------------------------------------------------------------

    @rule(target=pending)
    def enrol_and_publicise(self) -> str:
        policy_id = self.next_id("pp")
        self.flow.enrol(policy_id, [cover(H1, 2)], book="extra", crop=policy_id)
        self.submit("insurer.underwriter", "underwrite", ok=True, policy_id=policy_id)
        self.ledger.advance(days=3)
        self.submit("coop-q.manager", "publicise_underwriting", ok=True, policy_id=policy_id)
        self.shares[policy_id] = set()
        return policy_id

    @rule(policy=pending, level=st.sampled_from(["central", "province", "county", "farmer"]),
          payer=st.sampled_from(["central", "province", "county", "farmer"]))
    def pay_share(self, policy: str, level: str, payer: str) -> None:
        signer = "coop-q.manager" if payer == "farmer" else FINANCE[payer]
        paid = self.shares[policy]
        ok = (level == payer and level not in paid and len(paid) < 4
              and policy not in self.cancelled and (payer == "farmer" or self.fiscal_2026))
        programme = {} if payer == "farmer" else {"programme": PROGRAMMES[payer]}
        if self.submit(signer, "pay_premium_share", ok=ok, policy_id=policy, level=level,
                       **programme):
            paid.add(level)

    @rule(policy=pending, cosigned=st.booleans())
    def cancel(self, policy: str, cosigned: bool) -> None:
        """C15: insurer and cooperative cancel; each payer gets its share back (before the
        period starts: in full) -- checked by C15/C17 and the settlement invariants."""
        co = ("coop-q.manager",) if cosigned else ()
        ok = cosigned and policy not in self.cancelled
        before = self.ledger.balance("coop-q")
        if self.submit("insurer.underwriter", "cancel_policy", ok=ok, co_signers=co,
                       policy_id=policy):
            self.cancelled.add(policy)
            refund = self.flow.policy(policy)["refunds"].get("farmer", 0)
            assert self.ledger.balance("coop-q") - before == refund

    @rule(other_insurer=st.booleans(), declared=st.booleans())
    def second_cover(self, other_insurer: bool, declared: bool) -> None:
        """C12: h001's rice on p1 enrolled again for an overlapping period is refused
        (same insurer, or another insurer without a declared double insurance)."""
        if other_insurer and declared:
            return  # lawful double insurance: shown in test_claims_audit, not modelled here
        flow = Flow(self.ledger, insurer="insurer-b") if other_insurer else self.flow
        args = flow.enrol_args(self.next_id("dup"), [cover(H1, 10)], book=self.next_id("b"),
                               double_insurance=declared)
        result = self.ledger.submit("coop-q.manager", "claims", "enrol", **args)
        assert result.code == "DOUBLE_COVER", result.code

    # -- indemnity claims ----------------------------------------------------------------

    @rule(target=claims,
          reporter=st.sampled_from(["coop-q.manager", "coop-q.manager", H1, H3, "bank-a.officer"]),
          peril=st.sampled_from(["typhoon", "flood", "flood", "hail"]),
          when=st.sampled_from(LOSS_TIMES))
    def report(self, reporter: str, peril: str, when: str = "now") -> str:
        claim_id = self.next_id("c")
        if when in ("now", "a minute ago"):
            occurred = self.now - dt.timedelta(minutes=0 if when == "now" else 1)
        elif when.startswith("midnight"):  # either side of the last UTC midnight
            midnight = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
            occurred = midnight + dt.timedelta(minutes=int(when.removeprefix("midnight")))
        else:
            occurred = parse_time(when)
        local = occurred.astimezone(BEIJING)
        day = f"{peril}:{local.date()}"  # C13: one event per peril and Beijing day
        try:
            limit = local.replace(year=local.year + 2)
        except ValueError:
            limit = local.replace(year=local.year + 2, day=28)
        in_cover = self.cover_from <= occurred <= min(PERIOD_END, self.now)  # C11
        ok = (reporter != "bank-a.officer" and peril != "hail" and day not in self.events
              and in_cover and self.now <= limit and self.p1_state in ("ACTIVE", "EXPIRED"))
        if self.submit(reporter, "report_loss", ok=ok, claim_id=claim_id, policy_id="p1",
                       peril=peril, occurred_at=format_time(occurred)):
            self.events.add(day)
            self.model[claim_id] = MClaim("indemnity", "REPORTED", self.now,
                                          declared=day in self.declared_days)
        return claim_id

    @rule(peril=st.sampled_from(["typhoon", "flood"]), days_ago=st.integers(0, 3),
          declarer=st.sampled_from(["gov.agri", "gov.agri", "gov.met", "coop-q.manager"]))
    def declare(self, peril: str, days_ago: int, declarer: str) -> None:
        """Agriculture declares a one-day disaster (a Beijing day, ``days_ago`` back):
        its losses of ``peril`` are one event (C13) and may be advanced; meteorology or
        the cooperative declaring, or a second declaration of the day, is refused."""
        self.declare_day(peril, self.now - dt.timedelta(days=days_ago), declarer)

    def declare_day(self, peril: str, when: dt.datetime, declarer: str = "gov.agri") -> bool:
        """A declaration of ``peril`` for the Beijing day of ``when``: whether it commits."""
        local = when.astimezone(BEIJING)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + dt.timedelta(days=1, seconds=-1)
        day = f"{peril}:{local.date()}"
        ok = declarer == "gov.agri" and day not in self.declared_days  # one window a day
        if not self.submit(declarer, "declare_disaster", ok=ok, declaration_id=self.next_id("d"),
                           peril=peril, region="lishui", window_start=format_time(start),
                           window_end=format_time(end), severity=3):
            return False
        self.declared_days.add(day)
        return True

    @rule(target=claims, peril=st.sampled_from(["typhoon", "flood"]))
    def report_across_midnight(self, peril: str) -> str:
        """C13: a loss at 23:59Z and one at 00:01Z are the same Beijing morning: one event."""
        claim_id = self.report("coop-q.manager", peril, "midnight-1")
        self.report("coop-q.manager", peril, "midnight1")
        return claim_id

    # -- the season's end ----------------------------------------------------------------

    @precondition(lambda self: self.serial >= 15 and not self.posting())
    @rule(leap_days=st.sampled_from([0, 0, 400, 800]))
    def season_end(self, leap_days: int) -> None:
        """Late in a run: past the period end (and up to two years on), p1 expires."""
        self.ledger.clock = max(self.now, PERIOD_END + dt.timedelta(hours=1)) + dt.timedelta(
            days=leap_days)
        ok = self.p1_state == "ACTIVE"
        if self.submit("bank-b.officer", "expire_policy", ok=ok, policy_id="p1"):
            self.p1_state = "EXPIRED"
        self.report("coop-q.manager", "flood", "2026-04-01T00:00:00Z")  # late, maybe too late

    @rule(closer=st.sampled_from(["insurer.claims", "insurer-b.claims"]))
    def close(self, closer: str) -> None:
        open_claims = [k for k, c in self.model.items() if c.kind == "indemnity"
                       and c.state != "DECLINED" and (
                           c.state != "PUBLICISED" or any_open(c))]
        ok = closer == "insurer.claims" and self.p1_state == "EXPIRED" and not open_claims
        if self.submit(closer, "close_policy", ok=ok, policy_id="p1"):
            self.p1_state = "CLOSED"

    def _claim(self, claim_id: str) -> MClaim | None:
        return self.model.get(claim_id)

    def _survey_late(self, claim_id: str, c: MClaim) -> None:
        if self.now > c.reported + dt.timedelta(hours=24):
            self.breaches.add((claim_id, "survey", None))

    def _evidence(self, claim: str, household: str | None, reuse: bool) -> tuple[str, bool]:
        """This claim's (household's) own hash, or one already on the ledger (C16): whether
        the contract must accept it, and then bind it."""
        digest = evidence(claim, *([household] if household else []))[0]
        foreign = [d for d, o in sorted(self.evidence.items())
                   if o[0] != claim or (household is not None and o[1] not in (None, household))]
        if reuse and foreign:
            digest = foreign[self.serial % len(foreign)]
        owner = self.evidence.get(digest)
        fine = owner is None or (owner[0] == claim and (
            household is None or owner[1] in (None, household)))
        return digest, fine

    def _bind(self, digest: str, claim: str, household: str | None) -> None:
        owner = self.evidence.get(digest)
        if owner is None or owner[1] is None:
            self.evidence[digest] = (claim, household)

    @rule(claim=claims, adjuster=st.sampled_from(["insurer.adjuster", "insurer-b.adjuster"]),
          reuse=st.booleans())
    def survey(self, claim: str, adjuster: str, reuse: bool = False) -> None:
        c = self._claim(claim)
        digest, fine = self._evidence(claim, None, reuse)
        ok = c is not None and c.state == "REPORTED" and adjuster == "insurer.adjuster"
        if self.submit(adjuster, "survey", ok=ok and fine, claim_id=claim, evidence=[digest]):
            assert c is not None
            c.state = "SURVEYED"
            self._bind(digest, claim, None)
            self._survey_late(claim, c)

    @rule(claim=claims, reason=st.just("not covered by terms"))
    def decline(self, claim: str, reason: str) -> None:
        c = self._claim(claim)
        ok = c is not None and c.state in ("REPORTED", "SURVEYED")
        if self.submit("insurer.claims", "decline", ok=ok, claim_id=claim, reason=reason):
            assert c is not None
            if c.state == "REPORTED":
                self._survey_late(claim, c)
            c.state = "DECLINED"

    @rule(claim=claims, household=st.sampled_from([H1, H2, H3, H4]),
          loss=st.sampled_from([0, 2_999, 3_000, 5_000, 6_999, 7_000, 10_000]),
          area=st.integers(1, 2_200),
          adjuster=st.sampled_from(["insurer.adjuster", "insurer.adjuster", "insurer-b.adjuster"]),
          reuse=st.booleans())
    def assess(self, claim: str, household: str, loss: int, area: int, adjuster: str,
               reuse: bool = False) -> None:
        c = self._claim(claim)
        planted = P1_COVERS.get(household, (0, 0))[1]
        digest, fine = self._evidence(claim, household, reuse)
        ok = (c is not None and c.state in ("SURVEYED", "ASSESSED") and adjuster ==
              "insurer.adjuster" and household in P1_COVERS and area <= planted)
        previous = c.households.get(household) if c else None
        advanced = previous.advanced if previous else 0
        if ok:  # a new amount below what was advanced is refused
            formula = model_payout(loss, area, *P1_COVERS[household])
            ok = min(formula, HOUSEHOLD_SI - self.paid[household] + advanced) >= advanced
        if self.submit(adjuster, "assess_household", ok=ok and fine, claim_id=claim,
                       insured=household, loss_bp=loss, damaged_area=area, stage="tillering",
                       evidence=[digest]):
            assert c is not None
            self._bind(digest, claim, household)
            formula = model_payout(loss, area, *P1_COVERS[household])
            amount = min(formula, HOUSEHOLD_SI - self.paid[household] + advanced)
            c.households[household] = MHousehold("ASSESSED", amount, advanced=advanced)
            c.state = "ASSESSED"

    @rule(claim=claims, cosigned=st.booleans())
    def verify(self, claim: str, cosigned: bool) -> None:
        c = self._claim(claim)
        ok = cosigned and c is not None and c.state == "ASSESSED" and all(
            h.state != "OBJECTED" for h in c.households.values())
        co = ("coop-q.manager",) if cosigned else ()
        if self.submit("gov.agri", "verify", ok=ok, co_signers=co, claim_id=claim):
            assert c is not None
            c.state = "VERIFIED"

    @rule(claim=claims)
    def publicise(self, claim: str) -> None:
        c = self._claim(claim)
        ok = c is not None and c.state == "VERIFIED"
        if self.submit("insurer.claims", "publicise_claim", ok=ok, claim_id=claim):
            assert c is not None
            c.state = "PUBLICISED"
            c.publicity_ends = self.now + dt.timedelta(days=3)

    @rule(claim=claims, household=st.sampled_from([H1, H2, H3, H4]))
    def object(self, claim: str, household: str) -> None:
        c = self._claim(claim)
        ok = (c is not None and c.state == "PUBLICISED" and c.publicity_ends is not None
              and self.now < c.publicity_ends and household in P1_COVERS)
        if self.submit(household, "object", ok=ok, claim_id=claim, insured=household,
                       reason="my loss is higher"):
            assert c is not None
            c.households.setdefault(household, MHousehold("OBJECTED")).state = "OBJECTED"
            c.state = "ASSESSED"

    @rule(claim=claims, household=st.sampled_from([H1, H2, H3]), by_self=st.booleans())
    def sign(self, claim: str, household: str, by_self: bool) -> None:
        c = self._claim(claim)
        h = c.households.get(household) if c else None
        ok = (by_self and c is not None and c.state == "PUBLICISED" and h is not None
              and c.publicity_ends is not None and self.now >= c.publicity_ends
              and h.state == "ASSESSED")
        signer = household if by_self else "coop-q.manager"
        if self.submit(signer, "sign_agreement", ok=ok, claim_id=claim, insured=household):
            assert h is not None
            h.state = "AGREED"
            h.pay_due = self.now + dt.timedelta(days=10)

    @rule(claim=claims, household=st.sampled_from([H1, H2, H3, H4]),
          payer=st.sampled_from(["insurer.claims", "insurer.claims", "insurer-b.claims"]))
    def pay(self, claim: str, household: str, payer: str) -> None:
        c = self._claim(claim)
        h = c.households.get(household) if c else None
        ok = (payer == "insurer.claims" and c is not None and h is not None
              and h.state == "AGREED" and claim not in self.frozen and (
                  c.kind == "index" or (c.state == "PUBLICISED" and c.publicity_ends is not None
                                        and self.now >= c.publicity_ends)))
        si = 10_000 * 2_000 if household == H4 else HOUSEHOLD_SI
        before = self.ledger.balance(household)
        if not self.submit(payer, "pay", ok=ok, claim_id=claim, insured=household):
            return
        assert c is not None
        assert h is not None
        amount = min(h.amount - h.advanced, si - self.paid[household])
        self._disburse(household, amount, before)
        if h.advanced:
            self.note_label("advance: deducted from the final payment")
        if h.pay_due is not None and self.now > h.pay_due:
            self.breaches.add((claim, "payment", household))
        h.state = "PAID"

    def _disburse(self, household: str, amount: int, before: int) -> None:
        """``amount`` paid on ``household``'s cover: h003's lender first (loss payee)."""
        to_payee = min(amount, self.debt) if household == H3 else 0
        self.debt -= to_payee
        assert self.ledger.balance(household) - before == amount - to_payee
        self.paid[household] += amount
        if household != H4:
            self.book_paid += amount

    @rule(claim=claims, household=st.sampled_from([H1, H2, H3]),
          share=st.sampled_from(["1 fen", "half", "limit", "limit + 1"]),
          payer=st.sampled_from(["insurer.claims", "insurer.claims", "insurer-b.claims"]))
    def pay_in_advance(self, claim: str, household: str, share: str, payer: str) -> None:
        """Part of an assessed household's amount paid early, for a declared disaster
        only, up to half the amount in all; loss payee first, deducted at payment."""
        c = self._claim(claim)
        h = c.households.get(household) if c else None
        left = advance_limit(h) - h.advanced if h else 0
        amount = {"1 fen": 1, "half": max(1, left // 2), "limit": max(1, left),
                  "limit + 1": left + 1}[share]
        ok = (payer == "insurer.claims" and c is not None and c.declared and h is not None
              and c.state in ("ASSESSED", "VERIFIED", "PUBLICISED") and h.state == "ASSESSED"
              and amount <= left and claim not in self.frozen)
        before = self.ledger.balance(household)
        if self.submit(payer, "advance_pay", ok=ok, claim_id=claim, insured=household,
                       amount=amount):
            assert h is not None
            self._disburse(household, amount, before)
            h.advanced += amount
            if h.advanced == advance_limit(h):
                self.note_label("advance: at the limit")

    @rule(signer=st.sampled_from(["coop-q.manager", "coop-q.manager", "coop-a.manager",
                                  "insurer.underwriter", H2]),
          household=st.sampled_from([H1, H2, H2]))
    def purge(self, signer: str, household: str) -> None:
        """The cooperative purges h002's personal data once five years have passed since
        p1's period ended (h001 has none); the insurer, another cooperative or the
        household itself may not."""
        ok = (signer == "coop-q.manager" and household == H2 and not self.purged
              and self.now >= PERIOD_END + RETENTION)
        if self.submit(signer, "purge_personal", ok=ok, policy_id="p1", insured=household):
            self.purged = True
            stored = self.ledger.get("claims", f"cover/p1~{H2}")
            assert stored["personal"]["id_number"] == PERSONAL["id_number"]  # the hash stays

    @rule(claim=claims, kind=st.sampled_from(["survey", "payment"]),
          household=st.sampled_from([H1, H2, H3, H4]))
    def record_breach(self, claim: str, kind: str, household: str) -> None:
        c = self._claim(claim)
        key = (claim, kind, household if kind == "payment" else None)
        ok = False
        if c is not None and key not in self.breaches:
            if kind == "survey":
                ok = c.state == "REPORTED" and self.now > c.reported + dt.timedelta(hours=24)
            else:
                h = c.households.get(household)
                ok = h is not None and h.state == "AGREED" and h.pay_due is not None \
                    and self.now > h.pay_due
        if self.submit("bank-b.officer", "record_breach", ok=ok, claim_id=claim, kind=kind,
                       insured=household):
            self.breaches.add(key)
        assert len(self.ledger.view("claims", "breaches")) == len(self.breaches)

    # -- index and loss sharing ----------------------------------------------------------

    @rule(target=claims, value=st.integers(-20, 5), station=st.sampled_from(["st-x", "st-y"]))
    def attest_reading(self, value: int, station: str) -> str:
        reading = self.next_id("r")
        self.submit("gov.met", "attest_reading", ok=True, reading_id=reading, station=station,
                    metric="tmin_dc", observed_at=self.ledger.now, value=value)
        in_window = parse_time(TEA_WINDOW[0]) <= self.now <= parse_time(TEA_WINDOW[1])
        claim_id = f"index:{reading}:tea"
        if station == "st-x" and value <= -10 and in_window and not self.tea_triggered:
            self.tea_triggered = True
            amount = min(10_000 * CNY, 20_000 * CNY - self.paid[H4])
            self.model[claim_id] = MClaim("index", "TRIGGERED", self.now, households={
                H4: MHousehold("AGREED", amount, self.now + dt.timedelta(days=10))})
        return claim_id

    @rule()
    def settle(self) -> None:
        share = share_losses(self.book_premium, self.book_paid).government
        ok = share > self.settled and self.fiscal_2026
        before = self.ledger.balance("insurer")
        if self.submit("gov-province.finance", "settle_government_share", ok=ok,
                       book="2026-rice", programme=LOSS_PROGRAMME):
            assert self.ledger.balance("insurer") - before == share - self.settled
            self.settled = share
