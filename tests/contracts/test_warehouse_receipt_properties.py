"""Properties of the pure parts: the waterfall's priority order and exact interest accrual."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from contracts.builtin.warehouse_receipt.interest import accrue
from contracts.builtin.warehouse_receipt.waterfall import apply_waterfall

fen = st.integers(0, 10**12)
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@given(proceeds=fen, costs=fen, interest=fen, principal=fen)
def test_waterfall_pays_in_order_and_the_borrower_only_the_surplus(
    proceeds: int, costs: int, interest: int, principal: int
) -> None:
    w = apply_waterfall(proceeds, costs, interest, principal)
    assert w.to_bank + w.surplus == proceeds
    assert w.interest == 0 or w.costs == costs
    assert w.principal == 0 or w.interest == interest
    assert w.surplus == 0 or (w.principal == principal and w.principal_shortfall == 0)
    assert w.interest + w.principal <= interest + principal


@given(
    principal=st.integers(0, 10**11),
    rate=st.integers(0, 3000),
    cuts=st.lists(st.integers(0, 400 * 86_400), max_size=6),
)
def test_interest_is_the_same_however_often_it_is_accrued(
    principal: int, rate: int, cuts: list[int]
) -> None:
    end = START + dt.timedelta(days=400)
    once = accrue(principal, rate, 0, START, end, 365)
    total, carry, since = 0, 0, START
    for cut in sorted(cuts):
        step = accrue(principal, rate, carry, since, START + dt.timedelta(seconds=cut), 365)
        total, carry, since = total + step.interest, step.carry, step.accrued_to
    last = accrue(principal, rate, carry, since, end, 365)
    assert total + last.interest == once.interest == principal * rate * 400 // 3_650_000
