"""Argument field types shared by contracts: ids, money in fen, basis points, times."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from ledger.timefmt import is_rfc3339_utc

MAX_AMOUNT = 2**53 - 1
"""The largest integer the canonical encoding carries (I-JSON); no amount or balance exceeds it."""

Id = Annotated[
    str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")
]
MemberId = Annotated[
    str, Field(min_length=3, max_length=128, pattern=r"^[a-z0-9][a-z0-9-]*\.[A-Za-z0-9._-]+$")
]
OrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Fen = Annotated[int, Field(ge=0, le=MAX_AMOUNT, description="money in fen (0.01 CNY)")]
PositiveFen = Annotated[
    int, Field(gt=0, le=MAX_AMOUNT, description="money in fen (0.01 CNY), > 0")
]
BasisPoints = Annotated[
    int, Field(ge=0, le=100_000, description="rate in basis points (1/100 of a percent)")
]
Quantity = Annotated[int, Field(gt=0, le=MAX_AMOUNT)]
Text = Annotated[str, Field(max_length=1000)]
ContentHash = Annotated[
    str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 hex of an off-chain document")
]


def _rfc3339(value: str) -> str:
    if not is_rfc3339_utc(value):
        raise ValueError("must be an RFC 3339 UTC time such as 2026-05-01T08:00:00Z")
    return value


Timestamp = Annotated[str, AfterValidator(_rfc3339)]
