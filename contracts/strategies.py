"""Hypothesis strategies for the values where a one-fen or one-second slip shows.

Random amounts land on round values and random time steps rarely land on a deadline,
so a cap computed with the wrong rounding (one fen over) or a window one day short
passes a property test that draws uniformly. These strategies draw at and one unit
around each boundary, mixed with odd values, for contract tests and plug-in authors:

- ``around(x)``: x - 1, x, x + 1 (never below ``lo``);
- ``fen(lo, hi, edges=...)``: amounts in a range, a third of them odd, a third at or
  one fen around an edge (a cap, a threshold, a budget);
- ``cap_and_amount(values, cap_bp)``: a value and an amount at or one fen around
  ``floor(value * cap_bp / 10000)``, the largest amount within a basis-point cap;
- ``instants_around(t)`` and ``window_edges(start, days)``: one second before, at and
  after a deadline, or either edge of a window of whole days;
- ``year_edges()`` and ``day_spans()``: instants at year ends, leap days and month
  ends, and spans of about a year from them (actual/360 and actual/365 day counts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hypothesis import strategies as st

__all__ = [
    "around", "cap_and_amount", "cap_of", "day_spans", "fen", "instants_around",
    "odd_fen", "window_edges", "year_edges",
]

SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


def around(value: int, *, lo: int = 0, spread: int = 1) -> st.SearchStrategy[int]:
    """``value`` and the integers up to ``spread`` either side of it, none below ``lo``."""
    return st.sampled_from([v for v in range(value - spread, value + spread + 1) if v >= lo])


def odd_fen(lo: int, hi: int) -> st.SearchStrategy[int]:
    """Odd amounts in [lo, hi] (a halving or a share then rounds)."""
    first = lo | 1
    return st.integers(0, max(0, (hi - first) // 2)).map(lambda k: first + 2 * k)


def fen(lo: int, hi: int, *, edges: Iterable[int] = ()) -> st.SearchStrategy[int]:
    """Amounts in [lo, hi]: any, odd, or at and one fen around one of ``edges``."""
    near = sorted({v for e in edges for v in (e - 1, e, e + 1) if lo <= v <= hi})
    parts = [st.integers(lo, hi), odd_fen(lo, hi) if lo < hi else st.just(lo)]
    if near:
        parts.append(st.sampled_from(near))
    return st.one_of(parts)


def cap_of(value: int, cap_bp: int) -> int:
    """The largest amount within ``cap_bp`` of ``value``: floor(value * cap_bp / 10000)."""
    return value * cap_bp // 10_000


def cap_and_amount(
    values: st.SearchStrategy[int], cap_bp: int
) -> st.SearchStrategy[tuple[int, int]]:
    """(value, amount) with the amount at or one fen around the cap of the value."""
    return values.flatmap(
        lambda value: st.tuples(st.just(value), around(cap_of(value, cap_bp), lo=1))
    )


def instants_around(moment: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    """One second before ``moment``, the moment itself and one second after."""
    return st.sampled_from([moment - SECOND, moment, moment + SECOND])


def window_edges(start: dt.datetime, days: int) -> st.SearchStrategy[dt.datetime]:
    """Instants at and one second around each edge of a window of ``days`` whole days
    (a day short or a day long shows at the end edge)."""
    return st.one_of(instants_around(start), instants_around(start + days * DAY))


def year_edges(years: Iterable[int] = range(2024, 2031)) -> st.SearchStrategy[dt.datetime]:
    """UTC instants where day counts go wrong: the last second of a year, New Year,
    28 February, the leap day where there is one, 1 March, the end of June."""
    edges = []
    for year in years:
        edges += [
            dt.datetime(year, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
            dt.datetime(year, 1, 1, tzinfo=dt.UTC),
            dt.datetime(year, 2, 28, tzinfo=dt.UTC),
            dt.datetime(year, 3, 1, tzinfo=dt.UTC),
            dt.datetime(year, 6, 30, 12, tzinfo=dt.UTC),
        ]
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            edges.append(dt.datetime(year, 2, 29, tzinfo=dt.UTC))
    return st.sampled_from(sorted(edges))


def day_spans() -> st.SearchStrategy[tuple[dt.datetime, dt.datetime]]:
    """(since, until): from a year edge, whole days near 360, 365 or 366 (or a month),
    give or take one second."""
    days = st.sampled_from([1, 30, 31, 359, 360, 361, 364, 365, 366, 367])
    return st.tuples(year_edges(), days, st.sampled_from([-SECOND, dt.timedelta(0), SECOND])).map(
        lambda t: (t[0], t[0] + t[1] * DAY + t[2])
    )
