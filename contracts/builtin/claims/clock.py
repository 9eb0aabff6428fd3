"""Deadline arithmetic on block times (RFC 3339 UTC strings); never a wall clock.

Calendar questions (which day a loss happened, two years after it) are answered in
the policy's time zone: a typhoon that strikes a Zhejiang village at 07:59 Beijing
time happened on that Beijing day, whatever the UTC date says.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from ledger.timefmt import format_time, parse_time


def later(time: str, *, days: int = 0, hours: int = 0) -> str:
    return format_time(parse_time(time) + dt.timedelta(days=days, hours=hours))


def before(a: str, b: str) -> bool:
    """True if time ``a`` is strictly earlier than time ``b``."""
    return parse_time(a) < parse_time(b)


def within(time: str, start: str, end: str) -> bool:
    """True if start <= time <= end."""
    return not before(time, start) and not before(end, time)


def meet(start: str, end: str, other_start: str, other_end: str) -> bool:
    """True if the closed windows [start, end] and [other_start, other_end] share an
    instant (touching ends count)."""
    return not before(end, other_start) and not before(other_end, start)


def latest(a: str, b: str) -> str:
    return b if before(a, b) else a


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(time: str, tz: str) -> str:
    """The calendar date (YYYY-MM-DD) of ``time`` in time zone ``tz``."""
    return parse_time(time).astimezone(zone(tz)).date().isoformat()


def local_year(time: str, tz: str) -> int:
    return parse_time(time).astimezone(zone(tz)).year


def years_later(time: str, years: int, tz: str) -> str:
    """The same local wall time ``years`` calendar years later (29 Feb -> 28 Feb)."""
    local = parse_time(time).astimezone(zone(tz))
    try:
        moved = local.replace(year=local.year + years)
    except ValueError:  # 29 February in a year without one
        moved = local.replace(year=local.year + years, day=28)
    return format_time(moved.astimezone(dt.UTC))


def seconds_between(a: str, b: str) -> int:
    return int((parse_time(b) - parse_time(a)).total_seconds())
