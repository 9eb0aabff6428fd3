"""The pledge loan's life (docs/domain.md 1.4): apply, approve, disburse, accrue, repay,
top up, revalue and margin call, partial release and default.

Default is here; what follows it (taking, sale, auction, a court's sale: the A10
waterfall) is ``enforcement.py``.

Money: principal moves bank -> borrower on disbursement; repayments move payer ->
bank through the lending core's waterfall (``contracts.lending``: costs, penalty,
interest, principal), after the credit contract's interest subsidy, if enabled and the
loan is neither overdue nor in default, has paid its share to the bank. Interest
accrues by ``day_count_basis`` with the sub-fen remainder carried; past maturity the
principal accrues penalty interest. An enforcement that leaves a shortfall writes it
off as the bank's loss, but the borrower still owes it: later repayments are
recoveries (L4). Settlement conservation per loan:
``principal == principal_paid + principal_due``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from contracts.builtin.warehouse_receipt import custody, errors, hooks, ltv, models, prices
from contracts.builtin.warehouse_receipt.liens import lot_lien_secures, mark_liens, release_liens
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.receipts import is_expired, require_movable
from contracts.builtin.warehouse_receipt.records import (
    Closure,
    Loan,
    LoanState,
    Receipt,
    ReceiptState,
)
from contracts.builtin.warehouse_receipt.store import (
    all_loans,
    get_loan,
    get_receipt,
    put_loan,
    put_receipt,
)
from contracts.context import Context, ReadContext
from contracts.lending import accrue, apply_payment
from ledger.timefmt import format_time, parse_time

OPEN = (LoanState.DISBURSED, LoanState.MARGIN_CALL)
REPAYABLE = (LoanState.DISBURSED, LoanState.MARGIN_CALL, LoanState.DEFAULT)


def require_state(loan: Loan, *states: LoanState) -> None:
    if loan.state not in states:
        raise errors.InvalidLoanState(
            f"loan {loan.loan_id} is {loan.state}; needs {' or '.join(states)}",
            loan_id=loan.loan_id,
            state=str(loan.state),
        )


def pledged_receipts(ctx: ReadContext, loan: Loan) -> list[Receipt]:
    return [get_receipt(ctx, rid) for rid in loan.receipts]


def collateral_value(receipts: Sequence[Receipt]) -> int:
    return sum(r.value for r in receipts)


def verified_value(ctx: ReadContext, receipts: Sequence[Receipt]) -> int:
    """The value of the receipts whose goods are vouched for now (V5): a managed receipt
    of a warehouse whose stock count is overdue or short counts for nothing."""
    return collateral_value([r for r in receipts if custody.unverified(ctx, r) is None])


def require_pledgeable(ctx: Context, receipt: Receipt, borrower: str, loan_id: str | None) -> None:
    """Receipt is ACTIVE, unexpired, unfrozen, held by ``borrower``, its lot free (A2, X2)."""
    if receipt.state is ReceiptState.PLEDGED:
        raise errors.ReceiptAlreadyPledged(
            f"receipt {receipt.receipt_id} is already pledged to {receipt.pledgee}",
            receipt_id=receipt.receipt_id,
            pledgee=receipt.pledgee,
        )
    require_movable(ctx, receipt)
    if receipt.holder != borrower:
        raise errors.ReceiptNotHeld(
            f"{borrower} does not hold receipt {receipt.receipt_id}", receipt_id=receipt.receipt_id
        )
    custody.require_custody(ctx, receipt, borrower)
    secures = lot_lien_secures(ctx, receipt.lot_asset)
    if secures is not None and secures != loan_id:
        raise errors.LotAlreadyPledged(
            f"lot {receipt.lot_id} at {receipt.warehouse} already secures loan {secures}",
            lot=receipt.lot_asset,
        )


def apply(ctx: Context, args: models.ApplyArgs) -> str:
    if len(set(args.receipt_ids)) != len(args.receipt_ids):
        raise errors.DuplicateReceipts("a receipt is listed twice", receipt_ids=args.receipt_ids)
    loan_id = f"loan-{ctx.tx_id[:24]}"
    for rid in args.receipt_ids:
        receipt = get_receipt(ctx, rid)
        require_pledgeable(ctx, receipt, args.borrower, loan_id)
        if args.bank not in receipt.applicants:  # the bank assesses what it is offered
            put_receipt(ctx, receipt.model_copy(
                update={"applicants": (*receipt.applicants, args.bank)}))
    put_loan(
        ctx,
        Loan(
            loan_id=loan_id,
            borrower=args.borrower,
            bank=args.bank,
            receipts=tuple(args.receipt_ids),
            applied_at=ctx.time,
        ),
    )
    ctx.emit("LoanApplied", loan_id=loan_id, borrower=args.borrower, bank=args.bank)
    return loan_id


def _check_terms(
    ctx: ReadContext,
    params: WarehouseReceiptParams,
    receipts: Sequence[Receipt],
    principal: int,
    tenor_days: int,
) -> int:
    value = collateral_value(receipts)
    if not ltv.within_cap(principal, value, params):
        raise errors.PrincipalExceedsLtv(
            f"principal {principal} exceeds {params.ltv_cap_bp} bp of value {value} "
            f"(max {ltv.max_principal(value, params)})",
            principal=principal,
            value=value,
        )
    maturity = ctx.now + dt.timedelta(days=tenor_days)
    if tenor_days > params.max_tenor_days or any(maturity > parse_time(r.expiry) for r in receipts):
        raise errors.TenorTooLong(
            f"tenor {tenor_days} days exceeds the product maximum ({params.max_tenor_days}) "
            "or a receipt's remaining life",
            tenor_days=tenor_days,
        )
    return value


def approve(ctx: Context, params: WarehouseReceiptParams, args: models.ApproveArgs) -> None:
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.APPLIED)
    value = _check_terms(ctx, params, pledged_receipts(ctx, loan), args.principal, args.tenor_days)
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "state": LoanState.APPROVED,
                "principal": args.principal,
                "tenor_days": args.tenor_days,
                "rate_bp": args.rate_bp,
                "approved_value": value,
            }
        ),
    )
    ctx.emit("LoanApproved", loan_id=loan.loan_id, principal=args.principal)


def disburse(ctx: Context, params: WarehouseReceiptParams, args: models.LoanArgs) -> None:
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.APPROVED)
    receipts = pledged_receipts(ctx, loan)
    for receipt in receipts:
        if receipt.state is ReceiptState.PLEDGED:
            raise errors.ReceiptAlreadyPledged(
                f"receipt {receipt.receipt_id} is already pledged to {receipt.pledgee}",
                receipt_id=receipt.receipt_id,
                pledgee=receipt.pledgee,
            )
        require_movable(ctx, receipt)
        if receipt.holder != loan.borrower:
            raise errors.ReceiptNotHeld(f"{loan.borrower} no longer holds {receipt.receipt_id}")
        custody.require_custody(ctx, receipt, loan.borrower)
    value = _check_terms(ctx, params, receipts, loan.principal, loan.tenor_days)
    mark_liens(ctx, loan, receipts)
    ctx.transfer(loan.bank, loan.borrower, loan.principal, f"disburse {loan.loan_id}")
    maturity = format_time(ctx.now + dt.timedelta(days=loan.tenor_days))
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "state": LoanState.DISBURSED,
                "disbursed_at": ctx.time,
                "accrued_to": ctx.time,
                "maturity": maturity,
                "due_at": maturity,
                "day_count": params.day_count_basis,
                "penalty_share_bp": params.penalty_share_bp,
                "disbursed_value": value,
            }
        ),
    )
    ctx.emit("LoanDisbursed", loan_id=loan.loan_id, principal=loan.principal, value=value)


def accrued(ctx: ReadContext, params: WarehouseReceiptParams, loan: Loan) -> Loan:
    """``loan`` with interest (penalty past maturity) accrued to the last whole day."""
    if loan.state not in REPAYABLE:
        return loan
    return accrue(loan, ctx.now)


def recoverable(loan: Loan) -> bool:
    """Closed by enforcement with a shortfall the bank wrote off: still owed (L4)."""
    return loan.state is LoanState.CLOSED and loan.debt > 0


def collect(
    ctx: Context,
    params: WarehouseReceiptParams,
    loan: Loan,
    payer: str,
    amount: int,
    *,
    cap: bool,
) -> int:
    """Take up to the debt from ``payer`` through the waterfall. Returns fen applied."""
    if not recoverable(loan):
        require_state(loan, *REPAYABLE)
    loan = hooks.subsidised(ctx, accrued(ctx, params, loan))
    if amount > loan.debt and not cap:
        raise errors.RepaymentExceedsDebt(
            f"{amount} fen exceeds the debt of {loan.debt} fen", amount=amount, debt=loan.debt
        )
    amount = min(amount, loan.debt)
    ctx.transfer(payer, loan.bank, amount, f"repay {loan.loan_id}")
    loan, split = apply_payment(loan, amount)
    ctx.emit("LoanRepaid", loan_id=loan.loan_id, **split.event_fields())
    if loan.state is LoanState.CLOSED:
        put_loan(ctx, loan)
    elif loan.debt == 0:
        close_repaid(ctx, loan)
    else:
        put_loan(ctx, _cured(ctx, params, loan))
    return amount


def close_repaid(ctx: Context, loan: Loan) -> None:
    """Fully repaid: every lien released in this same tx (A8, A9)."""
    release_liens(ctx, loan, pledged_receipts(ctx, loan), (), event="lien_discharged")
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "state": LoanState.CLOSED,
                "closure": Closure.REPAID,
                "cure_deadline": None,
                "receipts": (),
                "released": (*loan.released, *loan.receipts),
            }
        ),
    )
    ctx.emit("LoanClosed", loan_id=loan.loan_id, closure=Closure.REPAID.value)


def _cured(ctx: Context, params: WarehouseReceiptParams, loan: Loan) -> Loan:
    """Close a margin call once the loan is back within the LTV cap on its verified
    collateral (emits MarginCallCured)."""
    if loan.state is LoanState.MARGIN_CALL and ltv.within_cap(
        loan.principal_outstanding, verified_value(ctx, pledged_receipts(ctx, loan)), params
    ):
        ctx.emit("MarginCallCured", loan_id=loan.loan_id)
        return loan.model_copy(update={"state": LoanState.DISBURSED, "cure_deadline": None})
    return loan


def reassess(ctx: Context, params: WarehouseReceiptParams, loan_id: str) -> bool:
    """After a revaluation, a loss or a stock count: open a margin call past the warning
    line on the verified collateral, or close a cured one. True if a call was opened."""
    loan = get_loan(ctx, loan_id)
    value = verified_value(ctx, pledged_receipts(ctx, loan))
    if loan.state is LoanState.DISBURSED and ltv.past_warning(
        loan.principal_outstanding, value, params
    ):
        deadline = ctx.now + dt.timedelta(days=params.cure_days)
        put_loan(
            ctx,
            loan.model_copy(
                update={
                    "state": LoanState.MARGIN_CALL,
                    "cure_deadline": format_time(deadline),
                }
            ),
        )
        ctx.emit(
            "MarginCall",
            loan_id=loan_id,
            ltv_bp=ltv.ltv_bp(loan.principal_outstanding, value),
            cure_deadline=format_time(deadline),
        )
        return True
    if loan.state is LoanState.MARGIN_CALL:
        put_loan(ctx, _cured(ctx, params, loan))
    return False


def call_unverified(ctx: Context, params: WarehouseReceiptParams, args: models.LoanArgs) -> None:
    """V5: the lender calls a loan whose collateral lies unverified (its warehouse's stock
    count overdue or short): a margin call, unless the verified rest still covers it."""
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.DISBURSED)
    problems = {
        r.receipt_id: problem
        for r in pledged_receipts(ctx, loan)
        if (problem := custody.unverified(ctx, r)) is not None
    }
    if not problems:
        raise errors.LoanNotCallable(
            f"loan {loan.loan_id}: every pledged receipt's goods are vouched for",
            loan_id=loan.loan_id,
        )
    if not reassess(ctx, params, loan.loan_id):
        raise errors.LoanNotCallable(
            f"loan {loan.loan_id}: its verified collateral keeps it within the warning line",
            loan_id=loan.loan_id,
        )
    ctx.emit(
        "CollateralUnverified",
        loan_id=loan.loan_id,
        receipts={rid: problem.code for rid, problem in sorted(problems.items())},
    )


def reassess_at(ctx: Context, params: WarehouseReceiptParams, warehouse: str) -> None:
    """After a stock count at ``warehouse``: cure the margin calls its count settles."""
    for loan in all_loans(ctx):
        if loan.state is LoanState.MARGIN_CALL and any(
            get_receipt(ctx, rid).warehouse == warehouse for rid in loan.receipts
        ):
            reassess(ctx, params, loan.loan_id)


def top_up(ctx: Context, params: WarehouseReceiptParams, args: models.LoanReceiptArgs) -> None:
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, *OPEN)
    receipt = get_receipt(ctx, args.receipt_id)
    require_pledgeable(ctx, receipt, loan.borrower, loan.loan_id)
    receipt = prices.marked_down(ctx, params, receipt)
    if loan.maturity is not None and parse_time(receipt.expiry) < parse_time(loan.maturity):
        raise errors.TenorTooLong(
            f"receipt {receipt.receipt_id} expires before the loan matures ({loan.maturity})"
        )
    mark_liens(ctx, loan, [receipt])
    loan = loan.model_copy(update={"receipts": (*loan.receipts, receipt.receipt_id)})
    put_loan(ctx, _cured(ctx, params, loan))
    ctx.emit("CollateralToppedUp", loan_id=loan.loan_id, receipt_id=receipt.receipt_id)


def release_receipt(
    ctx: Context, params: WarehouseReceiptParams, args: models.LoanReceiptArgs
) -> None:
    """Partial release with the bank's consent, only if the rest still covers the cap."""
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.DISBURSED)
    if args.receipt_id not in loan.receipts:
        raise errors.ReceiptNotInLoan(f"receipt {args.receipt_id} does not secure {loan.loan_id}")
    receipts = pledged_receipts(ctx, loan)
    released = [r for r in receipts if r.receipt_id == args.receipt_id]
    kept = [r for r in receipts if r.receipt_id != args.receipt_id]
    value = collateral_value(kept)
    if not ltv.within_cap(loan.principal_outstanding, value, params):
        raise errors.ReleaseBreachesLtv(
            f"after release, {loan.principal_outstanding} fen would exceed {params.ltv_cap_bp} bp "
            f"of the remaining value {value}",
            remaining_value=value,
        )
    release_liens(ctx, loan, released, kept, event="released")
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "receipts": tuple(r.receipt_id for r in kept),
                "released": (*loan.released, args.receipt_id),
            }
        ),
    )
    ctx.emit("LienReleased", loan_id=loan.loan_id, receipt_id=args.receipt_id)


def default_reasons(ctx: ReadContext, params: WarehouseReceiptParams, loan: Loan) -> list[str]:
    reasons = []
    now = ctx.now
    if loan.maturity is not None and now >= parse_time(loan.maturity):
        reasons.append("matured unpaid")
    if loan.state is LoanState.MARGIN_CALL:
        if loan.cure_deadline is not None and now >= parse_time(loan.cure_deadline):
            reasons.append("cure period lapsed")
        value = collateral_value(pledged_receipts(ctx, loan))
        if ltv.past_liquidation(loan.principal_outstanding, value, params):
            reasons.append("past the liquidation line")
    if any(is_expired(ctx, r) for r in pledged_receipts(ctx, loan)):
        reasons.append("a pledged receipt expired")
    return reasons


def mark_default(ctx: Context, params: WarehouseReceiptParams, args: models.LoanArgs) -> None:
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, *OPEN)
    reasons = default_reasons(ctx, params, loan)
    if not reasons:
        raise errors.LoanNotDefaultable(
            f"loan {loan.loan_id} is current: not matured, no lapsed margin call",
            loan_id=loan.loan_id,
        )
    enter_default(ctx, params, loan, "; ".join(reasons))


def enter_default(ctx: Context, params: WarehouseReceiptParams, loan: Loan, reason: str) -> None:
    loan = accrued(ctx, params, loan).model_copy(update={"state": LoanState.DEFAULT})
    put_loan(ctx, loan)
    hooks.record_default(ctx, loan)
    ctx.emit("LoanDefaulted", loan_id=loan.loan_id, reason=reason)


def expire_pledged(ctx: Context, params: WarehouseReceiptParams, receipt: Receipt) -> None:
    """A pledged receipt reached expiry: its loan goes to default for the bank to enforce."""
    assert receipt.loan_id is not None
    loan = get_loan(ctx, receipt.loan_id)
    if loan.state is LoanState.DEFAULT:
        raise errors.ReceiptPledged(
            f"receipt {receipt.receipt_id} awaits enforcement of loan {loan.loan_id}",
            receipt_id=receipt.receipt_id,
        )
    enter_default(ctx, params, loan, f"receipt {receipt.receipt_id} expired")
