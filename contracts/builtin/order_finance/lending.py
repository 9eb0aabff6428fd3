"""Servicing of order-finance loans through the lending core (``contracts.lending``).

What stays here is the product's: which statuses accrue (ACTIVE, ACCELERATED,
DIRECT_DEBT), the order's lien in the registry, and the events. Interest, penalty past
``due_at`` (ACT/360 by default, genesis ``day_count_basis``), the waterfall (costs, i.e.
agreed fees, then penalty, interest, principal), the subsidy call and the write-off
that keeps the claim are the core's. Money moves only through ``ctx.transfer`` and the
credit contract's ``apply_interest_subsidy``, which pays the bank from the budget.
"""

from __future__ import annotations

from contracts.builtin.order_finance.records import OPEN_LOAN, Loan, LoanStatus, asset_id
from contracts.builtin.registry.operations import CLOSE_LIEN, CloseLienArgs
from contracts.context import Context, ReadContext
from contracts.lending import Allocation, accrue, apply_payment, take_subsidy, whole_days
from contracts.lending import write_off as write_off_claim
from contracts.lending.operations import RECORD_DEFAULT, RecordDefaultArgs
from ledger.timefmt import parse_time

PRODUCT = "order_finance"


def accrued_now(ctx: ReadContext, loan: Loan) -> Loan:
    """The loan with interest (and penalty past its due time) accrued to block time."""
    if loan.status not in OPEN_LOAN:
        return loan
    return accrue(loan, ctx.now)


def subsidised(ctx: Context, loan: Loan) -> Loan:
    """Offer the interest due to the credit contract's programmes (refused once overdue)."""
    term = max(1, whole_days(parse_time(loan.start), parse_time(loan.maturity)))
    loan, _ = take_subsidy(
        ctx, loan, loan_id=loan.loan_id, borrower=loan.borrower, lender=loan.lender,
        product=PRODUCT, term_days=term, defaulted=loan.status is LoanStatus.DEFAULTED,
    )
    return loan


def collect(ctx: Context, loan: Loan, source: str, available: int) -> tuple[Loan, Allocation]:
    """Pay the bank up to ``available`` fen from ``source`` through the core's waterfall.

    Emits ``LoanRepaid`` (loan_id, interest, principal, penalty, costs: the parts
    ``source`` paid, the subsidy excluded; the shape every loan product emits) before any
    ``LoanClosed``. Nothing is emitted when nothing was paid. On a written-off loan the
    payment is a recovery.
    """
    loan = subsidised(ctx, accrued_now(ctx, loan))
    loan, split = apply_payment(loan, available)
    ctx.transfer(source, loan.lender, split.to_lender, f"repay {loan.loan_id}")
    if split.to_lender:
        ctx.emit("LoanRepaid", loan_id=loan.loan_id, **split.event_fields())
    return close_if_repaid(ctx, loan), split


def release_lien(ctx: Context, loan: Loan) -> Loan:
    if not loan.lien_open:
        return loan
    ctx.invoke(CLOSE_LIEN, CloseLienArgs(asset=asset_id(loan.order_id), secures=loan.loan_id))
    return loan.model_copy(update={"lien_open": False})


def close_if_repaid(ctx: Context, loan: Loan) -> Loan:
    if loan.claim > 0:
        return loan
    loan = release_lien(ctx, loan).model_copy(update={"status": LoanStatus.CLOSED})
    ctx.emit("LoanClosed", loan_id=loan.loan_id, order_id=loan.order_id)
    return loan


def write_off(ctx: Context, loan: Loan) -> Loan:
    """Default: the bank writes the claim off (still owed: L4), the lien is released and
    the credit contract told."""
    loan = write_off_claim(release_lien(ctx, loan)).model_copy(
        update={"status": LoanStatus.DEFAULTED})
    if ctx.has_contract(RECORD_DEFAULT.contract):
        ctx.invoke(RECORD_DEFAULT, RecordDefaultArgs(borrower=loan.borrower, loan_id=loan.loan_id))
    ctx.emit("LoanDefaulted", loan_id=loan.loan_id, written_off=loan.written_off)
    return loan
