"""Simple interest by whole days on integer fen.

Rounding rule: interest for a period is
``floor(principal_fen * rate_bp * days / (10_000 * day_count_basis))``, where ``days``
is the number of whole 24-hour days elapsed since interest was last accrued (the
fraction of a day carries over to the next accrual, never lost or counted twice),
and ``day_count_basis`` is 360 by default (genesis parameter). Each accrual floors
separately, so a loan accrued in several steps can owe at most one fen per step less
than one accrued at once; the bank never receives more than exact simple interest.
No penalty interest is charged past maturity (a design assumption, A).
"""

from __future__ import annotations

import datetime as dt


def whole_days(since: dt.datetime, until: dt.datetime) -> int:
    """Whole 24-hour days from ``since`` to ``until`` (0 if ``until`` is earlier)."""
    return max(0, (until - since) // dt.timedelta(days=1))


def interest_for(principal: int, rate_bp: int, days: int, basis: int) -> int:
    """Interest in fen on ``principal`` fen for ``days`` days, floored."""
    return principal * rate_bp * days // (10_000 * basis)
