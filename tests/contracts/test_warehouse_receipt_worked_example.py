"""docs/domain.md 1.6 as tests: 200 t paddy, grade 2, at 2,600 CNY/t; a 70 % loan at 4.5 % for
six months; a 10 % price fall and its cure; the Qingdao double-pledge attempts; and a
partial release of 50 t sold to a buyer while pledged."""

from __future__ import annotations

import pytest
from wr_fixtures import CNY, WR, WrLedger, loan_id, receipt_id

VALUE = 520_000 * CNY  # 200 t x 2,600 CNY/t
PRINCIPAL = 364_000 * CNY  # 70 %


@pytest.fixture
def wr() -> WrLedger:
    ledger = WrLedger()
    for bank in ("bank-a", "bank-b"):
        ledger.fund(bank, 2_000_000 * CNY)
    ledger.fund("coop-a", 100_000 * CNY)
    ledger.fund("buyer", 1_000_000 * CNY)
    return ledger


@pytest.fixture
def pledged(wr: WrLedger) -> tuple[WrLedger, str, str]:
    """The 200 t receipt pledged to bank A for 364,000 CNY."""
    rid = wr.receipt_with("coop-a", "paddy-2026-1", 200, VALUE)
    lid = wr.loan("coop-a", "bank-a", [rid], PRINCIPAL, tenor_days=180, rate_bp=450)
    return wr, rid, lid


def fall_ten_percent(wr: WrLedger, rid: str) -> None:
    """The price bureau attests 2,340 CNY/t; the lender asks for the revaluation (468,000)."""
    wr.attest(2_340 * CNY)
    wr.ok("bank-a.risk", "revalue", receipt_id=rid)
    assert wr.receipt(rid)["value"] == 468_000 * CNY


def test_the_loan_is_seventy_percent_of_value_and_liens_are_filed(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-2026-1", 200, VALUE)
    receipt = wr.receipt(rid)
    assert (receipt["quantity"], receipt["unit"], receipt["grade"]) == (200, "t", "2")
    assert receipt["expiry"] == "2027-03-01T00:00:00Z"  # min(365-day shelf life, 365 days)
    lid = loan_id(
        wr.ok("coop-a.manager", "apply", borrower="coop-a", bank="bank-a", receipt_ids=[rid])
    )
    code = wr.fails(
        "bank-a.loan", "approve", loan_id=lid, principal=PRINCIPAL + 1, tenor_days=180, rate_bp=450
    )
    assert code == "PRINCIPAL_EXCEEDS_LTV"
    wr.ok("bank-a.loan", "approve", loan_id=lid, principal=PRINCIPAL, tenor_days=180, rate_bp=450)
    before = wr.balance("coop-a")
    wr.ok("bank-a.loan", "disburse", loan_id=lid)
    assert wr.balance("coop-a") - before == PRINCIPAL
    assert wr.receipt(rid)["state"] == "PLEDGED"
    assert wr.lien(f"receipt:{rid}")["pledgee"] == "bank-a"
    assert wr.lien(wr.lot_asset("paddy-2026-1"))["secures"] == lid
    wr.h.check_invariants()


def test_six_months_interest_at_four_and_a_half_percent_is_floored_to_the_fen(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, _, lid = pledged
    wr.h.advance(days=180)
    debt = wr.h.view(WR, "outstanding_debt", loan_id=lid)
    # 36,400,000 x 450 x 180 / 3,650,000 = 807,780.82 -> 807,780 fen (8,077.80 CNY)
    assert debt == {"outstanding": PRINCIPAL + 807_780, "lender": "bank-a"}
    wr.ok("coop-a.manager", "repay", loan_id=lid, amount=PRINCIPAL + 807_780)
    loan = wr.loan_view(lid)
    assert (loan["state"], loan["closure"], loan["interest_paid"]) == ("CLOSED", "REPAID", 807_780)
    assert wr.lien(wr.lot_asset("paddy-2026-1")) is None
    wr.h.check_invariants()


def test_a_ten_percent_price_fall_opens_a_margin_call(pledged: tuple[WrLedger, str, str]) -> None:
    wr, rid, lid = pledged
    fall_ten_percent(wr, rid)
    loan = wr.loan_view(lid)
    assert loan["state"] == "MARGIN_CALL"  # 364,000 / 468,000 = 77.8 % >= 70 % / 0.9
    assert loan["cure_deadline"] == "2026-03-11T00:00:00Z"
    wr.h.check_invariants()


def test_a_nine_percent_fall_stays_below_the_warning_line(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    wr.attest(2_366 * CNY, signer="valuer.appraiser")  # 200 t -> 473,200 CNY
    wr.ok("valuer.appraiser", "revalue", receipt_id=rid)
    assert wr.loan_view(lid)["state"] == "DISBURSED"


def test_repaying_36400_plus_interest_cures_the_margin_call(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    fall_ten_percent(wr, rid)
    wr.h.advance(days=5)
    interest = PRINCIPAL * 450 * 5 // 3_650_000
    wr.ok("coop-a.manager", "repay", loan_id=lid, amount=36_400 * CNY + interest - 1)
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"  # one fen short of the cap
    wr.ok("coop-a.manager", "repay", loan_id=lid, amount=1)
    loan = wr.loan_view(lid)
    assert (loan["state"], loan["principal_outstanding"]) == ("DISBURSED", 327_600 * CNY)
    assert loan["interest_paid"] == interest
    wr.h.check_invariants()


def test_pledging_twenty_three_tonnes_at_the_fallen_price_cures_the_margin_call(
    pledged: tuple[WrLedger, str, str],
) -> None:
    """52,000 CNY more at 2,340 CNY/t is 22.23 t: 23 whole tonnes bring LTV to 69.8 %."""
    wr, rid, lid = pledged
    fall_ten_percent(wr, rid)
    extra = wr.receipt_with("coop-a", "paddy-2026-2", 23, 23 * 2_340 * CNY)
    wr.ok("coop-a.manager", "top_up", loan_id=lid, receipt_id=extra)
    assert wr.loan_view(lid)["state"] == "DISBURSED"  # 364,000 / 521,820 = 69.8 %
    assert wr.lien(wr.lot_asset("paddy-2026-2"))["secures"] == lid
    wr.h.check_invariants()


def test_twenty_tonnes_appraised_before_the_fall_do_not_cure_the_margin_call(
    pledged: tuple[WrLedger, str, str],
) -> None:
    """The keeper appraised the 20 t at 2,600 CNY/t before the fall; pledged after it they
    count at the attested 2,340 CNY/t: 364,000 / 514,800 = 70.7 %, still above the cap."""
    wr, rid, lid = pledged
    extra = wr.receipt_with("coop-a", "paddy-2026-2", 20, 52_000 * CNY)
    fall_ten_percent(wr, rid)
    wr.ok("coop-a.manager", "top_up", loan_id=lid, receipt_id=extra)
    assert wr.receipt(extra)["value"] == 46_800 * CNY
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"
    wr.h.check_invariants()


def test_a_lapsed_cure_period_lets_the_bank_default_and_auction_the_goods(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    fall_ten_percent(wr, rid)
    assert wr.fails("bank-a.admin", "mark_default", loan_id=lid) == "LOAN_NOT_DEFAULTABLE"
    wr.h.advance(days=10)
    wr.ok("bank-a.admin", "mark_default", loan_id=lid)
    interest = PRINCIPAL * 450 * 10 // 3_650_000
    price, costs = 468_000 * CNY, 20_000 * CNY
    bank, coop = wr.balance("bank-a"), wr.balance("coop-a")
    wr.ok(
        "bank-a.loan",
        "enforce_sale",
        loan_id=lid,
        buyer="buyer",
        price=price,
        costs=costs,
        co_signers=("buyer.purchaser",),
    )
    surplus = price - costs - interest - PRINCIPAL
    assert wr.balance("bank-a") - bank == costs + interest + PRINCIPAL
    assert wr.balance("coop-a") - coop == surplus
    assert wr.receipt(rid)["holder"] == "buyer"
    loan = wr.loan_view(lid)
    assert (loan["state"], loan["closure"], loan["written_off"]) == ("CLOSED", "AUCTIONED", 0)
    wr.h.check_invariants()


def test_a_short_sale_writes_off_the_shortfall_and_pays_the_borrower_nothing(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, _, lid = pledged
    wr.h.advance(days=180)
    wr.ok("bank-a.risk", "mark_default", loan_id=lid)
    coop = wr.balance("coop-a")
    wr.ok(
        "bank-a.loan",
        "enforce_sale",
        loan_id=lid,
        buyer="buyer",
        price=300_000 * CNY,
        costs=10_000 * CNY,
        co_signers=("buyer.purchaser", "coop-a.manager"),  # no fresh price: the pledgor agrees
    )
    interest = PRINCIPAL * 450 * 180 // 3_650_000
    loan = wr.loan_view(lid)
    assert loan["written_off"] == PRINCIPAL - (290_000 * CNY - interest)
    assert wr.balance("coop-a") == coop
    wr.h.check_invariants()


def test_bank_b_cannot_take_the_same_receipt(pledged: tuple[WrLedger, str, str]) -> None:
    wr, rid, _ = pledged
    code = wr.fails("coop-a.manager", "apply", borrower="coop-a", bank="bank-b", receipt_ids=[rid])
    assert code == "RECEIPT_ALREADY_PLEDGED"


def test_the_warehouse_cannot_issue_a_second_receipt_for_the_same_goods(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, _, _ = pledged
    code = wr.fails(
        "coop-a.keeper",
        "issue",
        warehouse="coop-a",
        lot_id=wr.lot_id("paddy-2026-1"),
        quantity=200,
        shrinkage_bp=50,
        storage_days=365,
        storage_fee=0,
        value=VALUE,
    )
    assert code == "LOT_OVER_ISSUED"


def test_a_second_receipt_of_a_pledged_lot_cannot_back_a_loan_at_bank_b(wr: WrLedger) -> None:
    wr.deposit("coop-a", "paddy-2026-1", 200)
    first = wr.issue("coop-a", "paddy-2026-1", 100, VALUE // 2)
    second = wr.issue("coop-a", "paddy-2026-1", 100, VALUE // 2)
    wr.loan("coop-a", "bank-a", [first], PRINCIPAL // 2)
    code = wr.fails(
        "coop-a.manager", "apply", borrower="coop-a", bank="bank-b", receipt_ids=[second]
    )
    assert code == "LOT_ALREADY_PLEDGED"


def test_two_pending_applications_race_and_the_registry_stops_the_second(wr: WrLedger) -> None:
    wr.deposit("coop-a", "paddy-2026-1", 200)
    first = wr.issue("coop-a", "paddy-2026-1", 100, VALUE // 2)
    second = wr.issue("coop-a", "paddy-2026-1", 100, VALUE // 2)
    at_a = wr.loan("coop-a", "bank-a", [first], PRINCIPAL // 2, disburse=False)
    at_b = wr.loan("coop-a", "bank-b", [second], PRINCIPAL // 2, disburse=False)
    wr.ok("bank-a.loan", "disburse", loan_id=at_a)
    assert wr.fails("bank-b.loan", "disburse", loan_id=at_b) == "ASSET_ALREADY_ENCUMBERED"
    wr.h.check_invariants()


def test_bank_consents_to_release_fifty_tonnes_sold_to_a_buyer_after_91000_repaid(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    split = wr.ok(
        "coop-a.manager",
        "split",
        receipt_id=rid,
        quantities=[50, 150],
        co_signers=("coop-a.keeper", "bank-a.loan"),
    )
    fifty, rest = receipt_id(split, 0), receipt_id(split, 1)
    assert (wr.receipt(fifty)["value"], wr.receipt(rest)["value"]) == (130_000 * CNY, 390_000 * CNY)
    assert wr.receipt(fifty)["state"] == "PLEDGED"
    code = wr.fails("bank-a.loan", "release_receipt", loan_id=lid, receipt_id=fifty)
    assert code == "RELEASE_BREACHES_LTV"
    wr.ok("coop-a.manager", "repay", loan_id=lid, amount=91_000 * CNY)
    wr.ok("bank-a.loan", "release_receipt", loan_id=lid, receipt_id=fifty)
    wr.ok(
        "coop-a.manager",
        "transfer",
        receipt_id=fifty,
        new_holder="buyer",
        co_signers=("coop-a.keeper",),
    )
    assert wr.receipt(fifty)["holder"] == "buyer"
    assert wr.lien(f"receipt:{fifty}") is None
    assert wr.lien(wr.lot_asset("paddy-2026-1"))["secures"] == lid  # the 150 t still back it
    assert wr.loan_view(lid)["principal_outstanding"] == 273_000 * CNY
    wr.h.check_invariants()


def test_splitting_a_pledged_receipt_without_the_bank_is_refused(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, _ = pledged
    code = wr.fails(
        "coop-a.manager",
        "split",
        receipt_id=rid,
        quantities=[50, 150],
        co_signers=("coop-a.keeper",),
    )
    assert code == "RECEIPT_PLEDGED"
