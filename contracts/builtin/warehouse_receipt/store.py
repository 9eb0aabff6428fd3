"""Reading and writing records in the contract's namespace (one place knows the keys)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from contracts.builtin.warehouse_receipt.errors import LoanNotFound, LotNotFound, ReceiptNotFound
from contracts.builtin.warehouse_receipt.records import (
    Custody,
    Loan,
    Lot,
    PriceAttestation,
    Receipt,
)
from contracts.context import Context, ReadContext


def lot_key(warehouse: str, lot_id: str) -> str:
    return f"lot/{warehouse}/{lot_id}"


def find_lot(ctx: ReadContext, warehouse: str, lot_id: str) -> Lot | None:
    return ctx.load(Lot, lot_key(warehouse, lot_id))


def get_lot(ctx: ReadContext, warehouse: str, lot_id: str) -> Lot:
    lot = find_lot(ctx, warehouse, lot_id)
    if lot is None:
        raise LotNotFound(f"{warehouse}/{lot_id}")
    return lot


def put_lot(ctx: Context, lot: Lot) -> None:
    ctx.save(lot_key(lot.warehouse, lot.lot_id), lot)


def pile_key(warehouse: str, location: str) -> str:
    return f"pile/{warehouse}/{quote(location, safe='')}"


def find_pile(ctx: ReadContext, warehouse: str, location: str) -> str | None:
    """The lot last put on this pile (its goods may since have left)."""
    lot_id = ctx.get(pile_key(warehouse, location))
    return None if lot_id is None else str(lot_id)


def put_pile(ctx: Context, warehouse: str, location: str, lot_id: str) -> None:
    ctx.put(pile_key(warehouse, location), lot_id)


def find_custody(ctx: ReadContext, warehouse: str) -> Custody | None:
    return ctx.load(Custody, f"custody/{warehouse}")


def put_custody(ctx: Context, custody: Custody) -> None:
    ctx.save(f"custody/{custody.warehouse}", custody)


def all_custody(ctx: ReadContext) -> Iterator[Custody]:
    for _, data in ctx.scan("custody/"):
        yield Custody.model_validate(data)


def find_receipt(ctx: ReadContext, receipt_id: str) -> Receipt | None:
    return ctx.load(Receipt, f"receipt/{receipt_id}")


def get_receipt(ctx: ReadContext, receipt_id: str) -> Receipt:
    receipt = find_receipt(ctx, receipt_id)
    if receipt is None:
        raise ReceiptNotFound(receipt_id)
    return receipt


def put_receipt(ctx: Context, receipt: Receipt) -> None:
    ctx.save(f"receipt/{receipt.receipt_id}", receipt)


def find_loan(ctx: ReadContext, loan_id: str) -> Loan | None:
    return ctx.load(Loan, f"loan/{loan_id}")


def get_loan(ctx: ReadContext, loan_id: str) -> Loan:
    loan = find_loan(ctx, loan_id)
    if loan is None:
        raise LoanNotFound(loan_id)
    return loan


def put_loan(ctx: Context, loan: Loan) -> None:
    ctx.save(f"loan/{loan.loan_id}", loan)


def all_lots(ctx: ReadContext) -> Iterator[Lot]:
    for _, data in ctx.scan("lot/"):
        yield Lot.model_validate(data)


def all_receipts(ctx: ReadContext) -> Iterator[Receipt]:
    for _, data in ctx.scan("receipt/"):
        yield Receipt.model_validate(data)


def all_loans(ctx: ReadContext) -> Iterator[Loan]:
    for _, data in ctx.scan("loan/"):
        yield Loan.model_validate(data)


def price_key(commodity: str, grade: str, unit: str) -> str:
    """Each part percent-encoded, so no commodity, grade or unit can alias another's key."""
    return "price/" + "/".join(quote(part, safe="") for part in (commodity, grade, unit))


def find_price(ctx: ReadContext, commodity: str, grade: str, unit: str) -> PriceAttestation | None:
    return ctx.load(PriceAttestation, price_key(commodity, grade, unit))


def put_price(ctx: Context, price: PriceAttestation) -> None:
    ctx.save(price_key(price.commodity, price.grade, price.unit), price)
