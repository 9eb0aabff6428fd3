"""RFC 3339 UTC timestamps, the only time format on the wire and in blocks."""

from __future__ import annotations

import datetime as dt
import functools
import re

# ASCII digits only ("\d" would admit other scripts' digits); fullmatch, so no trailing "\n".
_RFC3339_UTC = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z"
)


def is_rfc3339_utc(text: str) -> bool:
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1 << 16)
def parse_time(text: str) -> dt.datetime:
    """Parse an RFC 3339 UTC string ending in Z into an aware datetime.

    Cached: the same strings recur constantly (every tx of a block shares its time,
    clients stamp many txs in the same second) and the result is immutable.
    """
    match = _RFC3339_UTC.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 UTC time such as 2026-05-01T08:00:00Z")
    year, month, day, hour, minute, second, frac = match.groups()
    micro = int(frac[:6].ljust(6, "0")) if frac else 0
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=dt.UTC
    )


def format_time(moment: dt.datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC, seconds precision unless sub-second."""
    moment = moment.astimezone(dt.UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
