"""Day counts and exact accrual on integer fen (L1).

A loan accrues simple interest by whole days on the accrual grid (the disbursement
time plus whole days). A day's interest is ``principal * rate / basis`` where
``basis`` is the days in the interest year of the product's day count: 365 for
ACT/365F (the default) and 360 for ACT/360. Accrual adds the exact numerator
``principal * rate_units * days`` to the carried remainder, books the whole fen and
carries the sub-fen remainder to the next accrual. So the interest booked to date is
``floor(sum of principal_i * rate * days_i / basis)``: rounding is down (in the
borrower's favour), happens once over the life of the loan, and does not depend on
how often the loan is touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

DAY = dt.timedelta(days=1)
BP = 10_000


class DayCount(IntEnum):
    """Days in the interest year; the value is the divisor of the day count."""

    ACT_365F = 365
    ACT_360 = 360


@dataclass(frozen=True)
class Booked:
    fen: int
    """Whole fen newly due."""
    carry: int
    """Sub-fen remainder numerator carried forward (``0 <= carry < denominator``)."""


def whole_days(since: dt.datetime, until: dt.datetime) -> int:
    """Completed days from ``since`` to ``until`` (0 if ``until`` is not later)."""
    return max(0, (until - since) // DAY)


def days_before(since: dt.datetime, due: dt.datetime) -> int:
    """Grid days starting before ``due``: a day that has begun by the due time is not overdue."""
    if due <= since:
        return 0
    return -((since - due) // DAY)


def book(numerator: int, carry: int, denominator: int) -> Booked:
    """Whole fen of ``numerator + carry`` over ``denominator``, the remainder carried."""
    whole, remainder = divmod(numerator + carry, denominator)
    return Booked(whole, remainder)


def interest_denominator(basis: int) -> int:
    """Denominator of a contract-rate accrual: rate in bp over a ``basis``-day year."""
    return BP * basis


def penalty_denominator(basis: int) -> int:
    """Denominator of a penalty-rate accrual: rate in bp times (1 + share in bp)."""
    return BP * BP * basis


def penalty_rate_units(rate_bp: int, penalty_share_bp: int) -> int:
    """The penalty rate in 1/10^8 units: ``rate x (1 + share)`` without rounding (L2)."""
    return rate_bp * (BP + penalty_share_bp)
