"""Impaired goods and stored-goods insurance (docs/domain.md 7.2 V4).

Goods lost, spoiled or destroyed in store are recorded by the warehouse keeper
(``record_loss``) or established by the receipt's insurer through its adjuster's
survey (``survey_loss``). Either writes the receipt's quantity down and its value
down in proportion (``value - floor(value * lost / quantity)``); losing all of it
cancels the receipt (LOST, terminal: never pledged, split, transferred or
delivered again). The goods leave the lot's pile, so A1 keeps counting only what
is still there.

Shrinkage (Civil Code Art. 909's loss standard): a receipt allows ``shrinkage_bp``
of its quantity at issue as natural loss. Recorded losses use that allowance up
first; the part within it is the holder's (no insurance), the value of anything
beyond it is ``insured_loss``, the most its stored-goods insurance pays.

A pledged receipt's impairment reassesses its loan at once: at or past the
liquidation line (or with nothing left) the loan defaults; past the warning line
a margin call opens. A LOST receipt keeps its lien until the loan closes: the
pledge now bears on the insurance proceeds (Civil Code Art. 390). The insurer pays
(``pay_goods_insurance``) the pledgee first, up to the loan's debt (the pledgee is
the loss payee while the receipt is pledged), and the holder the rest.
"""

from __future__ import annotations

from contracts.builtin.warehouse_receipt import errors, loans, ltv, models
from contracts.builtin.warehouse_receipt.liens import recorded
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.records import Receipt, ReceiptState
from contracts.builtin.warehouse_receipt.store import (
    get_loan,
    get_lot,
    get_receipt,
    put_lot,
    put_receipt,
)
from contracts.context import Context
from ledger.timefmt import parse_time

RECORDED, SURVEYED = "loss_recorded", "loss_surveyed"
IMPAIRABLE = (ReceiptState.ACTIVE, ReceiptState.PLEDGED, ReceiptState.DELIVERY_PENDING)


def record_loss(
    ctx: Context, params: WarehouseReceiptParams, args: models.LossArgs, *, event: str
) -> Receipt:
    """Write ``args.quantity`` off the receipt (``event``: RECORDED by the keeper, SURVEYED
    by the insurer, whose cover must be in force) and reassess a pledged receipt's loan."""
    receipt = get_receipt(ctx, args.receipt_id)
    if event == SURVEYED and not covered(ctx, receipt):
        raise errors.NotInsured(
            f"receipt {receipt.receipt_id}'s stored-goods cover is not in force at {ctx.time}: "
            "its insurer has no loss to survey",
            receipt_id=receipt.receipt_id,
        )
    if receipt.state not in IMPAIRABLE:
        raise errors.ReceiptNotActive(
            f"receipt {receipt.receipt_id} is {receipt.state}",
            receipt_id=receipt.receipt_id,
            state=str(receipt.state),
        )
    if args.quantity > receipt.quantity:
        raise errors.LossExceedsQuantity(
            f"{args.quantity} {receipt.unit} lost, receipt {receipt.receipt_id} holds "
            f"{receipt.quantity}",
            quantity=args.quantity,
            held=receipt.quantity,
        )
    shrinkage = min(args.quantity, receipt.shrinkage_left)
    written_down = receipt.value * args.quantity // receipt.quantity
    beyond = written_down - receipt.value * shrinkage // receipt.quantity
    if not covered(ctx, receipt):
        beyond = 0
    quantity = receipt.quantity - args.quantity
    lost = quantity == 0
    impaired = recorded(
        ctx, receipt, event, receipt.holder, receipt.pledgee,
        quantity=quantity,
        lost=receipt.lost + args.quantity,
        value=receipt.value - written_down,
        storage_fee=receipt.storage_fee - receipt.storage_fee * args.quantity // receipt.quantity,
        shrinkage_left=receipt.shrinkage_left - shrinkage,
        insured_loss=receipt.insured_loss + beyond,
        state=ReceiptState.LOST if lost else receipt.state,
    )
    put_receipt(ctx, impaired)
    lot = get_lot(ctx, receipt.warehouse, receipt.lot_id)
    put_lot(ctx, lot.model_copy(update={"out": lot.out + args.quantity}))
    ctx.emit(
        "GoodsImpaired",
        receipt_id=receipt.receipt_id,
        quantity=args.quantity,
        shrinkage=shrinkage,
        written_down=written_down,
        insured_loss=beyond,
        lost=lost,
        cause=args.cause,
    )
    if receipt.loan_id is not None:
        reassess_after_loss(ctx, params, receipt.loan_id)
    return impaired


def reassess_after_loss(ctx: Context, params: WarehouseReceiptParams, loan_id: str) -> None:
    """Default at once at or past the liquidation line, else the usual margin-call check."""
    loan = get_loan(ctx, loan_id)
    if loan.state not in loans.OPEN:
        return
    value = loans.collateral_value(loans.pledged_receipts(ctx, loan))
    if loan.principal_outstanding and (
        value == 0 or ltv.past_liquidation(loan.principal_outstanding, value, params)
    ):
        loans.enter_default(ctx, params, loan, "pledged goods lost or impaired")
        return
    loans.reassess(ctx, params, loan_id)


def covered(ctx: Context, receipt: Receipt) -> bool:
    """Stored-goods insurance in force at block time (a loss after ``until`` is not covered)."""
    return receipt.insurance is not None and ctx.now <= parse_time(receipt.insurance.until)


def insurer_of(receipt: Receipt) -> str:
    """The receipt's stored-goods insurer, or refuse: nobody else surveys or pays."""
    if receipt.insurance is None:
        raise errors.NotInsured(
            f"receipt {receipt.receipt_id} records no stored-goods insurance",
            receipt_id=receipt.receipt_id,
        )
    return receipt.insurance.insurer


def pay_goods_insurance(
    ctx: Context, params: WarehouseReceiptParams, args: models.InsurancePaymentArgs
) -> None:
    """The insurer pays on the insured loss: the pledgee first up to the loan's debt (the
    loss payee, through the loan's repayment path), the holder the rest."""
    receipt = get_receipt(ctx, args.receipt_id)
    insurer = insurer_of(receipt)
    assert receipt.insurance is not None
    payable = min(receipt.insured_loss, receipt.insurance.amount) - receipt.insurance_paid
    if args.amount > payable:
        raise errors.InsuranceExceedsLoss(
            f"{args.amount} fen exceeds what the cover owes on receipt {receipt.receipt_id}: "
            f"{payable} fen (insured loss {receipt.insured_loss}, sum insured "
            f"{receipt.insurance.amount}, paid {receipt.insurance_paid})",
            amount=args.amount,
            payable=payable,
        )
    to_pledgee = 0
    if receipt.loan_id is not None:
        loan = get_loan(ctx, receipt.loan_id)
        if loan.state in loans.REPAYABLE:
            to_pledgee = loans.collect(ctx, params, loan, insurer, args.amount, cap=True)
    receipt = get_receipt(ctx, args.receipt_id)  # collect may have closed the loan's liens
    if args.amount > to_pledgee:
        ctx.transfer(insurer, receipt.holder, args.amount - to_pledgee,
                     f"stored-goods insurance {receipt.receipt_id}")
    put_receipt(
        ctx,
        recorded(
            ctx, receipt, "insurance_paid", receipt.holder, receipt.pledgee,
            insurance_paid=receipt.insurance_paid + args.amount,
        ),
    )
    ctx.emit(
        "GoodsInsurancePaid",
        receipt_id=receipt.receipt_id,
        amount=args.amount,
        to_pledgee=to_pledgee,
        to_holder=args.amount - to_pledgee,
    )
