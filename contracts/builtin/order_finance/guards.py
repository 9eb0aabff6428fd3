"""Who signs each order-finance action, and the state checks the actions share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.builtin.order_finance.errors import (
    InvalidDate,
    OrderStateInvalid,
    ReceivableStateInvalid,
)
from contracts.builtin.order_finance.records import Order, OrderStatus, Receivable, ReceivableStatus
from contracts.builtin.order_finance.store import find_loan, get_order, get_receivable
from contracts.context import ReadContext
from contracts.policy import Party, all_of
from ledger.timefmt import parse_time

SELLER = Party("seller", roles=("manager",))
BUYER = Party("buyer", roles=("purchaser",))
BUYER_TREASURER = Party("buyer", roles=("treasurer",))
LENDER = Party("lender", roles=("loan_officer",))
# The holder's manager signs; while the lien is open the lender's loan officer consents
# (otherwise the holder is its own consent). Any member of either org, a farmer or a node
# key, was enough before the attacker machine tried them.
HOLDER_WITH_CONSENT = all_of(
    Party("holder", roles=("manager",)), Party("consent", roles=("loan_officer", "manager"))
)
# L5: the buyer's purchaser signs; while the financing bank's lien is open its loan officer
# co-signs (otherwise the buyer is its own consent).
BUYER_WITH_CONSENT = all_of(BUYER, Party("bank_consent", roles=("loan_officer", "purchaser")))


def order_parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    order = get_order(ctx, args.order_id)
    loan = find_loan(ctx, args.order_id)
    return {
        "seller": order.seller,
        "buyer": order.buyer,
        "lender": None if loan is None else loan.lender,
        "bank_consent": loan.lender if loan is not None and loan.lien_open else order.buyer,
    }


def receivable_parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    receivable = get_receivable(ctx, args.receivable_id)
    loan = find_loan(ctx, receivable.order_id)
    secured = loan is not None and loan.lien_open
    return {
        "holder": receivable.holder,
        "consent": loan.lender if secured and loan is not None else receivable.holder,
    }


DELIVERABLE = (
    OrderStatus.CONFIRMED, OrderStatus.FINANCED, OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_DELIVERED,
)


def require_status(order: Order, *allowed: OrderStatus) -> None:
    if order.status not in allowed:
        raise OrderStateInvalid(
            f"order {order.order_id} is {order.status.value}, "
            f"needs {'/'.join(s.value for s in allowed)}",
            order_id=order.order_id,
            status=order.status.value,
            allowed=[s.value for s in allowed],
        )


def require_open_receivable(receivable: Receivable, order: Order) -> None:
    if receivable.status is not ReceivableStatus.OPEN:
        raise ReceivableStateInvalid(
            f"receivable {receivable.receivable_id} is {receivable.status.value}",
            receivable_id=receivable.receivable_id,
            status=receivable.status.value,
        )
    require_status(order, OrderStatus.RECEIVABLE)


def require_future(ctx: ReadContext, field: str, value: str) -> None:
    if parse_time(value) <= ctx.now:
        raise InvalidDate(f"args.{field} {value} is not after block time {ctx.time}", field=field)
