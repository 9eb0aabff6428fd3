"""Simple interest, actual/365, by whole days on integer fen.

Rounding rule: interest for a period is
``floor(principal_fen * rate_bp * days / (10_000 * 365))`` where ``days`` is the number
of whole 24-hour days since interest was last accrued. The fraction of a day carries
over to the next accrual (``accrued_through`` advances by whole days only), so no time
is lost or counted twice. Each accrual floors separately: a loan accrued in n steps owes
at most n - 1 fen less than one accrued at once, never more; the borrower never pays
more than exact simple interest. Interest runs on the unpaid principal at the contract
rate until the loan is repaid or written off; there is no penalty rate (A).
"""

from __future__ import annotations

import datetime as dt

DAYS_PER_YEAR = 365
BP = 10_000


def whole_days(since: dt.datetime, until: dt.datetime) -> int:
    """Whole 24-hour days from ``since`` to ``until`` (0 if ``until`` is earlier)."""
    return max(0, (until - since) // dt.timedelta(days=1))


def interest_for(principal: int, rate_bp: int, days: int) -> int:
    """Interest in fen on ``principal`` fen at ``rate_bp`` a year for ``days`` days, floored."""
    return principal * rate_bp * days // (BP * DAYS_PER_YEAR)
