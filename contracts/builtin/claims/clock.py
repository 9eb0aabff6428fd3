"""Deadline arithmetic on block times (RFC 3339 UTC strings); never a wall clock."""

from __future__ import annotations

import datetime as dt

from ledger.timefmt import format_time, parse_time


def later(time: str, *, days: int = 0, hours: int = 0) -> str:
    return format_time(parse_time(time) + dt.timedelta(days=days, hours=hours))


def before(a: str, b: str) -> bool:
    """True if time ``a`` is strictly earlier than time ``b``."""
    return parse_time(a) < parse_time(b)


def within(time: str, start: str, end: str) -> bool:
    """True if start <= time <= end."""
    return not before(time, start) and not before(end, time)
