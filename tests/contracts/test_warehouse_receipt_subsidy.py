"""A pledge loan under a government interest-subsidy programme: the bank gets all its
interest, the cooperative pays only what the subsidy does not cover, and a repayment
without an amount pays off exactly what is owed after the subsidy."""

from __future__ import annotations

from contracts.testing import LedgerHarness, OrgSpec
from tests.contracts.wr_fixtures import CONTRACTS, ORGS, WrLedger, loan_id

GOV = OrgSpec("gov", "government", (
    ("pboc", "central_bank"), ("admin", "admin"), ("finance", "finance"),
))
PRINCIPAL = 1_000_000
RATE_BP = 450
DAYS = 100
INTEREST = PRINCIPAL * RATE_BP * DAYS // (10_000 * 365)  # actual/365, floor: 12,328 fen


def _ledger() -> WrLedger:
    orgs = (GOV, *ORGS[1:])
    ledger = WrLedger(LedgerHarness(orgs, (*CONTRACTS, "credit")))
    ledger.fund("bank-a", 10 * PRINCIPAL)
    ledger.fund("gov", 10 * PRINCIPAL)
    ledger.fund("coop-a", 100_000)
    h = ledger.h
    for action, args in (
        ("publish_programme", {
            "programme": "p1", "name": "county subsidy", "borrower_kinds": ["cooperative"],
            "products": ["warehouse_receipt"], "rule": "share", "share_bp": 5_000,
            "budget": 1_000_000,
        }),
        ("fund_programme", {"programme": "p1", "amount": 1_000_000}),
    ):
        result = h.submit("gov.finance", "credit", action, **args)
        assert result.committed, result.message
    return ledger


def _disbursed_loan(ledger: WrLedger) -> str:
    receipt = ledger.receipt_with("coop-a", "L1", 100, 2 * PRINCIPAL)
    applied = ledger.ok("coop-a.manager", "apply", borrower="coop-a", bank="bank-a",
                        receipt_ids=[receipt])
    loan = loan_id(applied)
    ledger.ok("bank-a.loan", "approve", loan_id=loan, principal=PRINCIPAL, tenor_days=120,
              rate_bp=RATE_BP)
    ledger.ok("bank-a.loan", "disburse", loan_id=loan)
    return loan


def test_repaying_without_an_amount_pays_off_the_debt_net_of_the_subsidy() -> None:
    ledger = _ledger()
    loan = _disbursed_loan(ledger)
    h = ledger.h
    bank_before, coop_before = h.balance("bank-a"), h.balance("coop-a")
    h.advance(days=DAYS)
    result = ledger.ok("coop-a.manager", "repay", loan_id=loan)
    subsidy = INTEREST // 2
    assert h.balance("bank-a") - bank_before == PRINCIPAL + INTEREST
    assert coop_before - h.balance("coop-a") == PRINCIPAL + INTEREST - subsidy
    assert h.view("warehouse_receipt", "loan", loan_id=loan)["state"] == "CLOSED"
    paid = [e for e in result.events if e["type"] == "SubsidyPaid"]
    assert paid
    assert paid[0]["data"]["subsidy"] == subsidy
    h.check_invariants()


def test_an_explicit_amount_above_the_debt_is_still_refused() -> None:
    ledger = _ledger()
    loan = _disbursed_loan(ledger)
    ledger.h.advance(days=DAYS)
    code = ledger.fails("coop-a.manager", "repay", loan_id=loan, amount=PRINCIPAL + INTEREST)
    assert code == "REPAYMENT_EXCEEDS_DEBT"
