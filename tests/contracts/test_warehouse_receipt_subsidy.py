"""A pledge loan under a government interest-subsidy programme: the bank gets all its
interest, the cooperative pays only what the subsidy does not cover, and a repayment
without an amount pays off exactly what is owed after the subsidy. The lending rules
from the side of the party who would bend them: an above-LPR programme sees the pledge
loan's rate (L3), a late loan pays penalty interest and gets no subsidy (L2, L3), and an
enforcement shortfall stays owed after the write-off (L4)."""

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


def _ledger(**rule: object) -> WrLedger:
    orgs = (GOV, *ORGS[1:])
    ledger = WrLedger(LedgerHarness(orgs, (*CONTRACTS, "credit")))
    ledger.fund("bank-a", 10 * PRINCIPAL)
    ledger.fund("gov", 10 * PRINCIPAL)
    ledger.fund("coop-a", 100_000)
    h = ledger.h
    for action, args in (
        ("publish_programme", {
            "programme": "p1", "name": "county subsidy", "borrower_kinds": ["cooperative"],
            "products": ["warehouse_receipt"], "budget": 1_000_000,
            **(rule or {"rule": "share", "share_bp": 5_000}),
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


def test_an_above_lpr_programme_sees_the_pledge_loans_rate() -> None:
    """L3: the subsidy request carries the loan's rate, so 4.5 % against LPR 3.45 % less
    1.5 % pays (4.5 - 1.95) / 4.5 of the interest, as for the other loan products."""
    ledger = _ledger(rule="above_lpr")
    loan = _disbursed_loan(ledger)
    ledger.h.advance(days=DAYS)
    coop_before = ledger.h.balance("coop-a")
    ledger.ok("coop-a.manager", "repay", loan_id=loan)
    subsidy = INTEREST * (RATE_BP - 195) // RATE_BP
    assert subsidy > 0
    assert coop_before - ledger.h.balance("coop-a") == PRINCIPAL + INTEREST - subsidy


def test_a_late_loan_pays_penalty_interest_and_no_subsidy() -> None:
    """L2, L3: ten days past the 120-day term the principal accrues at 1.5 x 4.5 %, and
    the programme pays nothing on a late payment."""
    ledger = _ledger()
    loan = _disbursed_loan(ledger)
    ledger.h.advance(days=130)
    state = ledger.h.view("warehouse_receipt", "loan", loan_id=loan)
    penalty = PRINCIPAL * RATE_BP * 15_000 * 10 // (10**8 * 365)
    interest = PRINCIPAL * RATE_BP * 120 // (10_000 * 365)
    assert (state["interest_accrued"], state["penalty_accrued"]) == (interest, penalty)
    coop_before = ledger.h.balance("coop-a")
    result = ledger.ok("coop-a.manager", "repay", loan_id=loan)
    assert coop_before - ledger.h.balance("coop-a") == PRINCIPAL + interest + penalty
    assert not [e for e in result.events if e["type"] == "SubsidyPaid"]
    ledger.h.check_invariants()


def test_an_enforcement_shortfall_is_written_off_but_still_owed() -> None:
    """L3, L4: no subsidy at enforcement of a defaulted loan; the shortfall is the bank's
    booked loss, the cooperative still owes it, and its later payment is a recovery."""
    ledger = _ledger()
    loan = _disbursed_loan(ledger)
    h = ledger.h
    h.advance(days=130)
    ledger.ok("bank-a.loan", "mark_default", loan_id=loan)
    owed = h.view("warehouse_receipt", "loan", loan_id=loan)["debt"]
    ledger.fund("buyer", PRINCIPAL)
    # Below the reserve and unpriced: the pledgor (coop-a) agrees by co-signing (V3).
    result = ledger.ok("bank-a.loan", "enforce_sale", loan_id=loan, buyer="buyer",
                       price=PRINCIPAL // 2, costs=0,
                       co_signers=("buyer.purchaser", "coop-a.manager"))
    assert not [e for e in result.events if e["type"] == "SubsidyPaid"]
    state = h.view("warehouse_receipt", "loan", loan_id=loan)
    shortfall = owed - PRINCIPAL // 2
    assert (state["state"], state["written_off"], state["debt"]) == (
        "CLOSED", shortfall, shortfall)
    ledger.ok("coop-a.manager", "repay", loan_id=loan, amount=10_000)
    state = h.view("warehouse_receipt", "loan", loan_id=loan)
    assert (state["written_off"], state["recovered"], state["debt"]) == (
        shortfall - 10_000, 10_000, shortfall - 10_000)
    h.check_invariants()
