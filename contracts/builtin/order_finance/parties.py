"""Who is party to an order, for disputes' standing rule, and the receivable's payout
path for a court's judgment (D7), both through the seam of ``contracts.assets``.

Money the buyer owes the seller (or a receivable holder) for a financed receivable is
the receivable's money: a judgment that the buyer pays it is a buyer payment, into the
order's controlled account only (B3), up to what the invoice still owes, and runs the
waterfall at once, the bank first (as a payment after the buyer's default does, L5); the
holders' remainder waits in the account for ``settle``. The seller cannot take the
buyer's money ahead of the bank through a court. The disputes contract alone invokes it
(``require_court``)."""

from __future__ import annotations

from typing import Any

from contracts.assets import (
    COURT_PAYOUT,
    AssetParties,
    AssetQuery,
    CourtPaid,
    CourtPathQuery,
    CourtPayoutArgs,
    require_court,
)
from contracts.base import operation, view
from contracts.builtin.order_finance.records import (
    Order,
    OrderStatus,
    controlled_account_name,
    order_key,
)
from contracts.builtin.order_finance.recovery import bank_first
from contracts.builtin.order_finance.store import find_loan, put_loan, put_order, receivables_of
from contracts.context import Context, ReadContext


def _financed_receivable(ctx: ReadContext, asset: str, payer: str, payee: str) -> Order | None:
    """The order, if ``payer`` is its buyer and ``payee`` its seller or a receivable holder."""
    kind, _, order_id = asset.partition(":")
    order = ctx.load(Order, order_key(order_id)) if kind == "order" and order_id else None
    if order is None or payer != order.buyer:
        return None
    holders = {order.seller, *(r.holder for r in receivables_of(ctx, order_id))}
    return order if payee in holders else None


class OrderParties:
    """Views and the court operation mixed into OrderFinanceContract."""

    @view(AssetQuery)
    def asset_parties(self, ctx: ReadContext, query: AssetQuery) -> Any:
        """``order:<id>``: seller and receivable holders (its owners), buyer, suppliers and
        the financing bank."""
        kind, _, order_id = query.asset.partition(":")
        order = ctx.load(Order, order_key(order_id)) if kind == "order" and order_id else None
        if order is None:
            return AssetParties.missing().to_state()
        loan = find_loan(ctx, order_id)
        holders = [r.holder for r in receivables_of(ctx, order_id)]
        return AssetParties.of(
            [order.seller, *holders, order.buyer, *order.suppliers,
             None if loan is None else loan.lender],
            owners=[order.seller, *holders], value=order.value,
        ).to_state()

    @view(CourtPathQuery)
    def court_path(self, ctx: ReadContext, query: CourtPathQuery) -> bool:
        """Money the buyer owes the seller or a holder is paid as the receivable."""
        return _financed_receivable(ctx, query.asset, query.payer, query.payee) is not None

    @operation(CourtPayoutArgs, result=CourtPaid)
    def court_payout(self, ctx: Context, args: CourtPayoutArgs) -> CourtPaid:
        """Pay up to ``amount`` from ``source`` into the controlled account as the buyer's
        payment, at most what the invoice still owes, and repay the bank first from it;
        the fen paid in (0 before the invoice or once it is paid)."""
        require_court(ctx, COURT_PAYOUT)
        order = _financed_receivable(ctx, args.asset, args.payer, args.payee)
        if order is None or order.status not in (OrderStatus.RECEIVABLE,
                                                 OrderStatus.BUYER_DEFAULT):
            return CourtPaid(amount=0)
        amount = min(args.amount, order.invoice_amount - order.paid_in)
        if amount <= 0:
            return CourtPaid(amount=0)
        account = ctx.escrow(controlled_account_name(order.order_id))
        ctx.transfer(args.source, account, amount, f"judgment pays order {order.order_id}")
        paid_in = order.paid_in + amount
        status = OrderStatus.PAID if paid_in == order.invoice_amount else order.status
        order = order.model_copy(update={"paid_in": paid_in, "status": status})
        order, loan = bank_first(ctx, order, find_loan(ctx, order.order_id), account)
        if loan is not None:
            put_loan(ctx, loan)
        put_order(ctx, order)
        ctx.emit("OrderPaid", order_id=order.order_id, amount=amount,
                 full=paid_in == order.invoice_amount, by_court=True)
        return CourtPaid(amount=amount)
