"""V5 (docs/domain.md 7.2) from the side of whoever would break it: a cooperative that runs
its own warehouse issues itself a receipt and pledges it; a keeper puts a second lot on
a pile already receipted (Qingdao); another collateral manager, or nobody, vouches for
the stock; pledges go on after a missed or short stock count."""

from __future__ import annotations

import pytest
from wr_fixtures import CM, CNY, CONTRACTS, ORGS, WR, WrLedger

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
    """Qingdao: several receipts, one pile. The second intake on "bay 1" is refused while
    the first lot's goods lie there, whatever the lot is called."""
    rid = wr.receipt_with("coop-a", "paddy-1", 200, VALUE)
    wr.loan("coop-a", "bank-a", [rid], PRINCIPAL)
    wr.ok("coop-a.manager", "declare_deposit", lot_id="paddy-1b", depositor="coop-a",
          warehouse="coop-a", commodity="paddy", quantity=200, unit="t")
    intake = dict(warehouse="coop-a", lot_id="paddy-1b", quantity=200, grade="2",
                  moisture_permille=140, location="paddy-1 pile")
    assert wr.fails("coop-a.keeper", "inspect_and_grade", **intake) == "PILE_OCCUPIED"
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
    issue = dict(warehouse="coop-a", lot_id="paddy-2", quantity=100, shrinkage_bp=50,
                 location="x", storage_days=365, storage_fee=0, value=VALUE // 2)
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
