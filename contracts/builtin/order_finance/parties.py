"""Who is party to an order, for disputes' standing rule (``contracts.assets``)."""

from __future__ import annotations

from typing import Any

from contracts.assets import AssetParties, AssetQuery
from contracts.base import view
from contracts.builtin.order_finance.records import Order, order_key
from contracts.builtin.order_finance.store import find_loan, receivables_of
from contracts.context import ReadContext


class OrderParties:
    """View mixed into OrderFinanceContract."""

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
