"""Stateful property test of credit-line loans against a plain model.

Many parties act: the rating office, two banks' officers (granting their own and each
other's applications), a risk officer, three platform merchants (one of whom may be
revoked) and a cooperative borrowing as an organisation. Invalid actions are mixed in on
purpose: grants over the line, stacking a second bank's loan on a full line, the wrong
bank, a revoked member, rates under the tier's price, over-long tenors, over-payments,
defaults before maturity. After every step the contract's declared invariants (L1-L4),
credit's and settlement's are checked, and every loan is compared with the model.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from test_credit_loans_kit import (
    BANKS,
    BORROWERS,
    BP,
    CONTRACTS,
    DOWNGRADE,
    LINE,
    OFFICERS,
    SHARE_BP,
    TIERS,
    priced,
    rate,
    set_up,
)
from test_credit_loans_kit import ORGS as KIT_ORGS

from contracts.testing import ContractMachine, OrgSpec, with_node_keys
from ledger.timefmt import parse_time

BUDGET = 300_000  # small, so the subsidy budget runs out during a run
MAX_TENOR = 365
MEMBERS = ["plat.m1", "plat.m2", "plat.m3"]
REVOCABLE = "plat.m3"
RARELY = st.sampled_from([False, False, False, True])
DAY = dt.timedelta(days=1)
# Attackers only: a coop's farmer and admin (the admin may borrow for the coop), revoked
# members of the lender and of the borrowing coop; every org gets its node key.
ATTACKERS = {"bank-a": (("old", "loan_officer"),),
             "coop-a": (("admin", "admin"), ("farmer", "farmer"), ("old", "manager"))}
ORGS = with_node_keys(
    OrgSpec(o.id, o.type, (*o.members, *ATTACKERS.get(o.id, ()))) for o in KIT_ORGS
)


@dataclass
class LoanModel:
    """A loan as plain arithmetic: exact numerators summed, floored once (not the core's
    carry), so the chain's accrual is checked against an independent formula."""

    borrower: str
    bank: str
    applied: int
    tenor: int
    status: str = "APPLIED"
    principal: int = 0
    rate_bp: int = 0
    maturity: dt.datetime | None = None
    accrued_through: dt.datetime | None = None
    interest_num: int = 0
    penalty_num: int = 0
    interest_paid: int = 0
    subsidy_paid: int = 0
    penalty_paid: int = 0
    principal_paid: int = 0
    written_off: int = 0
    recovered: int = 0

    @property
    def principal_due(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_accrued(self) -> int:
        return self.interest_num // (BP * 365)

    @property
    def penalty_accrued(self) -> int:
        return self.penalty_num // (BP * BP * 365)

    @property
    def interest_due(self) -> int:
        return self.interest_accrued - self.interest_paid - self.subsidy_paid

    @property
    def claim(self) -> int:
        return self.penalty_accrued - self.penalty_paid + self.interest_due + self.principal_due

    def accrue(self, now: dt.datetime) -> None:
        """Contract rate for days that begin before maturity, 1.5 x the rate after (L2)."""
        assert self.accrued_through is not None
        assert self.maturity is not None
        days = max(0, (now - self.accrued_through) // DAY)
        before = max(0, math.ceil((self.maturity - self.accrued_through) / DAY))
        normal = min(days, before)
        self.interest_num += self.principal_due * self.rate_bp * normal
        self.penalty_num += self.principal_due * self.rate_bp * 15_000 * (days - normal)
        self.accrued_through += days * DAY

    def pay(self, amount: int) -> int:
        """Penalty, interest, principal; returns the principal part."""
        penalty = min(amount, self.penalty_accrued - self.penalty_paid)
        interest = min(amount - penalty, self.interest_due)
        principal = amount - penalty - interest
        self.penalty_paid += penalty
        self.interest_paid += interest
        self.principal_paid += principal
        recovery = min(amount, self.written_off)
        self.written_off -= recovery
        self.recovered += recovery
        return principal


class CreditLoansMachine(ContractMachine):
    orgs = ORGS
    contracts = CONTRACTS
    revoked_members = ("bank-a.old", "coop-a.old")

    loans = Bundle("loans")  # every application
    granted = Bundle("granted")  # applications that were granted (active, closed, defaulted)

    def __init__(self) -> None:
        super().__init__()
        set_up(self.ledger, programme=True, budget=BUDGET, borrower_fen=10**9)
        self.tiers: dict[str, str] = {}
        self.in_default: set[str] = set()
        self.revoked: set[str] = set()
        self.model: dict[str, LoanModel] = {}
        self.subsidy_left = BUDGET

    # -- helpers ------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return parse_time(self.ledger.now)

    def tier(self, borrower: str) -> str:
        return self.tiers.get(borrower, "unrated")

    def open_principal(self, borrower: str) -> int:
        return sum(
            m.principal_due for m in self.model.values()
            if m.borrower == borrower and m.status == "ACTIVE"
        )

    def subsidised(self, borrower: str) -> bool:
        """Programme kinds are merchant and cooperative: an unrated member is a household."""
        return borrower in self.tiers or "." not in borrower

    def expect(self, result: Any, code: str | None) -> None:
        got = None if result.committed else result.code
        assert got == code, f"expected {code}, got {got}: {result.message}"

    def tx(self, signer: str, action: str, code: str | None, other: str,
           **args: Any) -> Any:
        """Run the tx; first, if the model says it commits, every impostor of ``signer``
        tries it (``other`` is the other side of the loan) and must be refused."""
        if code is None:
            entitled = {"coop-a.mgr": ["coop-a.admin"]}.get(signer, [])
            if action == "default":  # the lender's risk officer may also write it off
                entitled = [f"{signer.split('.')[0]}.officer", "bank-a.risk"]
            self.attack(signer, "credit_loans", action, args, counterparty=[other],
                        entitled=entitled)
        return self.run(signer, "credit_loans", action, **args)

    # -- ratings, time, membership --------------------------------------------------------

    @initialize(tiers=st.lists(st.sampled_from(TIERS[:4]), min_size=4, max_size=4))
    def rate_everyone(self, tiers: list[str]) -> None:
        for borrower, tier in zip(sorted(BORROWERS), tiers, strict=True):
            self.attest(borrower, tier)

    @rule(borrower=st.sampled_from(sorted(BORROWERS)), tier=st.sampled_from(TIERS))
    def attest(self, borrower: str, tier: str) -> None:
        self.expect(rate(self.ledger, borrower, tier), None)
        self.tiers[borrower] = tier
        self.in_default.discard(borrower)

    @rule(days=st.integers(0, 120), hours=st.integers(0, 23))
    def advance(self, days: int, hours: int) -> None:
        self.ledger.advance(days=days, hours=hours)

    @precondition(lambda self: not self.revoked)
    @rule()
    def revoke(self) -> None:
        """The platform revokes one merchant; its loans can then only default."""
        self.expect(self.run("plat.admin", "membership", "revoke", member_id=REVOCABLE), None)
        self.revoked.add(REVOCABLE)

    # -- application ----------------------------------------------------------------------

    @rule(
        target=loans,
        borrower=st.sampled_from(sorted(BORROWERS)),
        bank=st.sampled_from(BANKS),
        amount=st.one_of(st.integers(1, 3_000_000), st.integers(1, 5)),
        tenor=st.one_of(st.integers(1, 60), st.integers(1, MAX_TENOR),
                        st.integers(MAX_TENOR + 1, 400)),
        impostor=RARELY,
    )
    def apply(self, borrower: str, bank: str, amount: int, tenor: int, impostor: bool) -> Any:
        if amount <= 5:  # quarters of the borrower's line: two at two banks can overdraw it
            amount = max(1, LINE[self.tier(borrower)] * amount // 4)
        loan_id = self.submit_application(borrower, bank, amount, tenor, impostor)
        return multiple() if loan_id is None else loan_id

    def submit_application(
        self, borrower: str, bank: str, amount: int, tenor: int, impostor: bool
    ) -> str | None:
        signer = BORROWERS[borrower]
        if impostor:
            signer = next(m for m in MEMBERS if m != borrower and m != signer)
        if signer in self.revoked:
            code: str | None = "SIGNER_REVOKED"
        elif impostor:
            code = "UNAUTHORIZED"
        elif tenor > MAX_TENOR:
            code = "TENOR_TOO_LONG"
        else:
            code = None
        result = self.tx(signer, "apply", code, OFFICERS[bank], borrower=borrower, bank=bank,
                         amount=amount, tenor_days=tenor)
        self.expect(result, code)
        if code is not None:
            return None
        loan_id = next(e for e in result.events if e["type"] == "LoanApplied")["data"]["loan_id"]
        self.model[loan_id] = LoanModel(borrower, bank, amount, tenor)
        return str(loan_id)

    @rule(
        target=granted,
        loan_id=loans,
        wrong_bank=RARELY,
        rate_delta=st.one_of(st.integers(0, 200), st.integers(-60, -1)),
        share=st.sampled_from([None, 1, 2, 3]),
    )
    def grant(self, loan_id: str, wrong_bank: bool, rate_delta: int, share: int | None) -> Any:
        loan = self.model[loan_id]
        bank = next(b for b in BANKS if b != loan.bank) if wrong_bank else loan.bank
        tier = self.tier(loan.borrower)
        rate_bp = max(0, priced(tier) + rate_delta)
        amount = None if share is None else max(1, loan.applied * share // 2)
        args: dict[str, Any] = {"loan_id": loan_id, "rate_bp": rate_bp}
        if amount is not None:
            args["amount"] = amount
        amount = loan.applied if amount is None else amount
        if bank != loan.bank:
            code: str | None = "UNAUTHORIZED"
        elif loan.status != "APPLIED":
            code = "LOAN_STATE_INVALID"
        elif amount > loan.applied:
            code = "GRANT_EXCEEDS_APPLICATION"
        elif loan.borrower in self.revoked:
            code = "BORROWER_REVOKED"
        elif loan.borrower in self.in_default:
            code = "BORROWER_IN_DEFAULT"
        elif rate_bp < priced(tier):
            code = "RATE_BELOW_PRICING"
        elif self.open_principal(loan.borrower) + amount > LINE[tier]:
            code = "EXCEEDS_CREDIT_LINE"
        else:
            code = None
        result = self.tx(OFFICERS[bank], "grant", code, BORROWERS[loan.borrower], **args)
        self.expect(result, code)
        if code is not None:
            return multiple()
        now = self.now()
        loan.status, loan.principal, loan.rate_bp = "ACTIVE", amount, rate_bp
        loan.maturity = now + dt.timedelta(days=loan.tenor)
        loan.accrued_through = now
        return loan_id

    @rule(target=granted, loan_id=granted, over=st.integers(-1, 2))
    def stack_at_the_other_bank(self, loan_id: str, over: int) -> Any:
        """The borrower asks the other bank for the rest of its line, or a little more."""
        loan = self.model[loan_id]
        if loan.borrower in self.revoked:
            return multiple()
        other = next(b for b in BANKS if b != loan.bank)
        left = LINE[self.tier(loan.borrower)] - self.open_principal(loan.borrower)
        applied = self.submit_application(loan.borrower, other, max(1, left + over), 30, False)
        if applied is None:
            return multiple()
        return self.grant(applied, False, 0, None)

    @rule(loan_id=loans, wrong_bank=RARELY)
    def decline(self, loan_id: str, wrong_bank: bool) -> None:
        loan = self.model[loan_id]
        bank = next(b for b in BANKS if b != loan.bank) if wrong_bank else loan.bank
        if wrong_bank:
            code: str | None = "UNAUTHORIZED"
        elif loan.status != "APPLIED":
            code = "LOAN_STATE_INVALID"
        else:
            code = None
        result = self.tx(OFFICERS[bank], "decline", code, BORROWERS[loan.borrower],
                         loan_id=loan_id)
        self.expect(result, code)
        if code is None:
            loan.status = "DECLINED"

    # -- servicing ------------------------------------------------------------------------

    @rule(
        loan_id=granted,
        part=st.sampled_from(["all", "payoff", "half", "one", "over"]),
        impostor=RARELY,
    )
    def repay(self, loan_id: str, part: str, impostor: bool) -> None:
        loan = self.model[loan_id]
        signer = BORROWERS[loan.borrower]
        if impostor:
            signer = next(m for m in MEMBERS if m != signer and m != loan.borrower)
        before = copy.copy(loan)
        subsidy = 0
        if loan.status == "ACTIVE":
            loan.accrue(self.now())
            assert loan.maturity is not None
            if self.subsidised(loan.borrower) and self.now() <= loan.maturity:
                subsidy = min(loan.interest_due * SHARE_BP // BP, self.subsidy_left)
            loan.subsidy_paid += subsidy
        outstanding = loan.claim
        amount = {"all": outstanding, "payoff": outstanding, "half": outstanding // 2, "one": 1,
                  "over": outstanding + 1}[part]
        args: dict[str, Any] = {} if part == "payoff" else {"amount": max(1, amount)}
        if signer in self.revoked:
            code: str | None = "SIGNER_REVOKED"
        elif impostor:
            code = "UNAUTHORIZED"
        elif loan.status not in ("ACTIVE", "DEFAULTED"):
            code = "LOAN_STATE_INVALID"
        elif max(1, amount) > outstanding:
            code = "REPAYMENT_EXCEEDS_DEBT"
        else:
            code = None
        result = self.tx(signer, "repay", code, OFFICERS[loan.bank], loan_id=loan_id, **args)
        self.expect(result, code)
        if code is not None:
            self.model[loan_id] = before
            return
        self.subsidy_left -= subsidy
        loan.pay(max(1, amount))
        if loan.claim == 0:
            loan.status = "CLOSED"

    @rule(loan_id=granted, wrong_bank=RARELY, risk=st.booleans())
    def default(self, loan_id: str, wrong_bank: bool, risk: bool) -> None:
        loan = self.model[loan_id]
        bank = next(b for b in BANKS if b != loan.bank) if wrong_bank else loan.bank
        signer = "bank-a.risk" if bank == "bank-a" and risk else OFFICERS[bank]
        if signer.split(".")[0] != loan.bank:
            code: str | None = "UNAUTHORIZED"
        elif loan.status != "ACTIVE":
            code = "LOAN_STATE_INVALID"
        elif loan.maturity is not None and loan.maturity > self.now():
            code = "LOAN_NOT_DUE"
        else:
            code = None
        result = self.tx(signer, "default", code, BORROWERS[loan.borrower], loan_id=loan_id)
        self.expect(result, code)
        if code is None:
            loan.accrue(self.now())
            loan.written_off = loan.claim
            loan.status = "DEFAULTED"
            if loan.borrower in self.tiers:
                self.tiers[loan.borrower] = DOWNGRADE[self.tiers[loan.borrower]]
                self.in_default.add(loan.borrower)

    # -- comparison with the model ----------------------------------------------------------

    @invariant()
    def loans_match_the_model(self) -> None:
        for loan_id, model in self.model.items():
            raw = self.ledger.get("credit_loans", f"loan/{loan_id}")
            assert raw is not None
            fields = ("status", "principal", "principal_paid", "written_off", "recovered",
                      "interest_accrued", "interest_paid", "subsidy_paid", "penalty_accrued",
                      "penalty_paid")
            got = tuple(raw[name] for name in fields)
            want = tuple(getattr(model, name) for name in fields)
            assert got == want, f"{loan_id}: chain {got} != model {want}"
        for borrower in BORROWERS:
            raw = self.ledger.get("credit_loans", f"borrower/{borrower}")
            held = 0 if raw is None else raw["open_principal"]
            assert held == self.open_principal(borrower), borrower
            assert held <= max(LINE.values())


TestCreditLoans = CreditLoansMachine.TestCase
