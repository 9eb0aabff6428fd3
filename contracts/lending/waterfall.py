"""The repayment waterfall: costs, then penalty interest, then interest, then principal.

Every payment to a lender, by the borrower, a buyer, an insurer or out of enforcement
proceeds, is split in this order; what exceeds the claim is the surplus, which goes
back to whoever the product says (the pledgor, the receivable holders). Each step
takes ``min(what is left, what is owed)``, so a part is never paid beyond what it
owes and the parts plus the surplus always equal the payment. After a write-off every
fen the lender receives is a recovery and reduces the written-off amount (L4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from contracts.lending.balance import LoanBalance

B = TypeVar("B", bound=LoanBalance)


@dataclass(frozen=True)
class Allocation:
    costs: int
    penalty: int
    interest: int
    principal: int
    surplus: int

    @property
    def to_lender(self) -> int:
        return self.costs + self.penalty + self.interest + self.principal

    def event_fields(self) -> dict[str, int]:
        """The parts as the products' ``LoanRepaid`` events carry them (one shape)."""
        return {"interest": self.interest, "principal": self.principal,
                "penalty": self.penalty, "costs": self.costs}


def allocate(loan: LoanBalance, amount: int) -> Allocation:
    """Split ``amount`` fen (>= 0) over what ``loan`` owes now, in waterfall order."""
    left = amount
    parts = []
    for owed in (loan.costs_due, loan.penalty_due, loan.interest_due, loan.principal_due):
        paid = min(left, max(0, owed))
        parts.append(paid)
        left -= paid
    costs, penalty, interest, principal = parts
    return Allocation(costs, penalty, interest, principal, left)


def apply_payment(loan: B, amount: int) -> tuple[B, Allocation]:
    """``loan`` after the lender receives ``amount`` fen, and how it was split."""
    split = allocate(loan, amount)
    recovery = min(split.to_lender, loan.written_off)
    return loan.model_copy(update={
        "costs_paid": loan.costs_paid + split.costs,
        "penalty_paid": loan.penalty_paid + split.penalty,
        "interest_paid": loan.interest_paid + split.interest,
        "principal_paid": loan.principal_paid + split.principal,
        "written_off": loan.written_off - recovery,
        "recovered": loan.recovered + recovery,
    }), split


def add_costs(loan: B, costs: int) -> B:
    """Costs the lender incurred for the borrower (enforcement, agreed fees) join the claim."""
    return loan.model_copy(update={"costs": loan.costs + costs})


def write_off(loan: B) -> B:
    """Book the whole remaining claim as the lender's loss; the borrower still owes it (L4)."""
    return loan.model_copy(update={"written_off": loan.claim})
