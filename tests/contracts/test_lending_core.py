"""The lending core's rules from the side of the party who would bend them:
L1 (accrual does not depend on how often a loan is touched), L2 (penalty interest
from the day after the due date, the 7.6 number), the waterfall order, L4 (a write-off
keeps the claim) and L3 (no subsidy on an overdue or defaulted loan)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from contracts.lending import (
    DayCount,
    LoanBalance,
    accrue,
    allocate,
    apply_payment,
    balance_problems,
    refusal,
    write_off,
)
from ledger.timefmt import format_time

DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PLEDGE = 36_400_000  # 364,000 CNY (docs/domain.md 1.6)


def loan(
    principal: int = PLEDGE, rate_bp: int = 450, tenor: int | None = 180,
    start: dt.datetime = START, day_count: DayCount = DayCount.ACT_365F, **fields: int,
) -> LoanBalance:
    due = None if tenor is None else format_time(start + tenor * DAY)
    return LoanBalance(principal=principal, rate_bp=rate_bp, day_count=day_count,
                       accrued_to=format_time(start), due_at=due, **fields)


def test_interest_over_the_term_is_the_worked_example() -> None:
    """364,000 CNY for 180 days at 4.5 %, ACT/365F: 8,077.80 CNY (docs/domain.md 7.6 V3)."""
    at_maturity = accrue(loan(), START + 180 * DAY)
    assert (at_maturity.interest_accrued, at_maturity.penalty_accrued) == (807_780, 0)


def test_ten_days_overdue_pay_the_penalty_rate_from_the_day_after_the_due_date() -> None:
    """L2, 7.6: 364,000 x 4.5 % x 1.5 x 10 / 365 = 673.15 CNY for ten overdue days."""
    late = accrue(loan(), START + 190 * DAY)
    assert (late.interest_accrued, late.penalty_accrued) == (807_780, 67_315)


def test_a_loan_repaid_on_its_due_date_owes_no_penalty() -> None:
    assert accrue(loan(), START + 180 * DAY + DAY // 2).penalty_accrued == 0


def test_act_360_divides_by_360() -> None:
    """docs/domain.md 2.4: 900,000 CNY for 90 days at 4.35 %, ACT/360 = 9,787.50 CNY."""
    order = loan(principal=90_000_000, rate_bp=435, tenor=90, day_count=DayCount.ACT_360)
    assert accrue(order, START + 90 * DAY).interest_accrued == 978_750


accrual_days = st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=12)


@given(
    principal=st.integers(min_value=1, max_value=10**11),
    rate_bp=st.integers(min_value=1, max_value=2_000),
    tenor=st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
    start_day=st.integers(min_value=0, max_value=3 * 366),
    share=st.integers(min_value=3_000, max_value=5_000),
    day_count=st.sampled_from(DayCount),
    steps=accrual_days,
    hours=st.integers(min_value=0, max_value=23),
)
def test_total_interest_does_not_depend_on_how_often_a_loan_is_accrued(
    principal: int, rate_bp: int, tenor: int | None, start_day: int, share: int,
    day_count: DayCount, steps: list[int], hours: int,
) -> None:
    """L1: for any schedule of accrual points (year ends and leap days included), the
    interest and penalty booked equal one accrual over the whole period, to the fen."""
    start = dt.datetime(2023, 12, 1, 9, tzinfo=dt.UTC) + start_day * DAY
    base = loan(principal, rate_bp, tenor, start, day_count, penalty_share_bp=share)
    stepped, now = base, start
    for days in steps:
        now += days * DAY + dt.timedelta(hours=hours)
        stepped = accrue(stepped, now)
    once = accrue(base, now)
    assert (stepped.interest_accrued, stepped.penalty_accrued) == (
        once.interest_accrued, once.penalty_accrued)
    assert stepped.accrued_to == once.accrued_to


def test_the_waterfall_pays_costs_then_penalty_then_interest_then_principal() -> None:
    owed = loan(costs=300, interest_accrued=200, penalty_accrued=100, principal=1_000)
    assert allocate(owed, 550).event_fields() == {
        "costs": 300, "penalty": 100, "interest": 150, "principal": 0}
    split = allocate(owed, 2_000)
    assert (split.to_lender, split.surplus) == (1_600, 400)


@given(amounts=st.lists(st.integers(min_value=0, max_value=5_000), max_size=6))
def test_payments_never_pay_a_part_beyond_what_it_owes(amounts: list[int]) -> None:
    current = loan(principal=4_000, costs=500, interest_accrued=700, penalty_accrued=90)
    received = 0
    for amount in amounts:
        current, split = apply_payment(current, amount)
        assert split.to_lender + split.surplus == amount
        received += split.to_lender
        assert balance_problems(current) == []
    assert received + current.claim == 5_290


def test_a_write_off_keeps_the_claim_and_recoveries_reduce_it() -> None:
    """L4: the lender books a loss; the borrower still owes it and later payments count."""
    defaulted = accrue(loan(), START + 200 * DAY)
    claim = defaulted.claim
    written = write_off(defaulted)
    assert (written.claim, written.written_off) == (claim, claim)
    recovered, split = apply_payment(written, 10_000_000)
    assert split.to_lender == 10_000_000
    assert (recovered.written_off, recovered.recovered) == (claim - 10_000_000, 10_000_000)
    assert recovered.claim == claim - 10_000_000
    assert balance_problems(recovered) == []


def test_no_subsidy_for_an_overdue_loan() -> None:
    """L3: interest paid late is not subsidised; on time, and on the due date, it is."""
    current = loan()
    assert refusal(current, START + 100 * DAY, defaulted=False) is None
    assert refusal(current, START + 180 * DAY, defaulted=False) is None
    assert refusal(current, START + 181 * DAY, defaulted=False) is not None


def test_no_subsidy_for_a_defaulted_or_written_off_loan() -> None:
    current = loan()
    assert refusal(current, START + DAY, defaulted=True) == "the loan is in default"
    written = write_off(accrue(current, START + 10 * DAY))
    assert refusal(written, START + 10 * DAY, defaulted=False) == "the loan is in default"
