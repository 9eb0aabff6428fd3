"""The 30-day window to ask the court to confirm a mediation agreement (docs/domain.md 5)
at and one second around its end: on time up to the instant itself, late a second after.
The unit test of the window's code steps a minute past it, which a window a day short
passes (tests/mutants.py: "the confirmation window a day short"); here the end is
computed from the signing, not read from the record."""

from __future__ import annotations

import datetime as dt

import pytest
from test_disputes_units import fails, ledger, ok, open_dispute, seal, to_mediation

from contracts.testing import LedgerHarness
from ledger.timefmt import parse_time

__all__ = ["ledger"]  # the fixture, shared with the unit tests


@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["second before", "at", "second after"])
def test_confirmation_can_be_asked_up_to_the_instant_the_window_ends(
    ledger: LedgerHarness, offset: int
) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    ok(seal(ledger))
    agreement = ledger.get("disputes", "dispute/d1")["agreement"]  # type: ignore[index]
    ends = parse_time(agreement["signed_at"]) + dt.timedelta(days=30)  # written out here
    ledger.clock = ends + dt.timedelta(seconds=offset)
    result = ledger.submit("coop-a.f1", "disputes", "request_confirmation",
                           co_signers=["bank-a.officer"], dispute="d1")
    if offset <= 0:
        ok(result)
    else:
        fails(result, "CONFIRMATION_WINDOW_CLOSED")
