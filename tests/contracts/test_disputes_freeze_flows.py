"""The freeze seen from a real asset contract: an open dispute on an order blocks its
financing through order_finance, and the order thaws when the committee closes the case."""

from __future__ import annotations

from typing import Any

from test_disputes_kit import HASH

from contracts.testing import LedgerHarness, standard_orgs

ORDER = {"order_id": "po-1", "buyer": "buyer", "quantity": 30_000, "unit_price": 6_000,
         "delivery_due": "2026-06-01T00:00:00Z"}
FINANCE = {"order_id": "po-1", "principal": 90_000_000, "rate_bp": 435,
           "maturity": "2026-05-30T00:00:00Z"}


def ok(result: Any) -> None:
    assert result.committed, f"{result.code}: {result.message}"


def test_a_disputed_order_cannot_be_financed_until_the_dispute_closes() -> None:
    ledger = LedgerHarness(standard_orgs(), ["membership", "settlement", "registry",
                                             "order_finance", "disputes"])
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="bank-a", amount=10**9))
    ok(ledger.submit("coop-a.manager", "order_finance", "create_order", **ORDER))
    ok(ledger.submit("buyer.purchaser", "order_finance", "confirm", order_id="po-1"))
    ok(ledger.submit("coop-a.manager", "disputes", "open", dispute="d1", asset="order:po-1",
                     claimant="coop-a", respondent="buyer", summary="price disagreement"))
    blocked = ledger.submit("bank-a.officer", "order_finance", "finance", **FINANCE)
    assert (blocked.committed, blocked.code) == (False, "ASSET_FROZEN")
    ok(ledger.submit("gov.mediator", "disputes", "accept", dispute="d1"))
    ok(ledger.submit("gov.mediator", "disputes", "start_mediation", dispute="d1"))
    ok(ledger.submit("coop-a.manager", "disputes", "sign_agreement",
                     co_signers=["buyer.purchaser", "gov.mediator"], dispute="d1",
                     text_hash=HASH, terms=[]))
    blocked = ledger.submit("bank-a.officer", "order_finance", "finance", **FINANCE)
    assert blocked.code == "ASSET_FROZEN"
    ok(ledger.submit("buyer.purchaser", "disputes", "perform", dispute="d1"))
    ok(ledger.submit("bank-a.officer", "order_finance", "finance", **FINANCE))
    ledger.check_invariants()
