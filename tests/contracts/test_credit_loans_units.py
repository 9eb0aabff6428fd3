"""Unit tests of credit-line loans: every error code, and the worked Lishui example
(AAA merchant: 100,000 CNY line, 3A rate discount, half the interest subsidised)."""

from __future__ import annotations

import pytest
from test_credit_loans_kit import (
    BASE_RATE,
    LINE,
    SHARE_BP,
    apply,
    fails,
    loan_id,
    make_ledger,
    ok,
    priced,
    rate,
)

from contracts.testing import LedgerHarness

CNY = 100  # fen


@pytest.fixture
def ledger() -> LedgerHarness:
    ledger = make_ledger()
    ok(rate(ledger, "plat.m1", "AAA"))
    return ledger


def interest_for(principal: int, rate_bp: int, days: int) -> int:
    """ACT/365F simple interest over ``days``, floored once."""
    return principal * rate_bp * days // (10_000 * 365)


def granted(ledger: LedgerHarness, amount: int = 1_000_000, tenor: int = 365) -> str:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", amount, tenor))
    ok(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan,
                     rate_bp=priced("AAA")))
    return loan


# -- worked example ---------------------------------------------------------------------


def test_aaa_merchant_borrows_its_whole_line_at_the_3a_rate_and_half_the_interest_is_subsidised(
    ledger: LedgerHarness,
) -> None:
    line = 100_000 * CNY
    assert LINE["AAA"] == line
    assert priced("AAA") == 420  # 600 bp less 30 % for a 3A certificate
    merchant_before = ledger.balance("plat.m1")
    bank_before = ledger.balance("bank-a")
    loan = granted(ledger, amount=line)
    assert ledger.balance("plat.m1") == merchant_before + line
    ledger.advance(days=365)
    interest = line * 420 * 365 // (10_000 * 365)
    assert interest == 4_200 * CNY
    assert ledger.view("credit_loans", "loan", loan_id=loan)["outstanding"] == line + interest
    subsidy = interest * SHARE_BP // 10_000
    due_from_merchant = line + interest - subsidy
    fails(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan,
                        amount=due_from_merchant + 1), "REPAYMENT_EXCEEDS_DEBT")
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=due_from_merchant))
    state = ledger.view("credit_loans", "loan", loan_id=loan)
    assert (state["status"], state["subsidy_paid"], state["interest_paid"]) == (
        "CLOSED", 2_100 * CNY, 2_100 * CNY,
    )
    assert ledger.balance("plat.m1") == merchant_before - (interest - subsidy)
    assert ledger.balance("bank-a") == bank_before + interest
    assert ledger.view("credit", "programme", programme="two-small")["paid"] == subsidy
    ledger.check_invariants()


def test_a_b_rated_merchant_pays_the_base_rate_on_a_10000_cny_line(
    ledger: LedgerHarness,
) -> None:
    ok(rate(ledger, "plat.m2", "B"))
    loan = loan_id(apply(ledger, "plat.m2", "bank-a", 10_000 * CNY))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan,
                        rate_bp=BASE_RATE - 1), "RATE_BELOW_PRICING")
    ok(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=BASE_RATE))


def test_interest_is_floored_per_whole_day_and_the_fraction_of_a_day_carries_over(
    ledger: LedgerHarness,
) -> None:
    loan = granted(ledger, amount=1_000_001)
    ledger.advance(days=1, hours=23)
    first = ledger.view("credit_loans", "loan", loan_id=loan)
    assert first["interest_accrued"] == interest_for(1_000_001, 420, 1) == 115
    ledger.advance(hours=1)
    assert ledger.view("credit_loans", "loan", loan_id=loan)["interest_accrued"] == (
        interest_for(1_000_001, 420, 2)
    )


# -- every error code -------------------------------------------------------------------


def test_a_loan_that_does_not_exist_is_loan_not_found(ledger: LedgerHarness) -> None:
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id="cl-x", rate_bp=600),
          "LOAN_NOT_FOUND")


def test_granting_twice_is_loan_state_invalid(ledger: LedgerHarness) -> None:
    loan = granted(ledger)
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "LOAN_STATE_INVALID")
    fails(ledger.submit("bank-a.officer", "credit_loans", "decline", loan_id=loan),
          "LOAN_STATE_INVALID")


def test_a_declined_application_cannot_be_repaid(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 1000))
    ok(ledger.submit("bank-a.officer", "credit_loans", "decline", loan_id=loan))
    fails(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=1),
          "LOAN_STATE_INVALID")


def test_without_the_credit_contract_applications_are_credit_not_enabled() -> None:
    ledger = make_ledger(contracts=["membership", "settlement", "credit_loans"])
    fails(apply(ledger, "plat.m1", "bank-a", 1000), "CREDIT_NOT_ENABLED")


def test_a_tenor_past_the_cap_is_tenor_too_long(ledger: LedgerHarness) -> None:
    fails(apply(ledger, "plat.m1", "bank-a", 1000, tenor=366), "TENOR_TOO_LONG")


def test_granting_more_than_applied_is_grant_exceeds_application(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 1000))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600,
                        amount=1001), "GRANT_EXCEEDS_APPLICATION")
    ok(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600,
                     amount=999))


def test_a_member_revoked_after_applying_is_borrower_revoked(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 1000))
    ok(ledger.submit("plat.admin", "membership", "revoke", member_id="plat.m1"))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "BORROWER_REVOKED")
    fails(apply(ledger, "plat.m1", "bank-a", 1000), "SIGNER_REVOKED")


def test_a_borrower_that_defaulted_since_its_rating_is_borrower_in_default(
    ledger: LedgerHarness,
) -> None:
    loan = granted(ledger, tenor=30)
    ledger.advance(days=30)
    ok(ledger.submit("bank-a.risk", "credit_loans", "default", loan_id=loan))
    assert ledger.view("credit", "rating", subject="plat.m1")["tier"] == "AA"
    again = loan_id(apply(ledger, "plat.m1", "bank-b", 1000))
    fails(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=again, rate_bp=600),
          "BORROWER_IN_DEFAULT")
    ok(rate(ledger, "plat.m1", "AA"))
    ok(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=again, rate_bp=600))


def test_a_rate_under_the_tiers_price_is_rate_below_pricing(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 1000))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan,
                        rate_bp=priced("AAA") - 1), "RATE_BELOW_PRICING")


def test_borrowing_past_the_line_is_exceeds_credit_line(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", LINE["AAA"] + 1))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "EXCEEDS_CREDIT_LINE")


def test_an_unrated_borrower_has_no_line(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m3", "bank-a", 1))
    fails(ledger.submit("bank-a.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "EXCEEDS_CREDIT_LINE")


def test_a_line_cannot_be_stacked_at_a_second_bank(ledger: LedgerHarness) -> None:
    granted(ledger, amount=LINE["AAA"] - 500)
    loan = loan_id(apply(ledger, "plat.m1", "bank-b", 501))
    fails(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "EXCEEDS_CREDIT_LINE")
    ok(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600,
                     amount=500))
    exposure = ledger.view("credit_loans", "exposure", borrower="plat.m1")
    assert (exposure["open_principal"], exposure["available"]) == (LINE["AAA"], 0)


def test_repaying_principal_frees_the_line_again(ledger: LedgerHarness) -> None:
    loan = granted(ledger, amount=LINE["AAA"])
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=400))
    assert ledger.view("credit_loans", "exposure", borrower="plat.m1")["available"] == 400


def test_paying_more_than_is_owed_is_repayment_exceeds_debt(ledger: LedgerHarness) -> None:
    loan = granted(ledger, amount=1000)
    fails(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=1001),
          "REPAYMENT_EXCEEDS_DEBT")


def test_repaying_without_an_amount_pays_off_what_is_owed_after_the_subsidy(
    ledger: LedgerHarness,
) -> None:
    loan = granted(ledger, amount=1_000_000)
    ledger.advance(days=100)
    interest = interest_for(1_000_000, priced("AAA"), 100)
    before = ledger.balance("plat.m1")
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan))
    assert ledger.view("credit_loans", "loan", loan_id=loan)["status"] == "CLOSED"
    subsidy = interest * SHARE_BP // 10_000
    assert before - ledger.balance("plat.m1") == 1_000_000 + interest - subsidy


def test_defaulting_before_maturity_is_loan_not_due(ledger: LedgerHarness) -> None:
    loan = granted(ledger, tenor=30)
    ledger.advance(days=29, hours=23)
    fails(ledger.submit("bank-a.officer", "credit_loans", "default", loan_id=loan),
          "LOAN_NOT_DUE")


def test_only_the_lending_banks_officer_may_grant(ledger: LedgerHarness) -> None:
    loan = loan_id(apply(ledger, "plat.m1", "bank-a", 1000))
    fails(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "UNAUTHORIZED")
    fails(ledger.submit("bank-a.risk", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "UNAUTHORIZED")


def test_only_the_borrower_applies_and_repays_for_itself(ledger: LedgerHarness) -> None:
    fails(ledger.submit("plat.m2", "credit_loans", "apply", borrower="plat.m1", bank="bank-a",
                        amount=1000, tenor_days=30), "UNAUTHORIZED")
    fails(ledger.submit("plat.m1", "credit_loans", "apply", borrower="plat", bank="bank-a",
                        amount=1000, tenor_days=30), "UNAUTHORIZED")
    loan = granted(ledger)
    fails(ledger.submit("plat.m2", "credit_loans", "repay", loan_id=loan, amount=1),
          "UNAUTHORIZED")


def test_an_organisation_borrows_through_its_manager(ledger: LedgerHarness) -> None:
    ok(rate(ledger, "coop-a", "A"))
    loan = loan_id(apply(ledger, "coop-a", "bank-b", LINE["A"]))
    ok(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=loan, rate_bp=priced("A")))
    ledger.check_invariants()


def test_a_bank_without_the_money_cannot_disburse() -> None:
    ledger = make_ledger()
    ok(rate(ledger, "plat.m1", "AAA"))
    ok(ledger.submit("bank-b.treasurer-1", "settlement", "transfer", source="bank-b",
                     target="gov", amount=10**10, co_signers=["bank-b.treasurer-2"]))
    loan = loan_id(apply(ledger, "plat.m1", "bank-b", 1000))
    fails(ledger.submit("bank-b.officer", "credit_loans", "grant", loan_id=loan, rate_bp=600),
          "INSUFFICIENT_FUNDS")


def test_default_writes_off_the_claim_but_the_borrower_still_owes_it(
    ledger: LedgerHarness,
) -> None:
    """L4: the bank books the loss; the claim stays, later payments are recoveries."""
    loan = granted(ledger, amount=1_000_000, tenor=30)
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=100_000))
    ledger.advance(days=31)
    ok(ledger.submit("bank-a.officer", "credit_loans", "default", loan_id=loan))
    state = ledger.view("credit_loans", "loan", loan_id=loan)
    claim = state["outstanding"]
    assert state["status"] == "DEFAULTED"
    assert claim == state["written_off"] > state["principal"] - state["principal_paid"] > 0
    assert ledger.view("credit_loans", "exposure", borrower="plat.m1")["open_principal"] == 0
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan, amount=500_000))
    state = ledger.view("credit_loans", "loan", loan_id=loan)
    assert (state["outstanding"], state["written_off"], state["recovered"]) == (
        claim - 500_000, claim - 500_000, 500_000)
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan))
    state = ledger.view("credit_loans", "loan", loan_id=loan)
    assert (state["status"], state["written_off"], state["recovered"]) == ("CLOSED", 0, claim)
    ledger.check_invariants()


def test_a_late_loan_pays_penalty_interest_and_gets_no_subsidy(ledger: LedgerHarness) -> None:
    """L2 and L3: ten days past maturity the principal accrues at 1.5 x the rate, and the
    government subsidises nothing of a late payment."""
    loan = granted(ledger, amount=1_000_000, tenor=30)
    ledger.advance(days=40)
    state = ledger.view("credit_loans", "loan", loan_id=loan)
    assert state["interest_accrued"] == interest_for(1_000_000, 420, 30)
    assert state["penalty_accrued"] == 1_000_000 * 420 * 15_000 * 10 // (10**8 * 365)
    before = ledger.balance("plat.m1")
    ok(ledger.submit("plat.m1", "credit_loans", "repay", loan_id=loan))
    assert before - ledger.balance("plat.m1") == state["outstanding"]
    assert ledger.view("credit", "programme", programme="two-small")["paid"] == 0
