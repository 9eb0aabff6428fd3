"""RFC 3339 UTC timestamps, the only time format on the wire and in blocks."""

from __future__ import annotations

import datetime as dt
import re

_RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


def is_rfc3339_utc(text: str) -> bool:
    if not _RFC3339_UTC.match(text):
        return False
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


def parse_time(text: str) -> dt.datetime:
    """Parse an RFC 3339 UTC string ending in Z into an aware datetime."""
    if not _RFC3339_UTC.match(text):
        raise ValueError(f"{text!r} is not an RFC 3339 UTC time such as 2026-05-01T08:00:00Z")
    main, _, frac = text[:-1].partition(".")
    moment = dt.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    if frac:
        moment += dt.timedelta(microseconds=int(frac[:6].ljust(6, "0")))
    return moment


def format_time(moment: dt.datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC, seconds precision unless sub-second."""
    moment = moment.astimezone(dt.UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
