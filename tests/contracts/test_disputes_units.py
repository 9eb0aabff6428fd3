"""Unit tests of the disputes contract: the freeze, the full mediation path with money
terms, timers and escalation, and every domain error code."""

from __future__ import annotations

from typing import Any

import pytest
from test_disputes_kit import DESK, DISPUTES, HASH, ORGS, AssetDesk

from contracts.testing import LedgerHarness


def ok(result: Any) -> None:
    assert result.committed, f"{result.code}: {result.message}"


def fails(result: Any, code: str) -> None:
    assert (result.committed, result.code) == (False, code), result.message


@pytest.fixture
def ledger() -> LedgerHarness:
    ledger = LedgerHarness(ORGS, ["membership", "settlement", DISPUTES, DESK],
                           classes={"assetdesk": AssetDesk})
    for account in ("bank-a", "coop-a.f1", "coop-a.f2"):
        ok(ledger.submit("gov.pboc", "settlement", "issue", account=account, amount=10**8))
    return ledger


def open_dispute(ledger: LedgerHarness, dispute: str = "d1", asset: str = "receipt:r1",
                 **extra: Any) -> Any:
    return ledger.submit("coop-a.f1", "disputes", "open", dispute=dispute, asset=asset,
                         claimant="coop-a.f1", respondent="bank-a", **extra)


def to_mediation(ledger: LedgerHarness, dispute: str = "d1") -> None:
    ok(ledger.submit("gov.med", "disputes", "accept", dispute=dispute))
    ok(ledger.submit("gov.med", "disputes", "start_mediation", dispute=dispute))


def seal(ledger: LedgerHarness, amount: int = 500_000, dispute: str = "d1") -> Any:
    return ledger.submit("coop-a.f1", "disputes", "sign_agreement",
                         co_signers=["bank-a.officer", "gov.med"], dispute=dispute,
                         text_hash=HASH,
                         terms=[{"payer": "bank-a", "payee": "coop-a.f1", "amount": amount}])


def settle(ledger: LedgerHarness, asset: str = "receipt:r1") -> Any:
    return ledger.submit("bank-a.treasurer", "assetdesk", "settle", asset=asset, source="bank-a",
                         target="coop-a.f2", amount=100)


def test_an_open_dispute_freezes_its_asset_until_the_agreement_is_performed(
    ledger: LedgerHarness,
) -> None:
    ok(open_dispute(ledger))
    assert ledger.view("disputes", "is_frozen", asset="receipt:r1")
    assert not ledger.view("disputes", "is_frozen", asset="receipt:r2")
    fails(settle(ledger), "ASSET_FROZEN")
    ok(settle(ledger, "receipt:r2"))
    to_mediation(ledger)
    ok(seal(ledger))
    fails(settle(ledger), "ASSET_FROZEN")
    claimant = ledger.balance("coop-a.f1")
    ok(ledger.submit("bank-a.treasurer", "disputes", "perform", dispute="d1"))
    assert ledger.balance("coop-a.f1") - claimant == 500_000
    assert not ledger.view("disputes", "is_frozen", asset="receipt:r1")
    ok(settle(ledger))
    ledger.check_invariants()


def test_confirmed_agreement_is_enforced_and_failed_mediation_goes_to_litigation(
    ledger: LedgerHarness,
) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    ok(seal(ledger))
    ok(ledger.submit("coop-a.f1", "disputes", "request_confirmation",
                     co_signers=["bank-a.officer"], dispute="d1"))
    ok(ledger.submit("gov.court", "disputes", "record_confirmation", dispute="d1",
                     confirmed=True, court_ref=HASH))
    ok(ledger.submit("gov.court", "disputes", "enforce", dispute="d1", court_ref=HASH))
    assert ledger.view("disputes", "dispute", dispute="d1")["state"] == "ENFORCED"
    ok(open_dispute(ledger, "d2", "order:o1"))
    to_mediation(ledger, "d2")
    ok(ledger.submit("gov.med", "disputes", "fail", dispute="d2", reason="no agreement"))
    ok(ledger.submit("bank-a.officer", "disputes", "litigate", dispute="d2"))
    assert ledger.view("disputes", "is_frozen", asset="order:o1")
    ledger.check_invariants()


def test_a_simple_complaint_is_escalated_after_15_days(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger, complexity="simple"))
    ledger.advance(days=15)
    fails(ledger.submit("bank-a.officer", "disputes", "escalate", dispute="d1"),
          "DEADLINE_NOT_PASSED")
    assert ledger.view("disputes", "overdue") == []
    ledger.advance(minutes=1)
    [row] = ledger.view("disputes", "overdue")
    assert (row["dispute"], row["escalated"]) == ("d1", False)
    result = ledger.submit("bank-a.officer", "disputes", "escalate", dispute="d1")
    ok(result)
    assert [e["type"] for e in result.events] == ["DisputeEscalated"]
    fails(ledger.submit("coop-a.f1", "disputes", "escalate", dispute="d1"), "ALREADY_ESCALATED")
    assert ledger.view("disputes", "overdue")[0]["escalated"]


def test_a_complex_complaint_gets_30_days_and_one_30_day_extension(
    ledger: LedgerHarness,
) -> None:
    ok(open_dispute(ledger, complexity="complex"))
    ok(ledger.submit("gov.med", "disputes", "extend", dispute="d1"))
    fails(ledger.submit("gov.med", "disputes", "extend", dispute="d1"), "EXTENSION_NOT_ALLOWED")
    ledger.advance(days=60)
    fails(ledger.submit("coop-a.f1", "disputes", "escalate", dispute="d1"),
          "DEADLINE_NOT_PASSED")
    ledger.advance(days=1)
    ok(ledger.submit("coop-a.f1", "disputes", "escalate", dispute="d1"))


# -- every domain error code ----------------------------------------------------------------


def test_a_bank_cannot_seal_an_agreement_in_place_of_the_committee(
    ledger: LedgerHarness,
) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    fails(ledger.submit("coop-a.f1", "disputes", "sign_agreement",
                        co_signers=["bank-a.officer"], dispute="d1", text_hash=HASH),
          "UNAUTHORIZED")
    fails(ledger.submit("bank-a.officer", "disputes", "accept", dispute="d1"),
          "UNAUTHORIZED")
    ledger.check_invariants()


def test_only_the_claimant_may_file(ledger: LedgerHarness) -> None:
    fails(ledger.submit("coop-a.f2", "disputes", "open", dispute="d1", asset="receipt:r1",
                        claimant="coop-a.f1", respondent="bank-a"), "UNAUTHORIZED")


def test_dispute_not_found(ledger: LedgerHarness) -> None:
    fails(ledger.submit("coop-a.f1", "disputes", "withdraw", dispute="ghost"),
          "DISPUTE_NOT_FOUND")


def test_dispute_already_exists(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    fails(open_dispute(ledger, asset="order:o1"), "DISPUTE_ALREADY_EXISTS")


@pytest.mark.parametrize("asset", ["lot:w:1", "receipt:", "receipt"])
def test_unsupported_asset(ledger: LedgerHarness, asset: str) -> None:
    fails(open_dispute(ledger, asset=asset), "UNSUPPORTED_ASSET")


def test_asset_already_disputed(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    fails(open_dispute(ledger, "d2"), "ASSET_ALREADY_DISPUTED")
    ok(ledger.submit("coop-a.f1", "disputes", "withdraw", dispute="d1"))
    ok(open_dispute(ledger, "d2"))


def test_same_party(ledger: LedgerHarness) -> None:
    fails(ledger.submit("coop-a.f1", "disputes", "open", dispute="d1", asset="receipt:r1",
                        claimant="coop-a.f1", respondent="coop-a.f1"), "SAME_PARTY")


def test_term_payer_not_party(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    fails(ledger.submit("coop-a.f1", "disputes", "sign_agreement",
                        co_signers=["bank-a.officer", "gov.med"], dispute="d1", text_hash=HASH,
                        terms=[{"payer": "coop-a.f2", "payee": "coop-a.f1", "amount": 1}]),
          "TERM_PAYER_NOT_PARTY")


def test_payer_must_sign(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    ok(seal(ledger))
    fails(ledger.submit("coop-a.f1", "disputes", "perform", dispute="d1"), "PAYER_MUST_SIGN")


def test_confirmation_window_closed(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    to_mediation(ledger)
    ok(seal(ledger))
    ledger.advance(days=30, minutes=1)
    fails(ledger.submit("coop-a.f1", "disputes", "request_confirmation",
                        co_signers=["bank-a.officer"], dispute="d1"),
          "CONFIRMATION_WINDOW_CLOSED")


def test_extension_not_allowed_for_simple_disputes(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    fails(ledger.submit("gov.med", "disputes", "extend", dispute="d1"), "EXTENSION_NOT_ALLOWED")


def test_invalid_transition(ledger: LedgerHarness) -> None:
    ok(open_dispute(ledger))
    fails(ledger.submit("gov.med", "disputes", "start_mediation", dispute="d1"),
          "DISPUTE_INVALID_TRANSITION")
    ok(ledger.submit("gov.med", "disputes", "decline", dispute="d1"))
    fails(ledger.submit("coop-a.f1", "disputes", "escalate", dispute="d1"),
          "DISPUTE_INVALID_TRANSITION")
    assert not ledger.view("disputes", "is_frozen", asset="receipt:r1")
