"""Marking and releasing liens: on the receipt itself and in the shared registry, together.

A pledged receipt carries its loan id and pledgee (the e-NWR "lien marking" [S12]),
and the registry holds ``receipt:<id>`` and ``lot:<warehouse>:<lot>`` liens securing
the loan (X2, A9). The lot lien is what stops a second receipt for the same goods
from backing a loan at another bank (the Qingdao fraud). One lot lien per loan and
lot: it is filed with the first receipt of that lot and closed with the last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from contracts.builtin.registry.operations import (
    CLOSE_LIEN,
    FILE_LIEN,
    CloseLienArgs,
    FileLienArgs,
)
from contracts.builtin.warehouse_receipt.records import HistoryEntry, Loan, Receipt, ReceiptState
from contracts.builtin.warehouse_receipt.store import put_receipt
from contracts.context import Context


def signer_ids(ctx: Context) -> tuple[str, ...]:
    return tuple(s.member_id for s in ctx.signers)


def entry(ctx: Context, event: str, holder: str, pledgee: str | None = None) -> HistoryEntry:
    return HistoryEntry(
        event=event, by=signer_ids(ctx), at=ctx.time, holder=holder, pledgee=pledgee
    )


def recorded(
    ctx: Context,
    receipt: Receipt,
    event: str,
    holder: str,
    pledgee: str | None = None,
    /,
    **changes: Any,
) -> Receipt:
    """``receipt`` with ``changes`` made and ``event`` appended to its history, which
    names ``holder`` and ``pledgee`` as the event should record them (positional, so
    ``changes`` may set the receipt's own ``holder`` and ``pledgee``)."""
    history = (*receipt.history, entry(ctx, event, holder, pledgee))
    return receipt.model_copy(update={**changes, "history": history})


def lot_lien_secures(ctx: Context, lot_asset: str) -> str | None:
    lien = ctx.view("registry", "lookup", asset=lot_asset)["lien"]
    return None if lien is None else str(lien["secures"])


def file_receipt_lien(ctx: Context, loan: Loan, receipt: Receipt) -> None:
    ctx.invoke(
        FILE_LIEN, FileLienArgs(asset=receipt.asset, pledgee=loan.bank, secures=loan.loan_id)
    )


def mark_liens(ctx: Context, loan: Loan, receipts: Sequence[Receipt]) -> list[Receipt]:
    """Pledge ``receipts`` to ``loan``: mark each, file receipt and lot liens (same tx)."""
    marked = []
    for receipt in receipts:
        file_receipt_lien(ctx, loan, receipt)
        if lot_lien_secures(ctx, receipt.lot_asset) != loan.loan_id:
            ctx.invoke(
                FILE_LIEN,
                FileLienArgs(asset=receipt.lot_asset, pledgee=loan.bank, secures=loan.loan_id),
            )
        pledged = recorded(
            ctx, receipt, "pledged", receipt.holder, loan.bank,
            state=ReceiptState.PLEDGED, loan_id=loan.loan_id, pledgee=loan.bank,
        )
        put_receipt(ctx, pledged)
        marked.append(pledged)
    return marked


def release_liens(
    ctx: Context,
    loan: Loan,
    receipts: Iterable[Receipt],
    kept: Iterable[Receipt],
    *,
    event: str,
    new_holder: str | None = None,
) -> None:
    """Lift ``loan``'s liens from ``receipts`` (receipt and registry), closing the lot lien
    of every lot no ``kept`` receipt still pledges to the loan."""
    kept_lots = {r.lot_asset for r in kept}
    closed_lots: set[str] = set()
    for receipt in receipts:
        ctx.invoke(CLOSE_LIEN, CloseLienArgs(asset=receipt.asset, secures=loan.loan_id))
        lot = receipt.lot_asset
        if lot not in kept_lots and lot not in closed_lots:
            ctx.invoke(CLOSE_LIEN, CloseLienArgs(asset=lot, secures=loan.loan_id))
            closed_lots.add(lot)
        holder = new_holder or receipt.holder
        # A LOST receipt's lien bore on the insurance proceeds; lifting it revives nothing.
        state = ReceiptState.LOST if receipt.state is ReceiptState.LOST else ReceiptState.ACTIVE
        put_receipt(
            ctx,
            recorded(
                ctx, receipt, event, holder, loan.bank,
                state=state, loan_id=None, pledgee=None, holder=holder,
            ),
        )
