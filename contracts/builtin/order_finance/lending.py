"""Loan servicing: accrue interest, take the interest subsidy, apply payments, close.

Every function takes a Loan record and returns the updated one; the caller stores it.
Money moves only through ``ctx.transfer`` (settlement) and the credit contract's
``apply_interest_subsidy`` operation, which pays the bank from the government budget.
"""

from __future__ import annotations

import datetime as dt

from contracts.builtin.order_finance.interest import interest_for, whole_days
from contracts.builtin.order_finance.records import OPEN_LOAN, Loan, LoanStatus, asset_id
from contracts.builtin.order_finance.waterfall import BankShare, bank_share
from contracts.context import Context, ReadContext
from ledger.timefmt import format_time, parse_time


def accrued(loan: Loan, now: dt.datetime, basis: int) -> Loan:
    """The loan with interest accrued on the unpaid principal up to ``now`` (whole days)."""
    since = parse_time(loan.accrued_through)
    days = whole_days(since, now)
    if days == 0:
        return loan
    interest = interest_for(loan.principal_due, loan.rate_bp, days, basis)
    return loan.model_copy(
        update={
            "interest_accrued": loan.interest_accrued + interest,
            "accrued_through": format_time(since + dt.timedelta(days=days)),
        }
    )


def accrued_now(ctx: ReadContext, loan: Loan) -> Loan:
    if loan.status not in OPEN_LOAN:
        return loan
    return accrued(loan, ctx.now, int(ctx.params.day_count_basis))


def take_subsidy(ctx: Context, loan: Loan) -> Loan:
    """Ask the credit contract (if enabled) to pay part of the interest due to the bank."""
    if loan.interest_due <= 0 or not ctx.has_contract("credit"):
        return loan
    paid = ctx.invoke(
        "credit",
        "apply_interest_subsidy",
        loan_id=loan.loan_id,
        borrower=loan.borrower,
        lender=loan.lender,
        product="order_finance",
        rate_bp=loan.rate_bp,
        interest=loan.interest_due,
    )
    subsidy = max(0, min(int(paid), loan.interest_due))
    return loan.model_copy(update={"subsidy_paid": loan.subsidy_paid + subsidy})


def collect(ctx: Context, loan: Loan, source: str, available: int) -> tuple[Loan, BankShare]:
    """Pay the bank up to ``available`` fen from ``source``: interest, principal, fees.

    Emits ``LoanRepaid`` (loan_id, interest, principal: the parts ``source`` paid, the
    subsidy excluded; same fields as warehouse_receipt's) before any ``LoanClosed``, so a
    scenario can chart outstanding principal. Nothing is emitted when nothing was paid.
    """
    loan = take_subsidy(ctx, accrued_now(ctx, loan))
    share = bank_share(available, loan.interest_due, loan.principal_due, loan.fees_due)
    ctx.transfer(source, loan.lender, share.total, f"repay {loan.loan_id}")
    if share.total:
        ctx.emit(
            "LoanRepaid", loan_id=loan.loan_id, interest=share.interest, principal=share.principal
        )
    loan = loan.model_copy(
        update={
            "interest_paid": loan.interest_paid + share.interest,
            "principal_paid": loan.principal_paid + share.principal,
            "fees_paid": loan.fees_paid + share.fees,
        }
    )
    return close_if_repaid(ctx, loan), share


def release_lien(ctx: Context, loan: Loan) -> Loan:
    if not loan.lien_open:
        return loan
    ctx.invoke("registry", "close_lien", asset=asset_id(loan.order_id), secures=loan.loan_id)
    return loan.model_copy(update={"lien_open": False})


def close_if_repaid(ctx: Context, loan: Loan) -> Loan:
    if loan.outstanding > 0:
        return loan
    loan = release_lien(ctx, loan).model_copy(update={"status": LoanStatus.CLOSED})
    ctx.emit("LoanClosed", loan_id=loan.loan_id, order_id=loan.order_id)
    return loan


def write_off(ctx: Context, loan: Loan) -> Loan:
    """Default: write off what is left, release the lien, tell the credit contract."""
    loan = release_lien(ctx, loan)
    loan = loan.model_copy(update={"written_off": loan.outstanding, "status": LoanStatus.DEFAULTED})
    if ctx.has_contract("credit"):
        ctx.invoke("credit", "record_default", borrower=loan.borrower, loan_id=loan.loan_id)
    ctx.emit("LoanDefaulted", loan_id=loan.loan_id, written_off=loan.written_off)
    return loan
