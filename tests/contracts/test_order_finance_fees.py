"""Order finance with agreed fees that are not zero: odd fees reach the closed loan.

``OrderFinanceMachine`` finances every order with ``fees=0``, so no rule about fees
(costs first in the waterfall, part of what a default writes off and a recovery
recovers) was ever exercised. ``FeesOrderFinanceMachine`` is the same machine (its
steering, noise, attackers and model) whose loans carry an odd fee: its ``finance``
rule draws one (the steering's calls use ``STEERED_FEE``), its model's loans put the
fee first in the waterfall (``FeeLoan``), and an invariant compares each loan's fee
and fee paid with the chain. ``test_fees_reach_the_end_of_loans`` asserts, over a
fixed batch of runs, that fees are paid in part, paid in full by loans that close
(among them by the buyer's payment through the waterfall), and written off with a
defaulted loan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from contracts.reached import RecordsReached, missing, reach
from ledger.block import TxResult
from tests.contracts.of_model import (
    FINANCIERS,
    MAX_PRICE,
    MEMBERS,
    OPEN,
    MLoan,
    day_time,
)
from tests.contracts.test_order_finance_machine import OrderFinanceMachine

STEERED_FEE = 1_001  # odd: a fee halved or rounded anywhere is off by a fen
RUNS = 30
STEPS = 30
MIN_RUNS = 3
WANTED = ("fee:paid in part", "fee:paid on a closed loan", "fee:paid from the receivable",
          "fee:written off")


@dataclass
class FeeLoan(MLoan):
    """``MLoan`` with the agreed fees, first in the waterfall (before penalty) and part
    of the claim a default writes off and a recovery recovers."""

    costs: int = 0
    costs_paid: int = 0

    @property
    def claim(self) -> int:
        return super().claim + self.costs - self.costs_paid

    def pay(self, available: int) -> int:
        costs = min(available, self.costs - self.costs_paid)
        self.costs_paid += costs
        paid = super().pay(available - costs)
        recovery = min(costs, self.written_off)
        self.written_off -= recovery
        self.recovered += recovery
        return costs + paid


class FeesOrderFinanceMachine(RecordsReached, OrderFinanceMachine):
    """The order-finance machine whose loans carry odd fees."""

    @rule(order_id=OrderFinanceMachine.order_ids, signer=st.sampled_from(FINANCIERS),
          share_bp=st.integers(1, 6_000), rate=st.integers(0, 1_000),
          fees=st.integers(0, 25_000).map(lambda n: 2 * n + 1))
    def finance(self, order_id: str, signer: str, share_bp: int, rate: int,
                fees: int = STEERED_FEE) -> None:
        """``OrderFinanceMachine.finance`` with ``fees`` agreed on the loan."""
        order = self.orders.get(order_id)
        code, principal = self.finance_terms(order, signer, share_bp)
        maturity = day_time(self.day + 60)
        if self.tx(signer, "finance", code, order_id=order_id, principal=principal,
                   rate_bp=rate, maturity=maturity, fees=fees) and order is not None:
            order.status = "FINANCED"
            order.loan = FeeLoan(MEMBERS[signer][0], principal, rate, self.day, self.day + 60,
                                 costs=fees)

    def fee_loans_owing(self) -> list[str]:
        return sorted(
            order_id for order_id, order in self.orders.items()
            if isinstance(order.loan, FeeLoan) and order.loan.status in OPEN
            and order.loan.costs_paid < order.loan.costs
        )

    @precondition(lambda self: bool(self.fee_loans_owing()))
    @rule(data=st.data())
    def seller_pays_part_of_the_fee(self, data: st.DataObject) -> None:
        """The seller of an open loan whose fee is not paid repays half of what is left
        of it (the waterfall takes it all as fees), as ``repay`` predicts a repayment."""
        self.pay_part_of_the_fee(
            data.draw(st.sampled_from(self.fee_loans_owing()), label="order"))

    def pay_part_of_the_fee(self, order_id: str) -> None:
        order = self.orders[order_id]
        loan = order.loan
        assert isinstance(loan, FeeLoan)
        signer = f"{order.seller}.manager"
        amount = max(1, (loan.costs - loan.costs_paid) // 2)
        if self.tx(signer, "repay", self.who(signer, order.seller, "manager"),
                   order_id=order_id, amount=amount):
            loan.accrue(self.day)
            loan.collect(amount)

    @rule(signer=st.sampled_from(["coop-a.manager", "coop-b.manager"]),
          qty=st.integers(100, 40_000), price=st.integers(100, MAX_PRICE))
    def another_fee_path(self, signer: str, qty: int, price: int) -> None:
        """``fee_path`` once more, so a run of 30 steps among 30 rules takes a few."""
        self.fee_path(signer, qty, price)

    @rule(signer=st.sampled_from(["coop-a.manager", "coop-b.manager"]),
          qty=st.integers(100, 40_000), price=st.integers(100, MAX_PRICE))
    def fee_path(self, signer: str, qty: int, price: int) -> None:
        """A new order goes along its planned path (``of_steering``: settled, cancelled,
        defaulted, the buyer's default ...) to its end; once financed, the seller first
        pays part of the fee."""
        order_id = self.new_order(signer, "buyer", qty, price)
        for _ in range(16):
            if order_id not in self.steering.live_orders():
                return
            self.steering.step(order_id)
            if order_id in self.fee_loans_owing() and not self.orders[order_id].loan.costs_paid:
                self.pay_part_of_the_fee(order_id)

    @invariant()
    def fees_match_the_model(self) -> None:
        for order_id, order in self.orders.items():
            if isinstance(order.loan, FeeLoan):
                stored = self.ledger.get("order_finance", f"loan/{order_id}")
                assert stored is not None
                assert (stored["costs"], stored["costs_paid"]) == (
                    order.loan.costs, order.loan.costs_paid), (order_id, stored, order.loan)

    def result_labels(self, result: TxResult) -> Iterable[str]:
        events = {e["type"] for e in result.events}
        for key, value in result.writes:
            if not (key.startswith("order_finance/loan/") and isinstance(value, dict)):
                continue
            costs, paid = value["costs"], value["costs_paid"]
            if not costs:
                continue
            if 0 < paid < costs:
                yield "fee:paid in part"
            if value["status"] == "CLOSED" and paid == costs:
                yield "fee:paid on a closed loan"
                if events & {"OrderPaid", "OrderSettled", "ReceivablePaid"}:
                    yield "fee:paid from the receivable"
            if value["status"] == "DEFAULTED" and value["written_off"] >= costs - paid > 0:
                yield "fee:written off"


@pytest.mark.usefixtures("module_independent_draws")
def test_fees_reach_the_end_of_loans() -> None:
    counts = reach(FeesOrderFinanceMachine, runs=RUNS, steps=STEPS)
    absent = missing(counts, WANTED, MIN_RUNS)
    assert not absent, f"not reached in {MIN_RUNS} runs: {absent}; reached: {sorted(counts)}"
