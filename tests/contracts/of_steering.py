"""Steering for the order-finance machine: take a live order along a planned path.

Random actions alone rarely get an order financed, delivered, invoiced and then
overdue. ``Steering.steer`` (the machine's ``progress`` rule) takes a live order a few
steps along its plan, through the machine's own rules, so every step is still predicted
by the model and attacked by the impostors. The plan is picked by the order's quantity
and price (``PLANS``), not drawn per call: drawn endings were too correlated across
examples and left whole endings unreached in the deep-state check.

Endings: ``settle``; ``cancel`` once financed (with the lender's co-signature, after the
buyer alone was refused); ``default`` (seller's debt written off, or after the buyer's
default a write-off that keeps its claim, then the buyer pays late); ``buyer_default``
(the buyer pays after its default); ``recourse`` (the seller repays after the buyer's
default); ``hold`` (stop at the receivable for the noise to split and assign).
Deliveries: ``full``, ``short`` (a third), ``split`` (two shipments), ``late`` (a
shipment after the due date, then the buyer cancels the remainder), ``none`` (the seller
never ships and the bank writes the loan off against it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.contracts.of_model import OPEN, MOrder

if TYPE_CHECKING:
    from tests.contracts.test_order_finance_machine import OrderFinanceMachine

PLANS: list[tuple[str, str]] = [
    ("settle", "full"), ("cancel", "full"), ("settle", "short"), ("default", "full"),
    ("hold", "full"), ("default", "short"), ("hold", "short"), ("buyer_default", "split"),
    ("recourse", "late"), ("settle", "late"), ("buyer_default", "full"), ("default", "none"),
]
_FINISHED = ("CANCELLED", "SETTLED", "DEFAULTED")


def recourse(machine: OrderFinanceMachine) -> bool:
    """Whether the machine's loans have recourse (only the non-recourse variant says)."""
    return bool(getattr(machine, "recourse", True))


class Steering:
    def __init__(self, machine: OrderFinanceMachine) -> None:
        self.m = machine

    def live_orders(self) -> list[str]:
        """Orders with a step left on their path: not finished, or finished with a loan
        still open (which the "default" ending can still default)."""
        return [
            order_id for order_id, order in sorted(self.m.orders.items())
            if (order.status not in _FINISHED
                or (order.loan is not None and order.loan.status in OPEN))
            and not (order.plan[0] == "hold" and order.status in ("RECEIVABLE", "PAID")
                     and len(order.receivables) > 1)
        ]

    def steer(self, pick: int, steps: int) -> None:
        live = self.live_orders()
        order_id = live[pick % len(live)]
        for _ in range(steps):
            self.step(order_id)

    def wait_days(self, days: int) -> None:
        self.m.ledger.advance(days=days)
        self.m.day += days

    def step(self, order_id: str) -> None:
        m, order = self.m, self.m.orders[order_id]
        ending, _ = order.plan
        seller, buyer = f"{order.seller}.manager", f"{order.buyer}.purchaser"
        lender = m.lender_of(order)
        officer = f"{lender}.officer" if lender else seller
        loan_open = order.loan is not None and order.loan.status in OPEN
        if ending == "cancel" and order.status == "FINANCED":
            m.cancel(order_id, buyer, "none")  # refused: the bank must co-sign
            m.cancel(order_id, buyer, "lender")
            return
        if order.status in ("SETTLED", "CANCELLED"):
            if ending == "default" and loan_open:
                self.wait_days(61)
                m.default(order_id, officer)
            return
        if order.status == "RECEIVABLE" and ending in ("default", "buyer_default", "recourse"):
            if m.day <= order.payment_due_day:
                m.buyer_default(order_id, officer)  # refused: the invoice is not due yet
                self.wait_days(order.payment_due_day - m.day + 1)
            m.buyer_default(order_id, buyer)  # refused: the buyer does not declare itself
            m.buyer_default(order_id, officer if ending != "recourse" else seller)
            return
        if order.status == "BUYER_DEFAULT":
            self.after_buyer_default(order_id, order, ending, officer, loan_open)
            return
        if ending == "hold" and order.status == "RECEIVABLE":
            self.split_and_assign(order_id, order)
            return
        step = self.steps(order_id, order, officer).get(order.status)
        if step is not None:
            step()

    def after_buyer_default(
        self, order_id: str, order: MOrder, ending: str, officer: str, loan_open: bool
    ) -> None:
        m = self.m
        if ending == "default" and loan_open:
            if order.loan is not None and order.loan.due_day > m.day:
                self.wait_days(order.loan.due_day - m.day)
            m.default(order_id, officer)
        elif ending == "default" and not recourse(m) and order.loan and order.loan.claim_left:
            m.repay(order_id, f"{order.seller}.manager", "all")  # refused: not the seller's
            self.pay_controlled(order_id, order, "half" if order.paid_in == 0 else "all")
        elif ending == "recourse" and loan_open:
            m.repay(order_id, f"{order.seller}.manager", "all")
        else:
            self.pay_controlled(order_id, order, "half" if order.paid_in == 0 else "all")

    def steps(self, order_id: str, order: MOrder, officer: str) -> dict[str, Callable[[], None]]:
        m = self.m
        seller, buyer = f"{order.seller}.manager", f"{order.buyer}.purchaser"
        return {
            "DRAFT": lambda: m.confirm(order_id, buyer),
            "CONFIRMED": lambda: self.finance_at_ratio(order_id),
            "FINANCED": lambda: self.first_shipment(order_id, order),
            "SHIPPED": lambda: m.accept(order_id, buyer, 0),
            "DELIVERED": lambda: m.invoice(order_id, seller),
            "PARTIALLY_DELIVERED": lambda: self.more_shipments(order_id, order),
            "RECEIVABLE": lambda: self.pay_controlled(order_id, order, "all"),
            "PAID": lambda: m.settle(order_id, officer),
        }

    def first_shipment(self, order_id: str, order: MOrder) -> None:
        delivery = order.plan[1]
        seller = f"{order.seller}.manager"
        loan = order.loan
        if delivery == "none" and loan is not None:  # the seller never ships: its default
            self.wait_days(max(0, loan.due_day - self.m.day))
            self.m.default(order_id, f"{loan.lender}.officer")
        elif delivery == "full":
            self.m.ship(order_id, seller, order.qty)
        elif delivery == "short":
            self.m.ship(order_id, seller, max(1, order.qty // 3))
        else:  # split, late: half now; the seller first tries one kg more than ordered
            self.m.ship(order_id, seller, order.qty + 1)
            self.m.ship(order_id, seller, max(1, order.qty // 2))

    def more_shipments(self, order_id: str, order: MOrder) -> None:
        m, delivery = self.m, order.plan[1]
        seller, buyer = f"{order.seller}.manager", f"{order.buyer}.purchaser"
        if delivery == "split" and order.remaining and not order.remainder_cancelled:
            m.ship(order_id, seller, order.remaining)
        elif delivery == "late" and order.remaining and not order.remainder_cancelled:
            if m.day <= order.due_day:
                m.cancel_remainder(order_id, buyer)  # refused: not late yet
                self.wait_days(order.due_day - m.day + 1)
            if order.shipments == 1:
                m.ship(order_id, seller, max(1, order.remaining // 2))
            else:
                m.cancel_remainder(order_id, buyer)
        else:
            if order.remainder_cancelled:
                m.ship(order_id, seller, 1)  # refused: the buyer cancelled the remainder
            m.invoice(order_id, seller)

    def finance_at_ratio(self, order_id: str) -> None:
        """Bank B asks for one basis point above the ratio (refused), then bank A lends at
        the ratio and bank B's second try is refused: one order, one loan."""
        self.m.finance(order_id, "bank-b.officer", 5_001, 435)
        self.m.finance(order_id, "bank-a.officer", 5_000, 435)
        self.m.finance(order_id, "bank-b.officer", 4_000, 435)

    def pay_controlled(self, order_id: str, order: MOrder, part: str) -> None:
        """The buyer first tries to pay the seller directly (refused: B3), then pays into
        the controlled account."""
        treasurer = f"{order.buyer}.treasurer"
        self.m.pay(order_id, treasurer, part, "seller")
        self.m.pay(order_id, treasurer, part, "default")

    def split_and_assign(self, order_id: str, order: MOrder) -> None:
        """The holder splits the receivable with the lender's consent, then assigns the
        first part to the other cooperative; the rest is left to the noise."""
        holder = f"{order.receivables[order_id][1]}.manager"
        other = "coop-b" if order.seller == "coop-a" else "coop-a"
        self.m.split(order_id, 0, holder, "lender", 1, True)
        self.m.assign(order_id, 1, holder, "lender", other)
