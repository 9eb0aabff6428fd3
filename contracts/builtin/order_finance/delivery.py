"""Delivery in shipments, late delivery and the invoice (L5, B5).

The seller ships in one or more shipments up to the ordered quantity; the buyer
accepts what arrived of the shipments it has not inspected yet (less is a short
acceptance). A shipment after ``delivery_due`` is recorded with its days late
(``late_shipments``, ``days_late``, the ``OrderDelivered`` event); its consequence (A):
the buyer alone may then cancel the undelivered remainder, and the seller invoices what
was accepted. The invoice fixes the receivable at accepted quantity x price, its
payment due date ``payment_days`` later and the short quantity.
"""

from __future__ import annotations

import datetime as dt

from contracts.base import action
from contracts.builtin.order_finance.errors import (
    AcceptedExceedsDelivered,
    DeliveriesClosed,
    DeliveryNotLate,
    QuantityExceedsOrdered,
)
from contracts.builtin.order_finance.guards import (
    BUYER,
    DELIVERABLE,
    SELLER,
    order_parties,
    require_status,
)
from contracts.builtin.order_finance.models import OrderArgs, QuantityArgs
from contracts.builtin.order_finance.records import OrderStatus, Receivable, ReceivableStatus
from contracts.builtin.order_finance.recovery import days_after
from contracts.builtin.order_finance.store import get_order, put_order, put_receivable
from contracts.context import Context
from ledger.timefmt import format_time


class OrderDelivery:
    """Actions mixed into OrderFinanceContract."""

    @action(QuantityArgs, policy=SELLER, parties=order_parties)
    def deliver(self, ctx: Context, args: QuantityArgs) -> None:
        """The seller ships ``quantity`` kg, one of several shipments up to the ordered
        quantity (L5); a shipment after ``delivery_due`` is recorded with its days late."""
        order = get_order(ctx, args.order_id)
        require_status(order, *DELIVERABLE)
        if order.remainder_cancelled:
            raise DeliveriesClosed(
                f"the buyer cancelled the undelivered {order.remainder_cancelled} kg",
                order_id=order.order_id,
            )
        remaining = order.quantity - order.delivered_qty
        if args.quantity > remaining:
            raise QuantityExceedsOrdered(
                f"args.quantity {args.quantity} kg exceeds the {remaining} kg still to deliver "
                f"(ordered {order.quantity}, delivered {order.delivered_qty})",
                quantity=args.quantity,
                remaining=remaining,
            )
        late = days_after(order.delivery_due, ctx.now)
        delivered = order.delivered_qty + args.quantity
        update: dict[str, object] = {
            "status": OrderStatus.SHIPPED,
            "delivered_qty": delivered,
            "shipments": order.shipments + 1,
        }
        if late:
            update |= {"late_shipments": order.late_shipments + 1, "days_late": late}
        put_order(ctx, order.model_copy(update=update))
        ctx.emit(
            "OrderDelivered",
            order_id=order.order_id,
            quantity=args.quantity,
            shipment=order.shipments + 1,
            delivered=delivered,
            days_late=late,
        )

    @action(QuantityArgs, policy=BUYER, parties=order_parties)
    def accept(self, ctx: Context, args: QuantityArgs) -> None:
        """The buyer accepts ``quantity`` kg of the shipments it has not yet inspected
        (less is a short acceptance); the rest of them is refused."""
        order = get_order(ctx, args.order_id)
        require_status(order, OrderStatus.SHIPPED)
        pending = order.delivered_qty - order.inspected_qty
        if args.quantity > pending:
            raise AcceptedExceedsDelivered(
                f"args.quantity {args.quantity} > {pending} kg delivered and not yet inspected",
                quantity=args.quantity,
                pending=pending,
            )
        accepted = order.accepted_qty + args.quantity
        full = accepted == order.quantity
        status = OrderStatus.DELIVERED if full else OrderStatus.PARTIALLY_DELIVERED
        update = {"status": status, "accepted_qty": accepted, "inspected_qty": order.delivered_qty}
        put_order(ctx, order.model_copy(update=update))
        ctx.emit(
            "OrderAccepted", order_id=order.order_id, quantity=args.quantity,
            accepted=accepted, full=full,
        )

    @action(OrderArgs, policy=BUYER, parties=order_parties)
    def cancel_remainder(self, ctx: Context, args: OrderArgs) -> None:
        """After a late delivery the buyer alone cancels what is still undelivered (L5):
        no further shipment is taken and the seller invoices what was accepted."""
        order = get_order(ctx, args.order_id)
        require_status(order, OrderStatus.PARTIALLY_DELIVERED)
        late = days_after(order.delivery_due, ctx.now)
        if not late:
            raise DeliveryNotLate(
                f"delivery is due {order.delivery_due}; the remainder can be cancelled only "
                "after that",
                delivery_due=order.delivery_due,
            )
        remainder = order.quantity - order.delivered_qty
        if order.remainder_cancelled or not remainder:
            raise DeliveriesClosed(
                f"order {order.order_id} has no undelivered remainder to cancel",
                order_id=order.order_id,
            )
        put_order(ctx, order.model_copy(update={"remainder_cancelled": remainder}))
        ctx.emit("RemainderCancelled", order_id=order.order_id, quantity=remainder,
                 days_late=late)

    @action(OrderArgs, policy=SELLER, parties=order_parties)
    def invoice(self, ctx: Context, args: OrderArgs) -> None:
        """The seller invoices accepted quantity x price; the receivable is born (B5), due
        ``payment_days`` later. Less than ordered is recorded as a short delivery."""
        order = get_order(ctx, args.order_id)
        require_status(order, OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED)
        amount = order.accepted_qty * order.unit_price
        put_receivable(
            ctx,
            Receivable(
                receivable_id=order.order_id,
                order_id=order.order_id,
                parent=None,
                amount=amount,
                holder=order.seller,
                status=ReceivableStatus.OPEN,
            ),
        )
        due = format_time(ctx.now + dt.timedelta(days=order.payment_days))
        short = order.quantity - order.accepted_qty
        update = {
            "status": OrderStatus.RECEIVABLE, "invoice_amount": amount, "payment_due": due,
            "short_qty": short,
        }
        put_order(ctx, order.model_copy(update=update))
        ctx.emit("Invoiced", order_id=order.order_id, amount=amount, payment_due=due,
                 short_qty=short)
