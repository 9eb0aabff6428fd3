"""The loan balance: what a borrower owes a lender and what has been paid, in fen.

Every loan product's loan record extends ``LoanBalance``, so principal, interest,
penalty interest, costs, subsidy and write-off are kept one way and serviced by the
functions of this package. Amounts are never netted: what accrued and what was paid
are kept apart, so ``paid <= accrued`` is checkable for every part.

A write-off (L4) is the lender's accounting loss, not a release: ``written_off`` is the
claim written off, the claim itself stays (``claim``), and later recoveries reduce the
written-off amount (``recovered``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from contracts.lending.daycount import DayCount
from contracts.records import Record

DEFAULT_PENALTY_SHARE_BP = 5_000
"""Penalty interest is the contract rate plus this share of it (PBoC: 30-50 %)."""

PenaltyShareBp = Annotated[int, Field(ge=3_000, le=5_000)]
"""A product's penalty-share parameter: 30-50 % of the contract rate (L2)."""


class LoanBalance(Record):
    """Balance fields shared by every loan product; subclasses add their product's fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    principal: int = 0
    """Principal disbursed."""
    rate_bp: int = 0
    """Contract rate a year, in basis points."""
    day_count: DayCount = DayCount.ACT_365F
    penalty_share_bp: Annotated[int, Field(ge=0, le=10_000)] = DEFAULT_PENALTY_SHARE_BP
    accrued_to: str | None = None
    """The accrual point: disbursement time plus the whole days accrued so far."""
    due_at: str | None = None
    """When the principal falls due; grid days from then on accrue penalty interest."""
    principal_paid: int = 0
    interest_accrued: int = 0
    interest_carry: int = 0
    interest_paid: int = 0
    subsidy_paid: int = 0
    """Interest paid by a government subsidy programme instead of the borrower."""
    penalty_accrued: int = 0
    penalty_carry: int = 0
    penalty_paid: int = 0
    costs: int = 0
    """Fees and enforcement costs the borrower owes the lender."""
    costs_paid: int = 0
    written_off: int = 0
    """Claim the lender wrote off as a loss, less later recoveries (still owed)."""
    recovered: int = 0
    """Paid after the write-off (each fen also reduced ``written_off``)."""

    @property
    def principal_due(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_due(self) -> int:
        return self.interest_accrued - self.interest_paid - self.subsidy_paid

    @property
    def penalty_due(self) -> int:
        return self.penalty_accrued - self.penalty_paid

    @property
    def costs_due(self) -> int:
        return self.costs - self.costs_paid

    @property
    def claim(self) -> int:
        """Everything the borrower owes now; a write-off does not reduce it."""
        return self.costs_due + self.penalty_due + self.interest_due + self.principal_due

    @property
    def interest_charged(self) -> int:
        """Contract-rate and penalty interest booked over the loan's life."""
        return self.interest_accrued + self.penalty_accrued


def balance_problems(balance: LoanBalance) -> list[str]:
    """What breaks the balance's own rules: no part overpaid, write-off within the claim."""
    problems = []
    parts = {
        "principal": (balance.principal_paid, balance.principal),
        "interest": (balance.interest_paid + balance.subsidy_paid, balance.interest_accrued),
        "penalty": (balance.penalty_paid, balance.penalty_accrued),
        "costs": (balance.costs_paid, balance.costs),
    }
    for name, (paid, due) in parts.items():
        if not 0 <= paid <= due:
            problems.append(f"{name} paid {paid} outside 0..{due}")
    if not 0 <= balance.written_off <= balance.claim:
        problems.append(f"written off {balance.written_off} outside 0..claim {balance.claim}")
    if balance.recovered < 0:
        problems.append(f"recovered {balance.recovered} < 0")
    return problems
