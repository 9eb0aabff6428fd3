"""Servicing of credit-line loans through the lending core (``contracts.lending``).

The product's rules are only which loans accrue (ACTIVE ones: a written-off loan is
on non-accrual, its claim stays what it was) and what it tells the subsidy call.
"""

from __future__ import annotations

from contracts.builtin.credit_loans.records import Loan, LoanStatus
from contracts.context import Context, ReadContext
from contracts.lending import SubsidyOutcome, accrue, take_subsidy

PRODUCT = "credit_loans"


def accrued_now(ctx: ReadContext, loan: Loan) -> Loan:
    """The loan with interest (and penalty past maturity) accrued to block time."""
    if loan.status is not LoanStatus.ACTIVE:
        return loan
    return accrue(loan, ctx.now)


def subsidised(ctx: Context, loan: Loan) -> tuple[Loan, SubsidyOutcome]:
    """Offer the interest due to the government's programmes (refused once overdue: L3)."""
    return take_subsidy(
        ctx, loan, loan_id=loan.loan_id, borrower=loan.borrower, lender=loan.bank,
        product=PRODUCT, term_days=loan.tenor_days,
        defaulted=loan.status is LoanStatus.DEFAULTED,
    )
