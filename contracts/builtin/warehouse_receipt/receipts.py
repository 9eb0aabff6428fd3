"""The receipt's life (docs/domain.md 1.3): issue against an intake lot (custody.py takes
goods in), transfer, split, merge, revaluation (from attested prices only, prices.py),
delivery and expiry. Pledging lives in loans.py.

A receipt is issued only against a lot its warehouse took in, for at most what the lot
has not yet receipted (A1), and names the lot's pile as its storage place.

Split and merge keep quantity, appraised value and storage fee exactly: each child
but the last gets ``floor(parent * q_i / q)``, the last child the rest. Child ids are
``wr-<tx id prefix>-<n>``, fresh because a tx id commits once. A receipt may be
split while pledged only with the pledgee's loan officer co-signing; its children
inherit the lien. Merge needs the same holder, warehouse, lot, commodity and grade,
none pledged (so a merged receipt still belongs to exactly one lot, for A1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from contracts.builtin.registry.operations import CLOSE_LIEN, CloseLienArgs
from contracts.builtin.warehouse_receipt import custody, errors, models
from contracts.builtin.warehouse_receipt.liens import entry, file_receipt_lien, recorded
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.builtin.warehouse_receipt.prices import current_price, revalued
from contracts.builtin.warehouse_receipt.records import Insurance, Receipt, ReceiptState
from contracts.builtin.warehouse_receipt.store import (
    get_loan,
    get_lot,
    get_receipt,
    put_loan,
    put_lot,
    put_receipt,
)
from contracts.context import Context, ReadContext
from ledger.timefmt import format_time, parse_time


def receipt_id_for(tx_id: str, index: int | None = None) -> str:
    base = f"wr-{tx_id[:24]}"
    return base if index is None else f"{base}-{index}"


def is_expired(ctx: ReadContext, receipt: Receipt) -> bool:
    return ctx.now >= parse_time(receipt.expiry)


def require_movable(ctx: ReadContext, receipt: Receipt, *, pledged_ok: bool = False) -> None:
    """A receipt the holder may transfer, split, merge, pledge or withdraw (A3, X3)."""
    if receipt.state is ReceiptState.PLEDGED and not pledged_ok:
        raise errors.ReceiptPledged(
            f"receipt {receipt.receipt_id} is pledged to {receipt.pledgee} "
            f"(loan {receipt.loan_id})",
            receipt_id=receipt.receipt_id,
            pledgee=receipt.pledgee,
        )
    if receipt.state not in (ReceiptState.ACTIVE, ReceiptState.PLEDGED):
        raise errors.ReceiptNotActive(
            f"receipt {receipt.receipt_id} is {receipt.state}",
            receipt_id=receipt.receipt_id,
            state=str(receipt.state),
        )
    if is_expired(ctx, receipt):
        raise errors.ReceiptExpired(
            f"receipt {receipt.receipt_id} expired at {receipt.expiry}",
            receipt_id=receipt.receipt_id,
        )
    ctx.require_not_frozen(receipt.asset)


def require_settled(receipt: Receipt) -> None:
    """Split and merge wait for the payout: an insured loss stays with its receipt (V4)."""
    if receipt.insurance is not None and receipt.insured_loss > receipt.insurance_paid:
        raise errors.ImpairmentUnsettled(
            f"receipt {receipt.receipt_id} has an insured loss of {receipt.insured_loss} fen, "
            f"{receipt.insurance_paid} paid",
            receipt_id=receipt.receipt_id,
        )


def issue(ctx: Context, params: WarehouseReceiptParams, args: models.IssueArgs) -> str:
    lot = get_lot(ctx, args.warehouse, args.lot_id)
    if args.quantity > lot.unreceipted:
        raise errors.LotOverIssued(
            f"lot {lot.lot_id} took in {lot.quantity} {lot.unit}, {lot.issued} already "
            f"receipted, {args.quantity} more requested",
            lot_id=lot.lot_id,
            quantity=lot.quantity,
            issued=lot.issued,
        )
    shelf_life = params.eligible_commodities.get(lot.commodity)
    if shelf_life is None:
        raise errors.CommodityNotEligible(f"{lot.commodity!r} is no longer eligible")
    expiry = ctx.now + dt.timedelta(days=min(shelf_life, args.storage_days))
    receipt_id = receipt_id_for(ctx.tx_id)
    insurance = None if args.insurance is None else Insurance(**args.insurance.model_dump())
    receipt = Receipt(
        receipt_id=receipt_id,
        lot_id=lot.lot_id,
        warehouse=lot.warehouse,
        depositor=lot.depositor,
        holder=lot.depositor,
        commodity=lot.commodity,
        grade=lot.grade,
        quantity=args.quantity,
        unit=lot.unit,
        shrinkage_bp=args.shrinkage_bp,
        location=lot.location,
        storage_days=args.storage_days,
        storage_fee=args.storage_fee,
        value=args.value,
        insurance=insurance,
        shrinkage_left=args.quantity * args.shrinkage_bp // 10_000,
        custodian=custody.custodian_for_issue(ctx, params, lot.warehouse),
        issued_at=ctx.time,
        expiry=format_time(expiry),
        history=(entry(ctx, "issued", lot.depositor),),
    )
    put_lot(ctx, lot.model_copy(update={"issued": lot.issued + args.quantity}))
    put_receipt(ctx, receipt)
    ctx.emit(
        "ReceiptIssued",
        receipt_id=receipt_id,
        lot_id=lot.lot_id,
        holder=lot.depositor,
        quantity=args.quantity,
        value=args.value,
    )
    return receipt_id


def transfer(ctx: Context, args: models.TransferArgs) -> None:
    receipt = get_receipt(ctx, args.receipt_id)
    require_movable(ctx, receipt)
    if args.new_holder == receipt.holder:
        raise errors.SameHolder(f"{args.new_holder} already holds {receipt.receipt_id}")
    put_receipt(
        ctx,
        recorded(ctx, receipt, "transferred", args.new_holder, holder=args.new_holder),
    )
    ctx.emit(
        "ReceiptTransferred",
        receipt_id=receipt.receipt_id,
        source=receipt.holder,
        target=args.new_holder,
    )


def shares(total: int, quantities: Sequence[int], whole: int) -> list[int]:
    """``total`` split in proportion to ``quantities`` (summing to ``whole``), exactly."""
    parts = [total * q // whole for q in quantities[:-1]]
    return [*parts, total - sum(parts)]


def pledgee_consents(ctx: Context, receipt: Receipt) -> bool:
    return any(s.org == receipt.pledgee and s.role == "loan_officer" for s in ctx.signers)


def split(ctx: Context, args: models.SplitArgs) -> list[str]:
    parent = get_receipt(ctx, args.receipt_id)
    pledged = parent.state is ReceiptState.PLEDGED
    if pledged and not pledgee_consents(ctx, parent):
        raise errors.ReceiptPledged(
            f"receipt {parent.receipt_id} is pledged; splitting needs {parent.pledgee}'s consent",
            receipt_id=parent.receipt_id,
            pledgee=parent.pledgee,
        )
    require_movable(ctx, parent, pledged_ok=True)
    require_settled(parent)
    if sum(args.quantities) != parent.quantity:
        raise errors.InvalidSplit(
            f"parts sum to {sum(args.quantities)}, receipt holds {parent.quantity}",
            quantity=parent.quantity,
        )
    values = shares(parent.value, args.quantities, parent.quantity)
    fees = shares(parent.storage_fee, args.quantities, parent.quantity)
    allowances = shares(parent.shrinkage_left, args.quantities, parent.quantity)
    covers = _split_cover(parent, args.quantities)
    children = []
    for index, (quantity, value, fee) in enumerate(zip(args.quantities, values, fees, strict=True)):
        child = parent.model_copy(
            update={
                "receipt_id": receipt_id_for(ctx.tx_id, index),
                "quantity": quantity,
                "value": value,
                "storage_fee": fee,
                "shrinkage_left": allowances[index],
                "insurance": covers[index],
                "insured_loss": 0,
                "insurance_paid": 0,
                "lost": 0,
                "parents": (parent.receipt_id,),
                "children": (),
                "history": (entry(ctx, "split_from", parent.holder, parent.pledgee),),
            }
        )
        children.append(child)
        put_receipt(ctx, child)
    child_ids = tuple(c.receipt_id for c in children)
    put_receipt(
        ctx,
        recorded(
            ctx, parent, "split", parent.holder, parent.pledgee,
            state=ReceiptState.SPLIT, children=child_ids, loan_id=None, pledgee=None,
        ),
    )
    if pledged and parent.loan_id is not None:
        _move_lien_to_children(ctx, parent, children)
    ctx.emit("ReceiptSplit", receipt_id=parent.receipt_id, children=list(child_ids))
    return list(child_ids)


def _split_cover(parent: Receipt, quantities: Sequence[int]) -> list[Insurance | None]:
    """The sum insured still open, shared by quantity (a settled loss's payout used its part)."""
    if parent.insurance is None:
        return [None] * len(quantities)
    left = parent.insurance.amount - parent.insurance_paid
    return [
        parent.insurance.model_copy(update={"amount": amount}) if amount > 0 else None
        for amount in shares(left, quantities, parent.quantity)
    ]


def _move_lien_to_children(ctx: Context, parent: Receipt, children: Sequence[Receipt]) -> None:
    assert parent.loan_id is not None
    loan = get_loan(ctx, parent.loan_id)
    ctx.invoke(CLOSE_LIEN, CloseLienArgs(asset=parent.asset, secures=loan.loan_id))
    for child in children:
        file_receipt_lien(ctx, loan, child)
    receipts = [r for r in loan.receipts if r != parent.receipt_id]
    put_loan(
        ctx,
        loan.model_copy(
            update={
                "receipts": (*receipts, *(c.receipt_id for c in children)),
            }
        ),
    )


def merge(ctx: Context, args: models.MergeArgs) -> str:
    if len(set(args.receipt_ids)) != len(args.receipt_ids):
        raise errors.DuplicateReceipts("a receipt is listed twice", receipt_ids=args.receipt_ids)
    parents = [get_receipt(ctx, rid) for rid in args.receipt_ids]
    for parent in parents:
        require_movable(ctx, parent)
        require_settled(parent)
    first = parents[0]

    def key(r: Receipt) -> tuple[str, ...]:
        return (r.holder, r.warehouse, r.lot_id, r.commodity, r.grade, r.unit)

    if any(key(p) != key(first) for p in parents):
        raise errors.MergeMismatch(
            "merged receipts need the same holder, warehouse, lot, commodity, grade and unit"
        )
    insurance = _merged_cover(parents)
    child = first.model_copy(
        update={
            "receipt_id": receipt_id_for(ctx.tx_id, 0),
            "quantity": sum(p.quantity for p in parents),
            "value": sum(p.value for p in parents),
            "storage_fee": sum(p.storage_fee for p in parents),
            "shrinkage_left": sum(p.shrinkage_left for p in parents),
            "insured_loss": 0,
            "insurance_paid": 0,
            "lost": 0,
            "expiry": min(parents, key=lambda p: parse_time(p.expiry)).expiry,
            "insurance": insurance,
            "parents": tuple(p.receipt_id for p in parents),
            "children": (),
            "history": (entry(ctx, "merged_from", first.holder),),
        }
    )
    put_receipt(ctx, child)
    for parent in parents:
        put_receipt(
            ctx,
            recorded(
                ctx, parent, "merged", parent.holder,
                state=ReceiptState.MERGED, children=(child.receipt_id,),
            ),
        )
    ctx.emit("ReceiptsMerged", receipt_ids=list(args.receipt_ids), child=child.receipt_id)
    return child.receipt_id


def _merged_cover(parents: Sequence[Receipt]) -> Insurance | None:
    """One cover when every parent has one from the same insurer to the same date: the sum
    of what each still has open; otherwise none (the holder insures the merged goods anew)."""
    first = parents[0].insurance
    if first is None:
        return None
    terms = (first.insurer, first.until)
    if not all(p.insurance and (p.insurance.insurer, p.insurance.until) == terms for p in parents):
        return None
    left = sum(p.insurance.amount - p.insurance_paid for p in parents if p.insurance is not None)
    return first.model_copy(update={"amount": left}) if left > 0 else None


def revalue(ctx: Context, params: WarehouseReceiptParams, args: models.ReceiptArgs) -> Receipt:
    """Value the receipt at its quantity times the latest attested price (V1)."""
    receipt = get_receipt(ctx, args.receipt_id)
    if receipt.state not in (ReceiptState.ACTIVE, ReceiptState.PLEDGED):
        raise errors.ReceiptNotActive(f"receipt {receipt.receipt_id} is {receipt.state}")
    return revalued(ctx, receipt, current_price(ctx, params, receipt))


def request_delivery(ctx: Context, args: models.ReceiptArgs) -> None:
    receipt = get_receipt(ctx, args.receipt_id)
    require_movable(ctx, receipt)
    if receipt.holder != receipt.warehouse:
        ctx.transfer(
            receipt.holder,
            receipt.warehouse,
            receipt.storage_fee,
            f"storage fee {receipt.receipt_id}",
        )
    requested = recorded(
        ctx, receipt, "delivery_requested", receipt.holder, state=ReceiptState.DELIVERY_PENDING
    )
    put_receipt(ctx, requested)
    ctx.emit("DeliveryRequested", receipt_id=receipt.receipt_id, holder=receipt.holder)


def confirm_outbound(ctx: Context, args: models.ReceiptArgs) -> None:
    receipt = get_receipt(ctx, args.receipt_id)
    if receipt.state is not ReceiptState.DELIVERY_PENDING:
        raise errors.ReceiptNotActive(
            f"receipt {receipt.receipt_id} is {receipt.state}, not DELIVERY_PENDING"
        )
    put_receipt(
        ctx,
        recorded(ctx, receipt, "withdrawn", receipt.holder, state=ReceiptState.WITHDRAWN),
    )
    lot = get_lot(ctx, receipt.warehouse, receipt.lot_id)
    put_lot(ctx, lot.model_copy(update={"out": lot.out + receipt.quantity}))
    ctx.emit("GoodsWithdrawn", receipt_id=receipt.receipt_id, quantity=receipt.quantity)


def expire_unpledged(ctx: Context, receipt: Receipt) -> None:
    put_receipt(
        ctx,
        recorded(ctx, receipt, "expired", receipt.holder, state=ReceiptState.EXPIRED),
    )
    ctx.emit("ReceiptExpired", receipt_id=receipt.receipt_id)
