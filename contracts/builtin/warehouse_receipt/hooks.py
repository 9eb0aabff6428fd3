"""Calls into the ``credit`` contract, made only when it is enabled on the chain.

- ``interest_subsidy``: before the borrower pays interest, the government subsidy
  pays up to that much straight to the bank; we trust no more than ``interest``.
- ``record_default``: a default counts against the borrower's credit rating.
"""

from __future__ import annotations

from contracts.builtin.warehouse_receipt.records import Loan
from contracts.context import Context

PRODUCT = "warehouse_receipt"


def interest_subsidy(ctx: Context, loan: Loan, interest: int) -> int:
    """Fen of ``interest`` the subsidy paid to the lender (0 without ``credit``)."""
    if interest <= 0 or not ctx.has_contract("credit"):
        return 0
    paid = ctx.invoke(
        "credit",
        "apply_interest_subsidy",
        loan_id=loan.loan_id,
        borrower=loan.borrower,
        lender=loan.bank,
        product=PRODUCT,
        interest=interest,
    )
    return max(0, min(int(paid or 0), interest))


def record_default(ctx: Context, loan: Loan) -> None:
    if ctx.has_contract("credit"):
        ctx.invoke("credit", "record_default", borrower=loan.borrower, loan_id=loan.loan_id)
