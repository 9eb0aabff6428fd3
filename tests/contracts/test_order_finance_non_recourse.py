"""The order-finance machine on a chain without recourse (L5), and the check that its runs
reach the buyer's default without recourse.

The subclass overrides only the three rules where recourse matters (repay, default,
buyer_default), each around the base rule of test_order_finance_machine.py; the model,
the steering and the comparison with the ledger are the base machine's.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test

from contracts.builtin.order_finance.contract import OrderFinanceContract
from contracts.genesis import ContractConfig
from tests.contracts.of_model import DECLARERS, MANAGERS, OFFICERS
from tests.contracts.test_order_finance_machine import REACHED, OrderFinanceMachine


class NonRecourseOrderFinanceMachine(OrderFinanceMachine):
    """The machine on a chain whose order-finance loans are without recourse (L5): after
    the buyer's default the loan stays ACTIVE and keeps its due date, only the buyer's
    payments repay it, and a written-off claim is not the seller's to repay.

    The recourse machine's own source is left as it is: Hypothesis seeds a derandomized
    run from the machine class's source, and its deep-state check depends on that seed.
    Only the three rules where recourse matters are overridden here, each around the
    base rule."""

    recourse: ClassVar[bool] = False
    contracts = (
        "membership", "settlement", "registry",
        ContractConfig(name="order_finance", version=OrderFinanceContract.version,
                       params={"recourse": False}),
    )

    @rule(order_id=OrderFinanceMachine.order_ids, signer=st.sampled_from(MANAGERS),
          part=st.sampled_from(["all", "half", "over"]))
    def repay(self, order_id: str, signer: str, part: str) -> None:
        """A written-off claim is not the seller's: its repayment is refused."""
        order = self.orders.get(order_id)
        loan = None if order is None else order.loan
        if order is None or loan is None or loan.claim_left == 0:
            super().repay(order_id, signer, part)
            return
        code = self.who(signer, order.seller, "manager") or "LOAN_NOT_OPEN"
        self.tx(signer, "repay", code, order_id=order_id, amount=loan.claim_left)
        self.seen.add(f"repay of a claim without recourse:{code}")

    @rule(order_id=OrderFinanceMachine.order_ids, signer=st.sampled_from(OFFICERS))
    def default(self, order_id: str, signer: str) -> None:
        order = self.orders.get(order_id)
        kept_before = order is not None and order.loan is not None and order.loan.claim_left
        super().default(order_id, signer)
        if order is not None and order.loan is not None and order.loan.claim_left \
                and not kept_before and order.status == "BUYER_DEFAULT":
            self.seen.add("claim kept without recourse")

    @rule(order_id=OrderFinanceMachine.order_ids, signer=st.sampled_from(DECLARERS))
    def buyer_default(self, order_id: str, signer: str) -> None:
        """The loan stays ACTIVE with its due date: the base rule's move to RECOURSE
        (after accruing to today, which changes no total: L1) is undone in the model."""
        order = self.orders.get(order_id)
        loan = None if order is None else order.loan
        before = None if loan is None else (loan.status, loan.due_day)
        super().buyer_default(order_id, signer)
        if loan is not None and before is not None and before[0] == "ACTIVE" \
                and loan.status == "RECOURSE":
            loan.status, loan.due_day = before
            self.seen.add("buyer default without recourse")


NON_RECOURSE_RUNS = 100
MIN_RUNS = 3  # each state must be seen in at least this many runs, not by a fluke
NON_RECOURSE_STATES = (
    # L5 without recourse: the buyer's default leaves the loan ACTIVE (never RECOURSE), the
    # buyer's late payments repay it, a write-off keeps the claim on the receivable, and
    # the seller cannot be made to repay that claim
    "BUYER_DEFAULT", "buyer default without recourse", "late payment", "loan:DEFAULTED",
    "claim kept without recourse", "repay of a claim without recourse:LOAN_NOT_OPEN",
    "recovered", "SETTLED", "loan:CLOSED",
)


@pytest.mark.usefixtures("module_independent_draws")
def test_the_non_recourse_machine_reaches_buyer_default_without_recourse() -> None:
    REACHED.clear()
    run_state_machine_as_test(
        NonRecourseOrderFinanceMachine,
        settings=settings(
            max_examples=NON_RECOURSE_RUNS, stateful_step_count=50, deadline=None,
            database=None, derandomize=True,
        ),
    )
    missing = [state for state in NON_RECOURSE_STATES if REACHED[state] < MIN_RUNS]
    assert not missing, f"{missing} not reached; reached: {sorted(REACHED.items())}"
    assert not REACHED["loan:RECOURSE"], "a loan went to RECOURSE on a chain without recourse"
