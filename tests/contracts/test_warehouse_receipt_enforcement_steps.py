"""V3 after a failed auction, and D7's court-ordered sale of a pledged receipt, from the
side of the lending bank that would use either to take the goods cheaply.

A failed auction (no bid at or above the reserve) is recorded with its reserve and best
bid; the loan stays in default; the next step is a re-auction at a lower reserve that
still respects the take floor (attested value less the haircut) without the pledgor,
or a take at a price the pledgor co-signs. A court-ordered sale (disputes ``judge`` with
a ``sale``) runs the same A10 waterfall with the 7.6 numbers.

Numbers (docs/domain.md 1.6/7.6): 200 t at 2,600 CNY/t, 364,000 CNY lent for 180 days at
4.5 %; attested 2,340 CNY/t, haircut 10 %: floor 421,200 CNY.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_warehouse_receipt_collateral import (
    ATTESTED,
    FLOOR,
    INTEREST_180_DAYS,
    PRINCIPAL,
    VALUE,
    refused,
)
from wr_fixtures import CNY, CONTRACTS, COURT_ORGS, WrLedger

from contracts.testing import LedgerHarness

MARKET = 200 * ATTESTED  # 468,000 CNY
HASH = "ef" * 32


@pytest.fixture
def defaulted() -> tuple[WrLedger, str, str]:
    """Day 180: the loan matured unpaid and is in default; 2,340 CNY/t attested."""
    wr, rid, lid = _pledged(WrLedger())
    wr.ok("bank-a.admin", "mark_default", loan_id=lid)
    return wr, rid, lid


def _pledged(wr: WrLedger) -> tuple[WrLedger, str, str]:
    wr.fund("bank-a", 2_000_000 * CNY)
    wr.fund("buyer", 1_000_000 * CNY)
    rid = wr.receipt_with("coop-a", "paddy-2026-1", 200, VALUE)
    lid = wr.loan("coop-a", "bank-a", [rid], PRINCIPAL, tenor_days=180, rate_bp=450)
    wr.h.advance(days=180)
    wr.attest(ATTESTED)
    return wr, rid, lid


def test_a_failed_auction_is_recorded_and_the_loan_stays_in_default(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    """Reserve at the attested 468,000 CNY, best bid 400,000: recorded, event and state;
    then a re-auction at the floor sells to the third party through the waterfall."""
    wr, rid, lid = defaulted
    result = wr.ok("bank-a.loan", "record_failed_auction", loan_id=lid, reserve=MARKET,
                   best_bid=400_000 * CNY)
    [event] = [e["data"] for e in result.events if e["type"] == "AuctionFailed"]
    assert event == {"loan_id": lid, "reserve": MARKET, "best_bid": 400_000 * CNY,
                     "attempt": 1}
    loan = wr.loan_view(lid)
    assert loan["state"] == "DEFAULT"
    assert loan["failed_auctions"] == [{"at": wr.h.now, "reserve": MARKET,
                                        "best_bid": 400_000 * CNY, "market_value": MARKET}]
    assert wr.receipt(rid)["holder"] == "coop-a"
    refused(wr, "SALE_BELOW_RESERVE", "bank-a.loan", "enforce_sale", loan_id=lid,
            buyer="buyer", price=FLOOR - 1, co_signers=("buyer.purchaser",))
    coop = wr.balance("coop-a")
    wr.ok("bank-a.loan", "enforce_sale", loan_id=lid, buyer="buyer", price=FLOOR,
          co_signers=("buyer.purchaser",))
    assert wr.balance("coop-a") - coop == FLOOR - INTEREST_180_DAYS - PRINCIPAL
    assert wr.loan_view(lid)["closure"] == "AUCTIONED"
    wr.h.check_invariants()


def test_after_a_failed_auction_an_agreed_take_works(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    wr, _, lid = defaulted
    wr.ok("bank-a.loan", "record_failed_auction", loan_id=lid, reserve=FLOOR)
    wr.ok("bank-a.loan", "record_failed_auction", loan_id=lid, reserve=FLOOR, best_bid=1)
    assert len(wr.loan_view(lid)["failed_auctions"]) == 2
    wr.ok("bank-a.loan", "enforce_take", loan_id=lid, price=FLOOR,
          co_signers=("coop-a.manager",))
    assert wr.loan_view(lid)["closure"] == "TAKEN_BY_BANK"
    wr.h.check_invariants()


@pytest.mark.parametrize(("code", "signer", "args", "co_signers"), [
    # a reserve nobody may set without the pledgor: below attested less the haircut
    ("SALE_BELOW_RESERVE", "bank-a.loan", {"reserve": FLOOR - 1}, ()),
    ("SALE_BELOW_RESERVE", "bank-a.loan", {"reserve": FLOOR - 1}, ("buyer.purchaser",)),
    # a bid that met the reserve was a sale, not a failure
    ("AUCTION_NOT_FAILED", "bank-a.loan", {"reserve": FLOOR, "best_bid": FLOOR}, ()),
    # only the lending bank's loan officer records its auction
    ("UNAUTHORIZED", "bank-a.risk", {"reserve": FLOOR}, ()),
    ("UNAUTHORIZED", "bank-b.loan", {"reserve": FLOOR}, ()),
    ("UNAUTHORIZED", "coop-a.manager", {"reserve": FLOOR}, ()),
])
def test_a_failed_auction_cannot_be_recorded_outside_the_rules(
    defaulted: tuple[WrLedger, str, str], code: str, signer: str, args: dict[str, Any],
    co_signers: tuple[str, ...],
) -> None:
    wr, _, lid = defaulted
    refused(wr, code, signer, "record_failed_auction", loan_id=lid, co_signers=co_signers,
            **args)


def test_the_pledgor_may_agree_to_a_failed_auction_below_the_floor(
    defaulted: tuple[WrLedger, str, str],
) -> None:
    wr, _, lid = defaulted
    wr.ok("bank-a.loan", "record_failed_auction", loan_id=lid, reserve=300_000 * CNY,
          co_signers=("coop-a.manager",))
    assert wr.loan_view(lid)["failed_auctions"][0]["market_value"] == 0


def test_no_failed_auction_before_default() -> None:
    wr, _, lid = _pledged(WrLedger())
    refused(wr, "INVALID_LOAN_STATE", "bank-a.loan", "record_failed_auction", loan_id=lid,
            reserve=MARKET)


# -- D7: a court-ordered sale ----------------------------------------------------------------

@pytest.fixture
def sued() -> tuple[WrLedger, str, str]:
    """Day 180, loan unpaid but not declared in default: bank-a sues coop-a over the
    receipt (its treasurer pays the security) and mediation fails."""
    wr, rid, lid = _pledged(WrLedger(LedgerHarness(COURT_ORGS, (*CONTRACTS, "disputes"))))
    h = wr.h
    for signer, action, args in [
        ("bank-a.loan", "open", {"co_signers": ["bank-a.treasurer"], "asset": f"receipt:{rid}",
                                 "claimant": "bank-a", "respondent": "coop-a"}),
        ("gov.mediator", "accept", {}), ("gov.mediator", "start_mediation", {}),
        ("gov.mediator", "fail", {}), ("bank-a.loan", "litigate", {}),
    ]:
        result = h.submit(signer, "disputes", action, dispute="d1", **args)
        assert result.committed, result.message
    return wr, rid, lid


def sell(wr: WrLedger, price: int, buyer: str = "buyer", upheld: bool = True,
         co_signers: tuple[str, ...] = ("buyer.treasurer",)) -> Any:
    return wr.h.submit("gov.court", "disputes", "judge", co_signers=list(co_signers),
                       dispute="d1", court_ref=HASH, upheld=upheld,
                       sale={"buyer": buyer, "price": price, "costs": 3_000 * CNY})


def test_a_court_ordered_sale_runs_the_a10_waterfall_with_the_7_6_numbers(
    sued: tuple[WrLedger, str, str],
) -> None:
    """Sold by the court at the floor, 421,200 CNY, costs 3,000: the bank gets costs,
    8,077.80 interest and 364,000 principal, the pledgor the 46,122.20 surplus."""
    wr, rid, lid = sued
    bank, coop, buyer = (wr.balance(a) for a in ("bank-a", "coop-a", "buyer"))
    result = sell(wr, FLOOR)
    assert result.committed, result.message
    deposit = 156_000 * CNY  # 30 % of the receipt's 520,000 CNY, back to the upheld bank
    assert buyer - wr.balance("buyer") == FLOOR
    assert wr.balance("coop-a") - coop == 46_122_20
    assert wr.balance("bank-a") - bank == 3_000 * CNY + INTEREST_180_DAYS + PRINCIPAL + deposit
    loan = wr.loan_view(lid)
    assert (loan["state"], loan["closure"]) == ("CLOSED", "COURT_SOLD")
    assert loan["liquidation"]["surplus"] == 46_122_20
    assert wr.receipt(rid)["holder"] == "buyer"
    judgment = wr.h.view("disputes", "dispute", dispute="d1")["judgment"]
    assert judgment["sale"] == {"buyer": "buyer", "price": FLOOR, "costs": 3_000 * CNY}
    wr.h.check_invariants()


@pytest.mark.parametrize(("code", "kwargs"), [
    ("SALE_BELOW_RESERVE", {"price": FLOOR - 1}),  # a cheap sale to a friendly buyer
    ("BUYER_IS_LENDER", {"price": FLOOR, "buyer": "bank-a",
                         "co_signers": ("bank-a.treasurer",)}),
    ("UNAUTHORIZED", {"price": FLOOR, "co_signers": ()}),  # the buyer pays only by signing
    ("DISMISSAL_WITH_TERMS", {"price": FLOOR, "upheld": False}),
])
def test_a_court_sale_keeps_the_sale_rules(
    sued: tuple[WrLedger, str, str], code: str, kwargs: dict[str, Any],
) -> None:
    wr, _, _ = sued
    before = wr.snapshot()
    result = sell(wr, **kwargs)
    assert (result.committed, result.code) == (False, code), result.message
    assert wr.snapshot() == before


def test_only_the_disputes_contract_reaches_the_court_sale(
    sued: tuple[WrLedger, str, str],
) -> None:
    wr, rid, _ = sued
    assert wr.fails("gov.court", "court_sale", asset=f"receipt:{rid}", buyer="buyer",
                    price=VALUE, costs=0) == "UNKNOWN_ACTION"
