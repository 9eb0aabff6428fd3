"""Read-only views of order financing (HTTP API and other contracts)."""

from __future__ import annotations

from typing import Any

from contracts.base import view
from contracts.builtin.order_finance import lending
from contracts.builtin.order_finance.models import (
    BuyerQuery,
    OrderQuery,
    ReceivableQuery,
    SellerQuery,
)
from contracts.builtin.order_finance.records import Loan, controlled_account
from contracts.builtin.order_finance.store import (
    all_orders,
    find_loan,
    get_loan,
    get_order,
    get_receivable,
    receivables_of,
)
from contracts.context import ReadContext


def loan_json(ctx: ReadContext, loan: Loan) -> dict[str, Any]:
    """The loan with interest accrued to block time, what is outstanding and the claim
    (after a write-off the claim is still owed: L4)."""
    current = lending.accrued_now(ctx, loan)
    return {**current.to_state(), "outstanding": current.outstanding, "claim": current.claim}


class OrderFinanceViews:
    """Views mixed into OrderFinanceContract."""

    @view(OrderQuery)
    def order(self, ctx: ReadContext, query: OrderQuery) -> Any:
        order = get_order(ctx, query.order_id)
        loan = find_loan(ctx, order.order_id)
        return {
            **order.to_state(),
            "controlled_account": controlled_account(ctx.contract_name, order.order_id),
            "loan": None if loan is None else loan_json(ctx, loan),
            "receivables": [r.to_state() for r in receivables_of(ctx, order.order_id)],
        }

    @view(SellerQuery)
    def orders_by_seller(self, ctx: ReadContext, query: SellerQuery) -> Any:
        return [o.to_state() for o in all_orders(ctx) if o.seller == query.seller]

    @view(BuyerQuery)
    def orders_by_buyer(self, ctx: ReadContext, query: BuyerQuery) -> Any:
        return [o.to_state() for o in all_orders(ctx) if o.buyer == query.buyer]

    @view(OrderQuery)
    def loan(self, ctx: ReadContext, query: OrderQuery) -> Any:
        return loan_json(ctx, get_loan(ctx, query.order_id))

    @view(OrderQuery)
    def outstanding_debt(self, ctx: ReadContext, query: OrderQuery) -> Any:
        """What an insurance payout to the bank as loss payee may cover (preamble)."""
        get_order(ctx, query.order_id)
        loan = find_loan(ctx, query.order_id)
        if loan is None:
            return {"outstanding": 0, "lender": None}
        return {"outstanding": lending.accrued_now(ctx, loan).outstanding, "lender": loan.lender}

    @view(ReceivableQuery)
    def receivable(self, ctx: ReadContext, query: ReceivableQuery) -> Any:
        return get_receivable(ctx, query.receivable_id).to_state()
