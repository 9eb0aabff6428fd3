"""Order financing: a buyer's confirmed order secures a bank loan; the buyer pays the bank first.

A cooperative drafts a purchase order and the buyer (a supermarket chain)
confirms it; a bank finances up to the financing ratio of its value. The buyer
may cancel before delivery, with the bank's co-signature (the loan accelerates
and the cooperative repays it at once). Otherwise the cooperative delivers in
one or more shipments, in full or short, some orders' last shipment after the
delivery date (recorded late); the buyer accepts what arrived of each, the
cooperative invoices, and the buyer pays into the order's controlled account,
where the waterfall pays the bank first. A defaulting buyer misses the invoice's
due date: the bank records the buyer's default, and the buyer pays later, still
into the controlled account. A shortfall becomes the cooperative's direct debt,
which it repays.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass

from contracts.builtin.order_finance.models import (
    CreateOrderArgs,
    FinanceArgs,
    OrderArgs,
    PayArgs,
    QuantityArgs,
    RepayArgs,
)
from contracts.roles import TREASURER
from scenarios.agents.base import AgentKit, at_least
from scenarios.engine import Outcome, Story, Tx, Wait, ok

OF = "order_finance"


@dataclass(frozen=True)
class Fate:
    """What the seed drew for one order."""

    cancels: bool = False
    short: bool = False
    late: bool = False
    buyer_defaults: bool = False


def _debt(kit: AgentKit, reader: str, order_id: str) -> int:
    return int(kit.view(reader, OF, "outstanding_debt", order_id=order_id)["outstanding"])


def repay_all(kit: AgentKit, payer: str, seller: str, order_id: str) -> Story:
    for _ in range(3):
        debt = _debt(kit, payer, order_id)
        if debt <= 0:
            return
        outcome = yield Tx(payer, OF, "repay", RepayArgs(order_id=order_id, amount=debt),
                           co_signers=kit.dual_control(seller, debt, payer))
        if not ok(outcome):
            return


def order_story(
    kit: AgentKit, coop: str, buyer: str, bank: str, number: int, day: float, fate: Fate
) -> Story:
    spec = kit.world.scenario.agents.orders
    rng = kit.rng
    manager = kit.member(coop, "manager")
    purchaser = kit.member(buyer, "purchaser")
    treasurer = kit.member(buyer, "treasurer")
    officer = kit.member(bank, "loan_officer")
    quantity = rng.randint(*spec.quantity_kg)
    price = spec.unit_price_fen
    order_id = f"{coop}-order-{number}"
    delivery_day = day + spec.delivery_days
    outcome = yield Tx(
        manager,
        OF,
        "create_order",
        CreateOrderArgs(
            order_id=order_id,
            buyer=buyer,
            quantity=quantity,
            unit_price=price,
            delivery_due=kit.time_at(delivery_day),
            payment_days=int(spec.payment_days),
        ),
    )
    if not ok(outcome):
        return
    outcome = yield Tx(purchaser, OF, "confirm", OrderArgs(order_id=order_id))
    if not ok(outcome):
        return
    principal = quantity * price * spec.finance_ratio_bp // 10_000
    outcome = yield Tx(
        officer,
        OF,
        "finance",
        FinanceArgs(
            order_id=order_id,
            principal=principal,
            rate_bp=spec.rate_bp,
            maturity=kit.time_at(delivery_day + spec.payment_days + 10),
            fees=spec.fee_fen,
        ),
        co_signers=kit.dual_control(bank, principal, officer),
    )
    if not ok(outcome):
        return
    if fate.cancels:  # a financed order: the bank co-signs the cancellation
        yield Wait(days=spec.delivery_days / 3)
        outcome = yield Tx(purchaser, OF, "cancel", OrderArgs(order_id=order_id),
                           co_signers=(officer,))
        if ok(outcome):
            yield Wait(days=2)
            yield from repay_all(kit, manager, coop, order_id)
        return
    delivered = quantity * 9 // 10 if fate.short else quantity
    if not (yield from deliver(kit, manager, purchaser, order_id, delivered, delivery_day,
                               fate.late)):
        return
    outcome = yield Tx(manager, OF, "invoice", OrderArgs(order_id=order_id))
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    invoiced = outcome.event("Invoiced")
    amount = int(invoiced["amount"]) if invoiced else delivered * price
    yield Wait(days=spec.payment_days)
    if fate.buyer_defaults:  # the invoice goes unpaid past its due date
        yield Wait(days=1)
        yield Tx(officer, OF, "buyer_default", OrderArgs(order_id=order_id))
        yield Wait(days=spec.late_payment_days)
    outcome = yield Tx(
        treasurer, OF, "pay", PayArgs(order_id=order_id, amount=amount),
        co_signers=kit.dual_control(buyer, amount, treasurer, (TREASURER, "purchaser")),
    )
    if not ok(outcome):
        return
    outcome = yield Tx(officer, OF, "settle", OrderArgs(order_id=order_id))
    if ok(outcome):
        assert isinstance(outcome, Outcome)
        if outcome.event("ShortfallToDirectDebt") is not None:
            yield Wait(days=5)
            yield from repay_all(kit, manager, coop, order_id)


def deliver(
    kit: AgentKit, manager: str, purchaser: str, order_id: str, quantity: int,
    delivery_day: float, late: bool,
) -> Generator[Tx | Wait, Outcome | None, bool]:
    """Ship ``quantity`` in ``spec.shipments`` parts, each accepted on arrival; a late
    order's last shipment arrives ``spec.late_days`` after the delivery date. Returns
    whether every shipment was delivered and accepted."""
    spec = kit.world.scenario.agents.orders
    parts = [quantity // spec.shipments] * spec.shipments
    parts[-1] += quantity - sum(parts)
    for index, part in enumerate(parts):
        ahead = len(parts) - 1 - index  # shipments still to come after this one
        arrives = delivery_day + spec.late_days if late and not ahead else delivery_day - 1
        yield Wait(until_day=arrives - ahead * 5)
        outcome = yield Tx(manager, OF, "deliver", QuantityArgs(order_id=order_id, quantity=part))
        if not ok(outcome):
            return False
        outcome = yield Tx(purchaser, OF, "accept", QuantityArgs(order_id=order_id, quantity=part))
        if not ok(outcome):
            return False
    return True


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.orders
    if not spec.orders or not kit.enabled(OF):
        return
    coops = kit.world.orgs_of_type("cooperative")
    buyers = kit.world.orgs_of_type("buyer")
    banks = kit.world.orgs_of_type("bank")
    if not (coops and buyers and banks):
        return
    rng = kit.rng
    everyone = range(spec.orders)
    cancels = [rng.random() < spec.cancel_probability for _ in everyone]
    at_least(rng, cancels, spec.at_least_cancelled, everyone)
    delivering = [n for n in everyone if not cancels[n]]
    short = [not cancels[n] and rng.random() < spec.short_delivery_probability for n in everyone]
    at_least(rng, short, spec.at_least_short_delivered, delivering)
    late = [not cancels[n] and rng.random() < spec.late_delivery_probability for n in everyone]
    at_least(rng, late, spec.at_least_late, delivering)
    defaults = [
        not cancels[n] and rng.random() < spec.buyer_default_probability for n in everyone
    ]
    at_least(rng, defaults, spec.at_least_buyer_defaults, delivering)
    for number in everyone:
        day = spec.start_day + rng.random() * spec.spread_days
        coop = coops[number % len(coops)]
        buyer = buyers[number % len(buyers)]
        bank = banks[(number + 1) % len(banks)]
        fate = Fate(cancels[number], short[number], late[number], defaults[number])
        story = order_story(kit, coop, buyer, bank, number, day, fate)
        yield day, f"order-{number}", story
