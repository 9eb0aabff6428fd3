"""docs/domain.md 7.2 (V1-V3) tried from the side of the party who would break it: the lending
bank that values its own collateral, takes the goods before default, takes them at a
price nobody agreed, or sells them to itself. Each refused attempt changes no state.

Numbers are docs/domain.md 1.6/7.6: 200 t of paddy at 2,600 CNY/t, 364,000 CNY lent for
180 days at 4.5 %; the price bureau later attests 2,340 CNY/t.
"""

from __future__ import annotations

from typing import Any

import pytest
from wr_fixtures import CNY, WR, WrLedger

VALUE = 520_000 * CNY
PRINCIPAL = 364_000 * CNY
INTEREST_180_DAYS = 807_780  # 36,400,000 x 450 x 180 / 3,650,000, floored: 8,077.80 CNY
ATTESTED = 2_340 * CNY  # per tonne
FLOOR = 421_200 * CNY  # 2,340 x 200 x 90 %


@pytest.fixture
def pledged() -> tuple[WrLedger, str, str]:
    wr = WrLedger()
    wr.fund("bank-a", 2_000_000 * CNY)
    wr.fund("buyer", 1_000_000 * CNY)
    rid = wr.receipt_with("coop-a", "paddy-2026-1", 200, VALUE)
    lid = wr.loan("coop-a", "bank-a", [rid], PRINCIPAL, tenor_days=180, rate_bp=450)
    return wr, rid, lid


@pytest.fixture
def defaulted(pledged: tuple[WrLedger, str, str]) -> tuple[WrLedger, str, str]:
    """Day 180: the loan matured unpaid; the bureau attests 2,340 CNY/t that day."""
    wr, rid, lid = pledged
    wr.h.advance(days=180)
    wr.ok("bank-a.admin", "mark_default", loan_id=lid)
    wr.attest(ATTESTED)
    return wr, rid, lid


def refused(wr: WrLedger, code: str, signer: str, action: str, **kw: Any) -> None:
    """``action`` is rejected with ``code`` and every byte of state is as it was."""
    before = wr.snapshot()
    assert wr.fails(signer, action, **kw) == code
    assert wr.snapshot() == before
    wr.h.check_invariants()


# -- V1: valuation comes from outside the loan ----------------------------------------------


def test_the_bank_cannot_value_its_collateral_at_one_fen_and_take_it(
    pledged: tuple[WrLedger, str, str],
) -> None:
    """Issue 12's attack, step by step, as bank-a's risk officer and loan officer try it."""
    wr, rid, lid = pledged
    before = wr.snapshot()
    result = wr.h.submit("bank-a.risk", WR, "revalue", receipt_id=rid, value=1)
    assert (result.committed, result.code) == (False, "INVALID_ARGUMENTS")
    assert "value" in result.message  # the field that no longer exists is named
    for signer in ("bank-a.risk", "bank-a.loan", "bank-a.admin"):
        refused(
            wr, "UNAUTHORIZED", signer, "attest_price",
            commodity="paddy", grade="2", unit="t", price_per_unit=1, as_of=wr.h.now,
        )
    refused(wr, "LOAN_NOT_DEFAULTABLE", "bank-a.risk", "mark_default", loan_id=lid)
    refused(wr, "UNAUTHORIZED", "bank-a.loan", "enforce_take", loan_id=lid, price=1)
    assert wr.snapshot() == before
    assert (wr.receipt(rid)["value"], wr.receipt(rid)["holder"]) == (VALUE, "coop-a")


def test_a_revaluation_reads_the_attested_price_whoever_asks(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    refused(wr, "PRICE_NOT_ATTESTED", "bank-a.risk", "revalue", receipt_id=rid)
    wr.attest(ATTESTED)
    assert wr.h.view(WR, "price", commodity="paddy", grade="2", unit="t")["attester"] == (
        "gov.prices"
    )
    for signer in ("bank-a.risk", "gov.prices", "coop-a.manager", "valuer.appraiser"):
        wr.ok(signer, "revalue", receipt_id=rid)
        assert wr.receipt(rid)["value"] == 200 * ATTESTED
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"
    wr.attest(2_600 * CNY, signer="valuer.appraiser")
    wr.ok("coop-a.manager", "revalue", receipt_id=rid)  # the pledgor may ask too: cured
    assert wr.loan_view(lid)["state"] == "DISBURSED"
    history = [(h["event"], h["by"]) for h in wr.receipt(rid)["history"]]
    assert history[-1] == ("revalued", ["coop-a.manager"])


@pytest.mark.parametrize(
    "signer", ["bank-b.risk", "bank-b.loan", "coop-a.farmer", "coop-a.keeper", "buyer.purchaser"]
)
def test_outsiders_to_the_receipt_cannot_ask_for_a_revaluation(
    pledged: tuple[WrLedger, str, str], signer: str
) -> None:
    wr, rid, _ = pledged
    wr.attest(ATTESTED)
    refused(wr, "UNAUTHORIZED", signer, "revalue", receipt_id=rid)


def test_a_stale_or_out_of_order_attestation_values_nothing(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, _ = pledged
    wr.attest(ATTESTED)
    at = wr.h.now
    wr.h.advance(days=30)
    wr.ok("bank-a.risk", "revalue", receipt_id=rid)  # exactly 30 days old: still fresh
    wr.h.advance(minutes=1)
    refused(wr, "PRICE_STALE", "bank-a.risk", "revalue", receipt_id=rid)
    refused(
        wr, "PRICE_STALE", "gov.prices", "attest_price",
        commodity="paddy", grade="2", unit="t", price_per_unit=1, as_of=at,
    )
    wr.attest(2_500 * CNY)
    refused(
        wr, "PRICE_OUT_OF_ORDER", "gov.prices", "attest_price",
        commodity="paddy", grade="2", unit="t", price_per_unit=1,
        as_of="2026-03-31T00:00:00Z",  # after the old one, before the latest
    )
    wr.ok("bank-a.risk", "revalue", receipt_id=rid)
    assert wr.receipt(rid)["value"] == 500_000 * CNY


def test_a_price_for_another_grade_or_unit_does_not_value_the_receipt(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, _ = pledged
    wr.attest(1, grade="3")
    wr.attest(1, unit="kg")
    wr.attest(1, commodity="wheat")
    refused(wr, "PRICE_NOT_ATTESTED", "bank-a.risk", "revalue", receipt_id=rid)


# -- V2: no forfeiture ----------------------------------------------------------------------


def test_nothing_before_default_gives_the_goods_to_the_bank_even_with_the_pledgor_signing(
    pledged: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = pledged
    wr.attest(ATTESTED)
    wr.ok("bank-a.risk", "revalue", receipt_id=rid)  # margin call open, cure period running
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"
    both = ("coop-a.manager",)
    refused(wr, "INVALID_LOAN_STATE", "bank-a.loan", "enforce_take",
            loan_id=lid, price=VALUE, co_signers=both)
    refused(wr, "INVALID_LOAN_STATE", "bank-a.loan", "enforce_sale",
            loan_id=lid, buyer="buyer", price=VALUE, co_signers=("buyer.purchaser",))
    refused(wr, "RECEIPT_PLEDGED", "coop-a.manager", "transfer",
            receipt_id=rid, new_holder="bank-a", co_signers=("coop-a.keeper",))
    assert wr.receipt(rid)["holder"] == "coop-a"


# -- V3: enforcement after default ----------------------------------------------------------


def test_the_7_6_take_at_exactly_the_floor_pays_the_pledgor_46122_20(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = defaulted
    costs = 3_000 * CNY
    refused(wr, "TAKE_BELOW_FLOOR", "bank-a.loan", "enforce_take",
            loan_id=lid, price=FLOOR - 1, costs=costs, co_signers=("coop-a.manager",))
    bank, coop = wr.balance("bank-a"), wr.balance("coop-a")
    wr.ok("bank-a.loan", "enforce_take", loan_id=lid, price=FLOOR, costs=costs,
          co_signers=("coop-a.manager",))
    surplus = 46_122_20
    assert surplus == FLOOR - costs - INTEREST_180_DAYS - PRINCIPAL
    assert wr.balance("coop-a") - coop == surplus
    assert bank - wr.balance("bank-a") == surplus  # the bank keeps the rest of its own price
    loan = wr.loan_view(lid)
    assert (loan["state"], loan["closure"], loan["written_off"]) == ("CLOSED", "TAKEN_BY_BANK", 0)
    assert loan["liquidation"] == {
        "proceeds": FLOOR, "costs": costs, "interest": INTEREST_180_DAYS,
        "principal": PRINCIPAL, "surplus": surplus, "debt": PRINCIPAL + INTEREST_180_DAYS,
        "new_holder": "bank-a", "market_value": 200 * ATTESTED, "penalty": 0,
    }
    assert wr.receipt(rid)["holder"] == "bank-a"
    assert wr.lien(f"receipt:{rid}") is None


@pytest.mark.parametrize(
    "co_signers",
    [(), ("coop-a.farmer",), ("coop-a.keeper",), ("coop-b.manager",), ("bank-a.risk",)],
)
def test_a_take_needs_the_pledgors_own_signature(
    defaulted: tuple[WrLedger, str, str], co_signers: tuple[str, ...]
) -> None:
    wr, _, lid = defaulted
    refused(wr, "UNAUTHORIZED", "bank-a.loan", "enforce_take",
            loan_id=lid, price=VALUE, co_signers=co_signers)


def test_a_take_needs_a_fresh_attested_price(defaulted: tuple[WrLedger, str, str]) -> None:
    wr, _, lid = defaulted
    wr.h.advance(days=31)
    refused(wr, "PRICE_STALE", "bank-a.loan", "enforce_take",
            loan_id=lid, price=VALUE, co_signers=("coop-a.manager",))


def test_the_bank_cannot_auction_the_goods_to_itself(defaulted: tuple[WrLedger, str, str]) -> None:
    wr, _, lid = defaulted
    refused(wr, "BUYER_IS_LENDER", "bank-a.loan", "enforce_sale",
            loan_id=lid, buyer="bank-a", price=VALUE)


def test_an_auction_to_a_third_party_runs_the_waterfall(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    wr, rid, lid = defaulted
    price, costs = 430_000 * CNY, 3_000 * CNY
    refused(wr, "UNAUTHORIZED", "bank-a.loan", "enforce_sale",
            loan_id=lid, buyer="buyer", price=price)  # the buyer must sign for what it pays
    buyer, coop, bank = wr.balance("buyer"), wr.balance("coop-a"), wr.balance("bank-a")
    wr.ok("bank-a.loan", "enforce_sale", loan_id=lid, buyer="buyer", price=price, costs=costs,
          co_signers=("buyer.purchaser",))
    assert buyer - wr.balance("buyer") == price
    assert wr.balance("bank-a") - bank == costs + INTEREST_180_DAYS + PRINCIPAL
    assert wr.balance("coop-a") - coop == price - costs - INTEREST_180_DAYS - PRINCIPAL
    assert wr.receipt(rid)["holder"] == "buyer"
    assert wr.loan_view(lid)["liquidation"]["new_holder"] == "buyer"


@pytest.mark.parametrize(
    "consent", [(), ("coop-a.farmer",), ("coop-a.keeper",), ("coop-b.manager",), ("bank-a.risk",)]
)
def test_a_sale_below_the_reserve_to_a_friendly_buyer_is_refused(
    defaulted: tuple[WrLedger, str, str], consent: tuple[str, ...],
) -> None:
    """V3 reserve: without the pledgor's own co-signature a sale fetches at least the take
    floor (attested 468,000 less 10 % = 421,200 CNY); nobody else's signature lowers it."""
    wr, _, lid = defaulted
    refused(wr, "SALE_BELOW_RESERVE", "bank-a.loan", "enforce_sale", loan_id=lid,
            buyer="buyer", price=FLOOR - 1, co_signers=("buyer.purchaser", *consent))
    wr.ok("bank-a.loan", "enforce_sale", loan_id=lid, buyer="buyer", price=FLOOR,
          co_signers=("buyer.purchaser",))
    assert wr.loan_view(lid)["liquidation"]["market_value"] == 200 * ATTESTED


def test_the_pledgor_may_agree_to_a_lower_or_unpriced_sale(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    """After a failed auction the pledgor may agree to sell lower, even with no fresh price;
    without it, a stale price leaves no reserve to check and the sale is refused."""
    wr, rid, lid = defaulted
    wr.h.advance(days=31)
    refused(wr, "PRICE_STALE", "bank-a.loan", "enforce_sale", loan_id=lid, buyer="buyer",
            price=VALUE, co_signers=("buyer.purchaser",))
    wr.ok("bank-a.loan", "enforce_sale", loan_id=lid, buyer="buyer", price=300_000 * CNY,
          co_signers=("buyer.purchaser", "coop-a.manager"))
    assert wr.receipt(rid)["holder"] == "buyer"
    assert wr.loan_view(lid)["closure"] == "AUCTIONED"
