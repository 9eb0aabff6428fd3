"""Loan servicing: accrue interest, take the interest subsidy, apply a repayment.

Each function takes a Loan and returns the updated one; the caller stores it. Money
moves only through ``ctx.transfer`` and the credit contract's ``apply_interest_subsidy``,
which pays the bank from the government's budget escrow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.builtin.credit_loans.interest import interest_for, whole_days
from contracts.builtin.credit_loans.records import Loan, LoanStatus
from contracts.context import Context, ReadContext
from ledger.timefmt import format_time, parse_time

PRODUCT = "credit_loans"


def accrued(loan: Loan, now: dt.datetime) -> Loan:
    """The loan with interest accrued on its unpaid principal to ``now`` (whole days)."""
    if loan.status is not LoanStatus.ACTIVE or loan.accrued_through is None:
        return loan
    since = parse_time(loan.accrued_through)
    days = whole_days(since, now)
    if days == 0:
        return loan
    interest = interest_for(loan.principal_due, loan.rate_bp, days)
    return loan.model_copy(update={
        "interest_accrued": loan.interest_accrued + interest,
        "accrued_through": format_time(since + dt.timedelta(days=days)),
    })


def accrued_now(ctx: ReadContext, loan: Loan) -> Loan:
    return accrued(loan, ctx.now)


def take_subsidy(ctx: Context, loan: Loan) -> Loan:
    """Offer all unpaid interest to the credit contract's subsidy programmes (if enabled).

    The subsidy is paid by credit straight to the bank; it is clamped to the interest due,
    so a misbehaving programme can never reduce principal.
    """
    if loan.interest_due <= 0 or not ctx.has_contract("credit"):
        return loan
    paid = ctx.invoke(
        "credit", "apply_interest_subsidy", loan_id=loan.loan_id, borrower=loan.borrower,
        lender=loan.bank, product=PRODUCT, interest=loan.interest_due, rate_bp=loan.rate_bp,
    )
    subsidy = max(0, min(int(paid), loan.interest_due))
    return loan.model_copy(update={"subsidy_paid": loan.subsidy_paid + subsidy})


@dataclass(frozen=True)
class Split:
    """How a repayment divides: interest first, then principal."""

    interest: int
    principal: int


def split(amount: int, interest_due: int, principal_due: int) -> Split:
    to_interest = min(amount, interest_due)
    return Split(to_interest, min(amount - to_interest, principal_due))
