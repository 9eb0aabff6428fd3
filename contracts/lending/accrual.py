"""Accrual of contract-rate and penalty interest (L1, L2).

Grid days that begin before the loan's due time accrue at the contract rate; grid
days that begin at or after it are overdue and accrue on the unpaid principal at the
penalty rate, ``rate x (1 + penalty share)`` (default share 50 %), instead. With the
due time at maturity (disbursement plus the tenor), the first penalty day is the day
after the last day of the term: a loan repaid on its due date pays no penalty, one
repaid ten days late pays ten days at the penalty rate. Both parts carry their
sub-fen remainder (daycount.py), so the total does not depend on how often a loan
is accrued.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from contracts.lending.balance import LoanBalance
from contracts.lending.daycount import (
    DAY,
    book,
    days_before,
    interest_denominator,
    penalty_denominator,
    penalty_rate_units,
    whole_days,
)
from ledger.timefmt import format_time, parse_time

B = TypeVar("B", bound=LoanBalance)


def accrue(loan: B, now: dt.datetime) -> B:
    """``loan`` with interest and penalty booked for the whole grid days up to ``now``."""
    if loan.accrued_to is None:
        return loan
    since = parse_time(loan.accrued_to)
    days = whole_days(since, now)
    if days == 0:
        return loan
    normal = days if loan.due_at is None else min(days, days_before(since, parse_time(loan.due_at)))
    overdue = days - normal
    basis = int(loan.day_count)
    principal = loan.principal_due
    interest = book(principal * loan.rate_bp * normal, loan.interest_carry,
                    interest_denominator(basis))
    penalty = book(principal * penalty_rate_units(loan.rate_bp, loan.penalty_share_bp) * overdue,
                   loan.penalty_carry, penalty_denominator(basis))
    return loan.model_copy(update={
        "interest_accrued": loan.interest_accrued + interest.fen,
        "interest_carry": interest.carry,
        "penalty_accrued": loan.penalty_accrued + penalty.fen,
        "penalty_carry": penalty.carry,
        "accrued_to": format_time(since + days * DAY),
    })


def is_overdue(loan: LoanBalance, now: dt.datetime) -> bool:
    """Past the due time with something still owed."""
    return loan.due_at is not None and now > parse_time(loan.due_at) and loan.claim > 0


def days_overdue(loan: LoanBalance, now: dt.datetime) -> int:
    """Whole days since the due time (0 on or before it)."""
    return 0 if loan.due_at is None else whole_days(parse_time(loan.due_at), now)
