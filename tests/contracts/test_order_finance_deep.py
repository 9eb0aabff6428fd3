"""The order-finance machine, steered, reaches every deep state in several runs.

A fixed batch of runs (not the profile's), drawn from a fixed seed
(``contracts.reached.seeded_machine``), so the check is stable and the same on every
machine, in any test order (``module_independent_draws``) and after edits of the
machine's rules that keep their strategies (a derandomized batch was seeded by a hash
of the class's source: a changed comparison drew other runs).
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from contracts.reached import seeded_machine
from tests.contracts.test_order_finance_machine import REACHED, OrderFinanceMachine

DEEP_RUNS = 200
MIN_RUNS = 3  # each deep state must be seen in at least this many runs, not by a fluke
DEEP_STATES = (
    "FINANCED", "PARTIALLY_DELIVERED", "RECEIVABLE", "PAID", "SETTLED", "CANCELLED",
    "DEFAULTED", "loan:CLOSED", "loan:DIRECT_DEBT", "loan:ACCELERATED", "loan:DEFAULTED",
    "split_receivable:ok", "transfer_receivable:ok", "finance:FINANCING_ABOVE_RATIO",
    "pay:PAYEE_NOT_CONTROLLED_ACCOUNT", "split_receivable:UNAUTHORIZED",
    # L5: the buyer's default and recourse, late payments and recoveries, shipments
    "BUYER_DEFAULT", "loan:RECOURSE", "buyer_default:ok", "buyer_default:UNAUTHORIZED",
    "buyer_default:PAYMENT_NOT_DUE", "late payment", "recovered", "cancel:UNAUTHORIZED",
    "several shipments", "late shipment", "deliver:QUANTITY_EXCEEDS_ORDERED",
    "cancel_remainder:ok", "cancel_remainder:DELIVERY_NOT_LATE", "deliver:DELIVERIES_CLOSED",
    # the impostors tried each step of the deep paths, and the registry's operations as txs
    *(f"attack:{action}" for action in (
        "create_order", "confirm", "finance", "deliver", "accept", "invoice", "pay", "settle",
        "cancel", "cancel+co", "repay", "default", "split_receivable+co",
        "transfer_receivable+co", "registry", "buyer_default", "cancel_remainder",
    )),
)


@pytest.mark.usefixtures("module_independent_draws")
def test_machine_reaches_deep_states() -> None:
    """The happy-path steering plus invalid noise still gets runs to every deep state."""
    REACHED.clear()
    run_state_machine_as_test(
        seeded_machine(OrderFinanceMachine),
        settings=settings(
            max_examples=DEEP_RUNS, stateful_step_count=50, deadline=None, database=None,
        ),
    )
    missing = [state for state in DEEP_STATES if REACHED[state] < MIN_RUNS]
    assert not missing, f"{missing} not reached; reached: {sorted(REACHED.items())}"
