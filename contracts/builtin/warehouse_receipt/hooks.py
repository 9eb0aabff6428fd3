"""Calls into the ``credit`` contract, made only when it is enabled on the chain.

- ``subsidised``: before the borrower pays interest on time, the government subsidy pays
  up to that much straight to the bank (the lending core's typed request; refused for an
  overdue or defaulted loan).
- ``record_default``: a default counts against the borrower's credit rating.
"""

from __future__ import annotations

from contracts.builtin.warehouse_receipt.records import Loan, LoanState
from contracts.context import Context
from contracts.lending import take_subsidy
from contracts.lending.operations import RECORD_DEFAULT, RecordDefaultArgs

PRODUCT = "warehouse_receipt"


def subsidised(ctx: Context, loan: Loan) -> Loan:
    """``loan`` after the programmes paid their share of the interest due to the bank."""
    loan, _ = take_subsidy(
        ctx, loan, loan_id=loan.loan_id, borrower=loan.borrower, lender=loan.bank,
        product=PRODUCT, term_days=max(1, loan.tenor_days),
        defaulted=loan.state is LoanState.DEFAULT,
    )
    return loan


def record_default(ctx: Context, loan: Loan) -> None:
    if ctx.has_contract(RECORD_DEFAULT.contract):
        ctx.invoke(RECORD_DEFAULT, RecordDefaultArgs(borrower=loan.borrower, loan_id=loan.loan_id))
