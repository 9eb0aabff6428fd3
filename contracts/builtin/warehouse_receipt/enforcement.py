"""Enforcement of a defaulted pledge loan (docs/domain.md 7.2): the lender's take, a sale to
a third party, a failed auction, and a court-ordered sale (D7); each disposal runs the A10
waterfall.

Nothing before DEFAULT moves the goods to the lender (V2: no forfeiture, even with the
pledgor's signature). After default the lender either takes the goods at a price agreed
with the pledgor, who co-signs, and not below the attested market value less
``take_haircut_bp``; or sells them to a buyer that is not the lender, who co-signs and
pays (V3). A court's order may sell a pledged receipt's goods before default.
"""

from __future__ import annotations

from contracts.builtin.warehouse_receipt import errors, models, prices
from contracts.builtin.warehouse_receipt.liens import release_liens
from contracts.builtin.warehouse_receipt.loans import (
    REPAYABLE,
    accrued,
    pledged_receipts,
    require_state,
)
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.policies import BORROWER
from contracts.builtin.warehouse_receipt.records import (
    Closure,
    FailedAuction,
    Liquidation,
    Loan,
    LoanState,
)
from contracts.builtin.warehouse_receipt.store import get_loan, get_receipt, put_loan
from contracts.context import Context
from contracts.lending import add_costs, apply_payment, write_off


def enforce(
    ctx: Context,
    params: WarehouseReceiptParams,
    loan_id: str,
    *,
    proceeds: int,
    costs: int,
    new_holder: str,
    payer: str,
    closure: Closure,
    market_value: int = 0,
    by_court: bool = False,
) -> None:
    """Dispose of the collateral of a defaulted loan and run the waterfall (A10).

    ``payer`` is who pays the proceeds (the auction buyer), or the bank itself when
    it takes the goods at the agreed price (then only a surplus actually moves).
    ``by_court``: a court's order sells the goods of a loan not yet declared in default,
    and of receipts its own dispute freezes (D7).
    """
    loan = get_loan(ctx, loan_id)
    require_state(loan, *(REPAYABLE if by_court else (LoanState.DEFAULT,)))
    if costs * 10_000 > proceeds * params.max_enforcement_cost_bp:
        raise errors.EnforcementCostsTooHigh(
            f"costs {costs} exceed {params.max_enforcement_cost_bp} bp of proceeds {proceeds}",
            costs=costs,
            proceeds=proceeds,
        )
    receipts = pledged_receipts(ctx, loan)
    for receipt in receipts:
        if not by_court:
            ctx.require_not_frozen(receipt.asset)
    loan = accrued(ctx, params, loan)
    debt = loan.debt
    loan, split = apply_payment(add_costs(loan, costs), proceeds)
    if payer != loan.bank:
        ctx.transfer(payer, loan.bank, split.to_lender, f"enforce {loan.loan_id}")
    if split.surplus:
        ctx.transfer(payer, loan.borrower, split.surplus, f"surplus {loan.loan_id}")
    release_liens(ctx, loan, receipts, (), event="enforced", new_holder=new_holder)
    if loan.debt:
        loan = write_off(loan)
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "state": LoanState.CLOSED,
                "closure": closure,
                "cure_deadline": None,
                "receipts": (),
                "released": (*loan.released, *loan.receipts),
                "liquidation": Liquidation(
                    proceeds=proceeds,
                    costs=split.costs,
                    penalty=split.penalty,
                    interest=split.interest,
                    principal=split.principal,
                    surplus=split.surplus,
                    debt=debt,
                    new_holder=new_holder,
                    market_value=market_value,
                ),
            }
        ),
    )
    ctx.emit(
        "LoanEnforced",
        loan_id=loan.loan_id,
        closure=closure.value,
        proceeds=proceeds,
        surplus=split.surplus,
        written_off=loan.written_off,
    )


def take_collateral(
    ctx: Context, params: WarehouseReceiptParams, args: models.EnforceTakeArgs
) -> None:
    """V3(a): the lender takes the goods at the agreed ``price`` (the policy requires the
    pledgor's co-signature), never below the attested value less the haircut."""
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.DEFAULT)
    value = prices.market_value(ctx, params, pledged_receipts(ctx, loan))
    if value == 0:  # every pledged receipt LOST (V4): the insurance proceeds are the collateral
        raise errors.ReceiptNotActive(
            f"loan {loan.loan_id}: nothing left to take, its pledged goods are lost",
            loan_id=loan.loan_id,
        )
    if not prices.meets_take_floor(args.price, value, params):
        raise errors.TakeBelowFloor(
            f"agreed price {args.price} is below the attested value {value} less "
            f"{params.take_haircut_bp} bp (at least {prices.take_floor(value, params)})",
            price=args.price,
            market_value=value,
            floor=prices.take_floor(value, params),
        )
    enforce(
        ctx,
        params,
        args.loan_id,
        proceeds=args.price,
        costs=args.costs,
        new_holder=loan.bank,
        payer=loan.bank,
        closure=Closure.TAKEN_BY_BANK,
        market_value=value,
    )


def _require_reserve(ctx: Context, params: WarehouseReceiptParams, loan: Loan,
                     price: int) -> int:
    """The attested value a sale or auction ``price`` was held against (0 if the pledgor
    co-signs, who may agree to less); refuse a price under the take floor without it."""
    if BORROWER.satisfied(ctx.signers, {"borrower": loan.borrower}):  # as for a take
        return 0
    value = prices.market_value(ctx, params, pledged_receipts(ctx, loan))
    if not prices.meets_take_floor(price, value, params):
        reserve = prices.take_floor(value, params)
        raise errors.SaleBelowReserve(
            f"price {price} is below the reserve {reserve} (attested value "
            f"{value} less {params.take_haircut_bp} bp); a lower price needs "
            f"{loan.borrower}'s co-signature",
            price=price, market_value=value, reserve=reserve,
        )
    return value


def _third_party(loan: Loan, buyer: str) -> None:
    if buyer == loan.bank:
        raise errors.BuyerIsLender(
            f"{buyer} lends on {loan.loan_id}; a sale goes to a third party "
            "(or take the goods at a price agreed with the pledgor)",
            buyer=buyer,
        )


def auction(ctx: Context, params: WarehouseReceiptParams, args: models.EnforceSaleArgs) -> None:
    """V3(b): a sale to a third party; the lender cannot be its own buyer.

    Reserve: without the pledgor's co-signature the price is at least the attested value
    less the haircut (the take's floor), so the lender gains nothing by selling cheap to
    a friendly buyer; a lower price (a first auction failed, a short sale) is one the
    pledgor agrees to by co-signing, as for a take."""
    loan = get_loan(ctx, args.loan_id)
    _third_party(loan, args.buyer)
    require_state(loan, LoanState.DEFAULT)
    value = _require_reserve(ctx, params, loan, args.price)
    enforce(
        ctx,
        params,
        args.loan_id,
        proceeds=args.price,
        costs=args.costs,
        new_holder=args.buyer,
        payer=args.buyer,
        closure=Closure.AUCTIONED,
        market_value=value,
    )


def failed_auction(
    ctx: Context, params: WarehouseReceiptParams, args: models.FailedAuctionArgs
) -> None:
    """V3: an auction that drew no bid at or above its reserve is recorded; the loan stays
    in default. The reserve obeys the sale's floor, so a "failed" auction at a reserve
    nobody could meet is no excuse for anything: the next sale still needs the floor."""
    loan = get_loan(ctx, args.loan_id)
    require_state(loan, LoanState.DEFAULT)
    if args.best_bid >= args.reserve:
        raise errors.AuctionNotFailed(
            f"a bid of {args.best_bid} meets the reserve {args.reserve}: sell with "
            "enforce_sale", best_bid=args.best_bid, reserve=args.reserve,
        )
    for receipt in pledged_receipts(ctx, loan):
        ctx.require_not_frozen(receipt.asset)
    value = _require_reserve(ctx, params, loan, args.reserve)
    record = FailedAuction(at=ctx.time, reserve=args.reserve, best_bid=args.best_bid,
                           market_value=value)
    put_loan(ctx, loan.model_copy(update={"failed_auctions": (*loan.failed_auctions, record)}))
    ctx.emit("AuctionFailed", loan_id=loan.loan_id, reserve=args.reserve,
             best_bid=args.best_bid, attempt=len(loan.failed_auctions) + 1)


def court_sale(ctx: Context, params: WarehouseReceiptParams, receipt_id: str, buyer: str,
               price: int, costs: int) -> None:
    """D7: a court orders the pledged receipt sold to ``buyer``, who co-signs and pays; the
    price runs the A10 waterfall (costs, interest, principal, surplus to the pledgor),
    at the sale's reserve unless the pledgor co-signs; a shortfall stays owed (L4)."""
    receipt = get_receipt(ctx, receipt_id)
    if receipt.loan_id is None:
        raise errors.NotPledged(f"receipt {receipt_id} secures no loan: nothing to sell "
                                "for a lender's waterfall", receipt_id=receipt_id)
    loan = get_loan(ctx, receipt.loan_id)
    _third_party(loan, buyer)
    require_state(loan, *REPAYABLE)
    value = _require_reserve(ctx, params, loan, price)
    enforce(ctx, params, loan.loan_id, proceeds=price, costs=costs, new_holder=buyer,
            payer=buyer, closure=Closure.COURT_SOLD, market_value=value, by_court=True)
