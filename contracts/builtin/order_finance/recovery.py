"""L5: the buyer in default on the receivable, recourse to the seller, and recovery.

A buyer that has not paid the invoice by its due date is the party in default: the
default is recorded against the buyer (``credit.record_default`` with the receivable's
asset id), the receivable stays OPEN and the buyer still owes it. Whatever the buyer
pays later still lands in the controlled account and pays the bank first, at once.

Recourse (genesis ``recourse``, fixed on the loan when it is made):

- with recourse, the loan becomes RECOURSE and falls due from the seller at once; the
  seller may repay it (even after a write-off), and a write-off is recorded against the
  seller, who did not honour the recourse;
- without recourse, the loan stays ACTIVE and only the buyer's payments repay it; a
  write-off records nothing against the seller.

A write-off while the receivable is still open keeps the claim (docs/domain.md L4):
the lien stays filed and later payments on the receivable repay the written-off amount
(``recovered``, through the lending core's waterfall) before the holders see a fen; a
claim recovered in full closes the loan.
"""

from __future__ import annotations

import datetime as dt

from contracts.builtin.order_finance import lending
from contracts.builtin.order_finance.records import OPEN_LOAN, Loan, LoanStatus, Order
from contracts.context import Context
from contracts.lending import apply_payment, write_off
from contracts.lending.operations import RECORD_DEFAULT, RecordDefaultArgs
from ledger.timefmt import parse_time


def days_after(due: str, now: dt.datetime) -> int:
    """Started days from ``due`` to ``now``: one hour late is one day late; 0 if on time."""
    return max(0, -((parse_time(due) - now) // dt.timedelta(days=1)))


def bank_first(
    ctx: Context, order: Order, loan: Loan | None, account: str
) -> tuple[Order, Loan | None]:
    """Pay the bank what it is owed from the controlled account; leave the rest there."""
    available = order.paid_in - order.paid_out
    taken = 0
    if loan is not None and available > 0:
        if loan.status in OPEN_LOAN:
            loan, share = lending.collect(ctx, loan, account, available)
            taken = share.to_lender
        else:
            loan, taken = recover(ctx, loan, account, available)
    update = {"paid_out": order.paid_out + taken, "to_lender": order.to_lender + taken}
    return order.model_copy(update=update), loan


def recover(ctx: Context, loan: Loan, source: str, available: int) -> tuple[Loan, int]:
    """Pay up to ``available`` fen from ``source`` on a written-off claim, split by the
    core's waterfall (each fen reduces ``written_off``); a claim recovered in full closes
    the loan and its lien, as a repaid loan does."""
    loan, split = apply_payment(loan, min(available, loan.claim_left))
    if split.to_lender <= 0:
        return loan, 0
    ctx.transfer(source, loan.lender, split.to_lender, f"recover {loan.loan_id}")
    ctx.emit("WriteOffRecovered", loan_id=loan.loan_id, amount=split.to_lender,
             left=loan.claim_left)
    return lending.close_if_repaid(ctx, loan), split.to_lender


def to_recourse(ctx: Context, loan: Loan) -> Loan:
    """Buyer default on a loan with recourse: the seller owes the whole loan now."""
    if loan.status is not LoanStatus.ACTIVE or not loan.recourse:
        return loan
    due_at = min(loan.due_at, ctx.time, key=parse_time)
    loan = lending.accrued_now(ctx, loan)
    loan = loan.model_copy(update={"status": LoanStatus.RECOURSE, "due_at": due_at})
    ctx.emit("RecourseToSeller", loan_id=loan.loan_id, seller=loan.borrower,
             outstanding=loan.outstanding)
    return loan


def write_off_keeping_claim(ctx: Context, loan: Loan) -> Loan:
    """Write off a loan whose defaulted receivable is still open: the lien stays filed,
    the credit record goes to the seller only under recourse."""
    loan = lending.accrued_now(ctx, loan)
    debtor = loan.borrower if loan.status is LoanStatus.RECOURSE else None
    loan = write_off(loan).model_copy(update={"status": LoanStatus.DEFAULTED})
    if debtor is not None and ctx.has_contract(RECORD_DEFAULT.contract):
        ctx.invoke(RECORD_DEFAULT, RecordDefaultArgs(borrower=debtor, loan_id=loan.loan_id))
    ctx.emit("LoanDefaulted", loan_id=loan.loan_id, written_off=loan.written_off,
             debtor=debtor)
    return loan
