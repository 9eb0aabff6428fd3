"""Interest by the day on integer fen, exact over any sequence of accruals.

Rule (actual/``basis``, simple interest, default basis 365): for every *completed*
day since the last accrual point, a day's interest is
``principal_outstanding * rate_bp / (10000 * basis)`` fen. Accrual sums the exact
numerators ``principal * rate_bp * days`` plus the carried remainder, pays out
``floor(numerator / (10000 * basis))`` whole fen and carries the remainder
(``< 10000 * basis``) to the next accrual. So the interest charged to date is always
``floor(sum_i principal_i * rate_bp * days_i / (10000 * basis))``: rounding is
*down* (in the borrower's favour), happens once over the life of the loan, and the
result does not depend on how often accrual runs.

The accrual point advances by whole days only, so a part-day is not lost: it is
charged, when completed, at the principal outstanding at that next accrual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Accrual:
    interest: int
    """Whole fen newly due."""
    carry: int
    """Remainder numerator carried forward (0 <= carry < 10000 * basis)."""
    accrued_to: dt.datetime
    """The new accrual point: the old one plus the whole days counted."""


def whole_days(since: dt.datetime, now: dt.datetime) -> int:
    """Completed days from ``since`` to ``now`` (0 if ``now`` is not later)."""
    return max(0, (now - since) // DAY)


def accrue(
    principal: int, rate_bp: int, carry: int, since: dt.datetime, now: dt.datetime, basis: int
) -> Accrual:
    """Interest on ``principal`` at ``rate_bp`` for the whole days from ``since`` to ``now``."""
    days = whole_days(since, now)
    numerator = principal * rate_bp * days + carry
    whole, remainder = divmod(numerator, 10_000 * basis)
    return Accrual(whole, remainder, since + days * DAY)
