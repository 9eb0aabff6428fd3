"""Caps, windows and day counts tried at and one unit around their edges
(``contracts.strategies``), and the slips those draws catch where uniform draws do not.

Each ``*_slip_is_caught`` test plants a realistic slip beside the real rule (a cap
rounded to the nearest fen instead of down, a window a day short, a day count by
calendar date) and asserts the boundary strategy finds an input where they differ.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from test_claims_kit import MU, Flow, cover, harness_with_stand_ins, ok, rejected
from wr_fixtures import WrLedger, loan_id

from contracts.builtin.claims.models import ClaimsParams
from contracts.builtin.warehouse_receipt import ltv
from contracts.builtin.warehouse_receipt.params import WarehouseReceiptParams
from contracts.lending.daycount import book, interest_denominator, whole_days
from contracts.strategies import (
    cap_and_amount,
    cap_of,
    day_spans,
    fen,
    window_edges,
    year_edges,
)
from ledger.timefmt import parse_time

P = WarehouseReceiptParams()
VALUES = fen(1, 10**12, edges=(10_000, 3 * 10**8))
H1 = "coop-q.h001"
FIND = settings(max_examples=500, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.filter_too_much])


# -- caps in basis points (LTV 7000 bp, warning line, liquidation line) --------------------


@given(cap_and_amount(VALUES, P.ltv_cap_bp))
def test_the_largest_principal_within_the_cap_is_in_and_one_fen_more_is_out(
    pair: tuple[int, int],
) -> None:
    value, principal = pair
    assert ltv.within_cap(principal, value, P) == (principal <= cap_of(value, P.ltv_cap_bp))
    assert ltv.within_cap(ltv.max_principal(value, P), value, P)
    assert not ltv.within_cap(ltv.max_principal(value, P) + 1, value, P)


@given(cap_and_amount(VALUES, P.ltv_cap_bp))
def test_a_loan_at_or_under_the_cap_is_never_past_its_warning_line(pair: tuple[int, int]) -> None:
    value, principal = pair
    if ltv.within_cap(principal, value, P):
        assert not ltv.past_warning(principal, value, P)


@given(cap_and_amount(VALUES, P.liquidation_ltv_bp))
def test_the_liquidation_line_is_reached_exactly_at_its_ratio(pair: tuple[int, int]) -> None:
    value, principal = pair
    exact = principal * 10_000 >= value * P.liquidation_ltv_bp
    assert ltv.past_liquidation(principal, value, P) == exact


def test_a_cap_rounded_to_the_nearest_fen_slip_is_caught() -> None:
    def slipped_max(value: int) -> int:
        return round(value * P.ltv_cap_bp / 10_000)

    value = find(VALUES, lambda v: not ltv.within_cap(slipped_max(v), v, P), settings=FIND)
    assert slipped_max(value) == ltv.max_principal(value, P) + 1


def test_even_round_amounts_miss_the_rounding_slip() -> None:
    """Why the strategy exists: amounts in whole yuan never show it."""
    def slipped_max(value: int) -> int:
        return round(value * P.ltv_cap_bp / 10_000)

    yuan = st.integers(1, 10**10).map(lambda y: y * 100)
    with pytest.raises(NoSuchExample):
        find(yuan, lambda v: slipped_max(v) != ltv.max_principal(v, P), settings=FIND)


@pytest.mark.parametrize("tenor", [P.max_tenor_days - 1, P.max_tenor_days, P.max_tenor_days + 1])
def test_the_product_tenor_is_allowed_up_to_its_last_day_and_not_one_more(tenor: int) -> None:
    """A loan approved for the product maximum (180 days) and not a day longer."""
    wr = WrLedger()
    rid = wr.receipt_with("coop-a", "L1", 100, 100 * 250_000, storage_days=365)
    lid = loan_id(wr.ok("coop-a.manager", "apply", borrower="coop-a", bank="bank-a",
                        receipt_ids=[rid]))
    args = {"loan_id": lid, "principal": 1_000_001, "tenor_days": tenor, "rate_bp": 450}
    if tenor > P.max_tenor_days:
        assert wr.fails("bank-a.loan", "approve", **args) == "TENOR_TOO_LONG"
    else:
        wr.ok("bank-a.loan", "approve", **args)


# -- day counts across year ends and leap days -------------------------------------------


@given(day_spans())
def test_whole_days_count_completed_24_hour_days(span: tuple[dt.datetime, dt.datetime]) -> None:
    since, until = span
    days = whole_days(since, until)
    assert since + dt.timedelta(days=days) <= until < since + dt.timedelta(days=days + 1)


@given(day_spans(), fen(1, 10**11, edges=(10**8,)), st.sampled_from([360, 365]))
def test_a_year_of_interest_is_the_rate_on_the_basis_never_more(
    span: tuple[dt.datetime, dt.datetime], principal: int, basis: int,
) -> None:
    since, until = span
    days = whole_days(since, until)
    denominator = interest_denominator(basis)
    interest = book(principal * 450 * days, 0, denominator).fen
    assert interest * 10_000 * basis <= principal * 450 * days
    assert (interest + 1) * 10_000 * basis > principal * 450 * days
    # the lending core carries the remainder: two accruals book what one does
    first = book(principal * 450 * (days // 2), 0, denominator)
    second = book(principal * 450 * (days - days // 2), first.carry, denominator)
    assert first.fen + second.fen == interest


def test_a_day_count_by_calendar_date_slip_is_caught() -> None:
    def slipped(since: dt.datetime, until: dt.datetime) -> int:
        return (until.date() - since.date()).days

    since, until = find(day_spans(), lambda s: slipped(*s) != whole_days(*s), settings=FIND)
    assert until - since < dt.timedelta(days=slipped(since, until))


def test_year_edges_include_the_leap_day_and_the_last_second_of_a_year() -> None:
    leap = find(year_edges(), lambda t: (t.month, t.day) == (2, 29), settings=FIND)
    last = find(year_edges(), lambda t: (t.month, t.day, t.second) == (12, 31, 59), settings=FIND)
    assert leap.year % 4 == 0
    assert last.hour == 23


# -- windows: the claim publicity (objections until it ends, agreement from then) ---------


def test_a_window_one_day_short_slip_is_caught() -> None:
    start = parse_time("2026-06-01T08:00:00Z")

    def inside(t: dt.datetime, days: int) -> bool:
        return start <= t < start + dt.timedelta(days=days)

    found = find(window_edges(start, 3), lambda t: inside(t, 2) != inside(t, 3), settings=FIND)
    assert start + dt.timedelta(days=2) <= found < start + dt.timedelta(days=3)


@pytest.fixture
def publicised() -> Flow:
    """A claim of one household, verified and posted for the default 3 days."""
    flow = Flow(harness_with_stand_ins())
    flow.enrol("p1", [cover(H1, 10)])
    flow.activate("p1")
    flow.ledger.advance(days=60)
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {H1: (4_000, 10 * MU)})
    flow.verify_and_publicise("c1")
    return flow


@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["second before", "at", "second after"])
def test_objections_close_and_agreements_open_at_the_second_publicity_ends(
    publicised: Flow, offset: int,
) -> None:
    """The instants of ``instants_around``: publicised now, posted for 3 whole days."""
    ends = publicised.ledger.clock + dt.timedelta(days=ClaimsParams().claim_publicity_days)
    publicised.ledger.clock = ends + dt.timedelta(seconds=offset)
    if offset < 0:
        rejected(publicised.submit(H1, "sign_agreement", claim_id="c1", insured=H1),
                 "PUBLICITY_NOT_OVER")
        ok(publicised.submit(H1, "object", claim_id="c1", insured=H1, reason="too low"))
        return
    rejected(publicised.submit(H1, "object", claim_id="c1", insured=H1, reason="too low"),
             "OBJECTION_WINDOW_CLOSED")
    ok(publicised.submit(H1, "sign_agreement", claim_id="c1", insured=H1))
