"""V5 (docs/domain.md 7.2) from the side of whoever would break it: a cooperative that runs
its own warehouse issues itself a receipt and pledges it; a keeper puts a second lot on
a pile already receipted (Qingdao); another collateral manager, or nobody, vouches for
the stock; pledges go on after a missed or short stock count; a depositor names its own
lot, or a keeper receipts more than its intake took in."""

from __future__ import annotations

from typing import Any

import pytest
from wr_fixtures import CM, CNY, CONTRACTS, ORGS, WR, WrLedger, receipt_id

from contracts.testing import LedgerHarness, OrgSpec

VALUE = 520_000 * CNY
PRINCIPAL = 364_000 * CNY
OTHER_CM = "custodian-b.cm"


@pytest.fixture
def wr() -> WrLedger:
    orgs = (*ORGS, OrgSpec("custodian-b", "appraiser", (("cm", "collateral_manager"),)))
    ledger = WrLedger(LedgerHarness(orgs, CONTRACTS))
    for account in ("bank-a", "bank-b", "coop-a", "coop-b"):
        ledger.fund(account, 2_000_000 * CNY)
    return ledger


def apply(wr: WrLedger, rid: str, borrower: str = "coop-a", bank: str = "bank-a") -> str:
    return wr.fails(
        f"{borrower}.manager", "apply", borrower=borrower, bank=bank, receipt_ids=[rid]
    )


def count(wr: WrLedger, tonnes: int, signer: str = CM, warehouse: str = "coop-a") -> None:
    counts = [{"commodity": "paddy", "unit": "t", "quantity": tonnes}]
    wr.ok(signer, "attest_stock", warehouse=warehouse, counts=counts)


def intake(wr: WrLedger, quantity: int, pile: str, depositor: str = "coop-a") -> dict[str, Any]:
    return dict(warehouse="coop-a", depositor=depositor, commodity="paddy", grade="2",
                quantity=quantity, unit="t", moisture_permille=140, pile=pile,
                received_at=wr.h.now)


def issue(wr: WrLedger, lot_id: str, quantity: int) -> dict[str, Any]:
    return dict(warehouse="coop-a", lot_id=lot_id, quantity=quantity, shrinkage_bp=50,
                storage_days=365, storage_fee=0, value=quantity * 2_600 * CNY)


def test_only_the_keepers_intake_record_makes_a_lot_and_the_contract_names_it(
    wr: WrLedger,
) -> None:
    """The depositor cannot take its own goods in, nor name a lot: a receipt for a lot id
    nobody took in is refused, and the intake's lot id is lot-<tx id prefix>."""
    for signer in ("coop-a.manager", "coop-a.farmer", "coop-b.keeper", CM):
        assert wr.fails(signer, "record_intake", **intake(wr, 200, "bay 1")) == "UNAUTHORIZED"
    assert wr.fails("coop-a.keeper", "issue", co_signers=(CM,),
                    **issue(wr, "paddy-2026-1", 200)) == "LOT_NOT_FOUND"
    result = wr.ok("coop-a.keeper", "record_intake", **intake(wr, 200, "bay 1"))
    lot_id = f"lot-{result.tx_id[:24]}"
    [recorded] = [e["data"] for e in result.events if e["type"] == "IntakeRecorded"]
    assert recorded["lot_id"] == lot_id
    lot = wr.h.view(WR, "lot", warehouse="coop-a", lot_id=lot_id)
    assert (lot["depositor"], lot["quantity"], lot["location"], lot["issued"]) == (
        "coop-a", 200, "bay 1", 0)
    rid = receipt_id(wr.ok("coop-a.keeper", "issue", co_signers=(CM,), **issue(wr, lot_id, 200)))
    assert wr.receipt(rid)["location"] == "bay 1"  # the lot's pile, nobody's free text
    wr.h.check_invariants()


def test_receipts_never_exceed_what_the_intake_lot_has_not_yet_receipted(wr: WrLedger) -> None:
    lot_id = wr.deposit("coop-a", "paddy-1", 200)
    first = receipt_id(wr.ok("coop-a.keeper", "issue", co_signers=(CM,),
                             **issue(wr, lot_id, 150)))
    assert wr.fails("coop-a.keeper", "issue", co_signers=(CM,),
                    **issue(wr, lot_id, 51)) == "LOT_OVER_ISSUED"
    wr.ok("coop-a.keeper", "issue", co_signers=(CM,), **issue(wr, lot_id, 50))
    # the goods of a withdrawn receipt left the pile: they are never receipted again (A1)
    wr.ok("coop-a.manager", "request_delivery", receipt_id=first)
    wr.ok("coop-a.keeper", "confirm_outbound", receipt_id=first)
    assert wr.fails("coop-a.keeper", "issue", co_signers=(CM,),
                    **issue(wr, lot_id, 1)) == "LOT_OVER_ISSUED"
    wr.h.check_invariants()


def test_a_borrower_run_warehouse_cannot_pledge_its_own_receipt_without_a_manager(
    wr: WrLedger,
) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE, managed=False)
    assert apply(wr, rid) == "COLLATERAL_MANAGER_REQUIRED"
    lid = wr.loan("coop-a", "bank-a", [wr.receipt_with("coop-a", "paddy-2", 200, VALUE)],
                  PRINCIPAL)
    top_up = dict(loan_id=lid, receipt_id=rid)
    assert wr.fails("coop-a.manager", "top_up", **top_up) == "COLLATERAL_MANAGER_REQUIRED"
    wr.h.check_invariants()


def test_a_receipt_from_a_warehouse_that_is_not_the_borrower_needs_no_manager(
    wr: WrLedger,
) -> None:
    wr.deposit("coop-a", "paddy-1", 200, warehouse="coop-b")
    rid = wr.issue("coop-b", "paddy-1", 200, VALUE, managed=False)
    assert wr.receipt(rid)["custodian"] is None
    wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    wr.h.check_invariants()


def test_the_keeper_cannot_put_a_second_lot_on_a_receipted_pile(wr: WrLedger) -> None:
    """Qingdao: several receipts, one pile. The second intake on the pile is refused while
    the first lot's goods lie there, for any depositor."""
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    for depositor in ("coop-a", "coop-b"):
        intake = dict(warehouse="coop-a", depositor=depositor, commodity="paddy", grade="2",
                      quantity=200, unit="t", moisture_permille=140, pile="paddy-1 pile",
                      received_at=wr.h.now)
        assert wr.fails("coop-a.keeper", "record_intake", **intake) == "PILE_OCCUPIED"
    wr.h.check_invariants()


def test_a_pile_takes_a_new_lot_once_its_goods_have_left(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.ok("coop-a.manager", "request_delivery", receipt_id=rid)
    wr.ok("coop-a.keeper", "confirm_outbound", receipt_id=rid)
    wr.deposit("coop-a", "paddy-2", 150, location="paddy-1 pile")
    wr.h.check_invariants()


def test_another_collateral_manager_cannot_vouch_for_this_warehouse(wr: WrLedger) -> None:
    wr.receipt_with("coop-a", "paddy-1", 200, VALUE)  # appoints custodian.cm at coop-a
    wr.deposit("coop-a", "paddy-2", 100)
    issue = dict(warehouse="coop-a", lot_id=wr.lot_id("paddy-2"), quantity=100,
                 shrinkage_bp=50, storage_days=365, storage_fee=0, value=VALUE // 2)
    code = wr.fails("coop-a.keeper", "issue", co_signers=(OTHER_CM,), **issue)
    assert code == "NOT_COLLATERAL_MANAGER"
    counts = [{"commodity": "paddy", "unit": "t", "quantity": 300}]
    code = wr.fails(OTHER_CM, "attest_stock", warehouse="coop-a", counts=counts)
    assert code == "NOT_COLLATERAL_MANAGER"
    for impostor in ("valuer.appraiser", "coop-a.keeper", "coop-a.manager", "bank-a.risk"):
        code = wr.fails(impostor, "attest_stock", warehouse="coop-a", counts=counts)
        assert code == "UNAUTHORIZED"
    wr.h.check_invariants()


def test_a_missed_stock_check_stops_new_pledges_until_the_next_count(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.h.advance(days=30, minutes=1)
    assert wr.h.view(WR, "custody", warehouse="coop-a")["due"] < wr.h.now
    assert apply(wr, rid) == "STOCK_CHECK_OVERDUE"
    count(wr, 200)
    wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    wr.h.check_invariants()


def test_a_short_count_stops_pledges_until_the_loss_is_on_the_books(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    count(wr, 180)
    assert wr.h.view(WR, "custody", warehouse="coop-a")["shortfalls"] == {"paddy/t": 20}
    assert apply(wr, rid) == "STOCK_SHORTFALL"
    wr.ok("coop-a.keeper", "record_loss", receipt_id=rid, quantity=20, cause="count short")
    count(wr, 180)
    wr.loan("coop-a", "bank-a", [rid], 327_600 * CNY)  # 70 % of 180 t at 2,600
    wr.h.check_invariants()


def test_goods_on_the_books_and_not_counted_count_as_missing(wr: WrLedger) -> None:
    wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.ok(CM, "attest_stock", warehouse="coop-a", counts=[])
    assert wr.h.view(WR, "custody", warehouse="coop-a")["shortfalls"] == {"paddy/t": 200}


def called(wr: WrLedger, lid: str) -> dict[str, Any]:
    """The lender calls the loan for its unverified collateral; the CollateralUnverified event."""
    result = wr.ok("bank-a.risk", "call_unverified", loan_id=lid)
    [event] = [e["data"] for e in result.events if e["type"] == "CollateralUnverified"]
    return dict(event)


def test_a_borrower_who_skips_the_stock_check_has_its_loan_called_then_defaulted(
    wr: WrLedger,
) -> None:
    """coop-a runs the warehouse and keeps the collateral manager out past the 30-day
    count: its goods are unverified, so the loan is called (margin call, 10 days to cure)
    and, uncured, defaults. Meanwhile it cannot pledge more of the unverified goods."""
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    spare = wr.receipt_with("coop-a", "paddy-2", 100, VALUE // 2)
    lid = wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    assert wr.fails("bank-a.risk", "call_unverified", loan_id=lid) == "LOAN_NOT_CALLABLE"
    wr.h.advance(days=30, minutes=1)  # the count was due; coop-a let nobody count
    for outsider in ("coop-a.manager", "bank-b.risk", CM):
        assert wr.fails(outsider, "call_unverified", loan_id=lid) == "UNAUTHORIZED"
    assert called(wr, lid) == {"loan_id": lid, "receipts": {rid: "STOCK_CHECK_OVERDUE"}}
    loan = wr.loan_view(lid)
    assert loan["state"] == "MARGIN_CALL"
    assert loan["cure_deadline"] > wr.h.now
    top_up = dict(loan_id=lid, receipt_id=spare)  # more unverified goods cure nothing
    assert wr.fails("coop-a.manager", "top_up", **top_up) == "STOCK_CHECK_OVERDUE"
    wr.ok("coop-a.manager", "repay", loan_id=lid, amount=100_000 * CNY)
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"  # unverified goods secure nothing
    assert wr.fails("bank-a.risk", "mark_default", loan_id=lid) == "LOAN_NOT_DEFAULTABLE"
    wr.h.advance(days=10)
    wr.ok("bank-a.risk", "mark_default", loan_id=lid)
    assert wr.loan_view(lid)["state"] == "DEFAULT"
    wr.h.check_invariants()


def test_a_count_that_matches_the_books_cures_the_call(wr: WrLedger) -> None:
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    lid = wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    wr.h.advance(days=31)
    called(wr, lid)
    count(wr, 150)  # a short count keeps the goods unverified
    assert wr.loan_view(lid)["state"] == "MARGIN_CALL"
    count(wr, 200)
    assert wr.loan_view(lid)["state"] == "DISBURSED"
    assert wr.loan_view(lid)["cure_deadline"] is None
    assert wr.fails("bank-a.risk", "call_unverified", loan_id=lid) == "LOAN_NOT_CALLABLE"
    wr.h.check_invariants()


def test_a_loan_its_verified_collateral_still_covers_is_not_called(wr: WrLedger) -> None:
    """Half the collateral from an independent warehouse (coop-b's), worth the whole loan
    at the cap: the unverified half does not put the loan past the warning line."""
    own = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.deposit("coop-a", "paddy-3", 200, warehouse="coop-b")
    independent = wr.issue("coop-b", "paddy-3", 200, VALUE, managed=False)
    lid = wr.loan("coop-a", "bank-a", [own, independent], PRINCIPAL)
    wr.h.advance(days=31)
    assert wr.fails("bank-a.risk", "call_unverified", loan_id=lid) == "LOAN_NOT_CALLABLE"
    assert wr.loan_view(lid)["state"] == "DISBURSED"
    wr.h.check_invariants()
