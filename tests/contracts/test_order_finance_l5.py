"""order_finance L5 (docs/domain.md 7.3), each rule from the side of the party who would break it.

- the buyer cancelling a financed order alone;
- the bank blaming the seller for the buyer's default, or wiping out the receivable;
- the buyer's late payment being refused or bypassing the bank;
- the seller over-delivering across shipments, or shipping after the buyer cancelled the
  remainder of a late order.

The flow helpers and amounts are test_order_finance's (30 t at 60 CNY/kg, a 900,000 CNY
loan at 4.35 %, actual/360); the invoice is due ``payment_days`` (30) after it is issued.
"""

from __future__ import annotations

from typing import Any

from tests.contracts.test_order_finance import (
    LOAN,
    OFFICER,
    OTHER_OFFICER,
    PRICE,
    PURCHASER,
    QTY,
    RATE,
    SELLER,
    TREASURER,
    Flow,
)

BUYER_RECORD = "default/buyer/order:po-1"
SELLER_RECORD = "default/coop-a/order_finance:po-1"


def _state(flow: Flow) -> dict[str, Any]:
    names = ("order_finance/", "settlement/", "registry/", "credit/")
    return {k: v for name in names for k, v in flow.ledger.store.state.scan(name)}


def _refused(flow: Flow, code: str, signer: str, action: str, **kw: Any) -> None:
    before = _state(flow)
    result = flow.submit(signer, action, **kw)
    assert (result.committed, result.code) == (False, code), result.message
    assert _state(flow) == before


def _interest(days: int, principal: int = LOAN) -> int:
    return principal * RATE * days // 3_600_000


def _penalty(days: int, principal: int = LOAN) -> int:
    """Penalty interest past the due date: the rate plus half of it (L2)."""
    return principal * RATE * 15_000 * days // (10**8 * 360)


def _invoiced_and_overdue(flow: Flow, accepted: int = QTY) -> None:
    """Financed and invoiced on day 0; day 31: the invoice (due day 30) is unpaid."""
    flow.to_financed()
    flow.deliver_accept_invoice(accepted)
    flow.ledger.advance(days=31)


# -- cancellation after financing needs the financing bank ------------------------------------


def test_the_buyer_cannot_cancel_a_financed_order_alone_or_with_another_bank() -> None:
    flow = Flow()
    flow.to_financed()
    _refused(flow, "UNAUTHORIZED", PURCHASER, "cancel", order_id="po-1")
    _refused(flow, "UNAUTHORIZED", PURCHASER, "cancel", order_id="po-1",
             co_signers=[OTHER_OFFICER])
    _refused(flow, "UNAUTHORIZED", OFFICER, "cancel", order_id="po-1")  # nor the bank alone
    flow.ok(PURCHASER, "cancel", order_id="po-1", co_signers=[OFFICER])
    assert flow.order()["loan"]["status"] == "ACCELERATED"


def test_before_financing_or_once_the_loan_is_repaid_the_buyer_cancels_alone() -> None:
    flow = Flow()
    flow.create("po-1")
    flow.ok(PURCHASER, "confirm", order_id="po-1")
    flow.ok(PURCHASER, "cancel", order_id="po-1")
    flow.to_financed("po-2")
    flow.ok(SELLER, "repay", order_id="po-2", amount=LOAN)  # same day: no interest
    flow.ok(PURCHASER, "cancel", order_id="po-2")
    assert [flow.order(o)["status"] for o in ("po-1", "po-2")] == ["CANCELLED", "CANCELLED"]


# -- buyer default ------------------------------------------------------------------------------


def test_the_bank_cannot_write_off_against_the_seller_while_the_buyer_still_owes() -> None:
    flow = Flow(credit=True)
    _invoiced_and_overdue(flow)
    flow.ledger.advance(days=60)  # past the loan's maturity too
    _refused(flow, "ORDER_STATE_INVALID", OFFICER, "default", order_id="po-1")
    assert flow.ledger.get("credit", SELLER_RECORD) is None


def test_buyer_default_is_recorded_against_the_buyer_and_the_receivable_stays_open() -> None:
    flow = Flow(credit=True, recourse=False)
    flow.to_financed()
    flow.deliver_accept_invoice(QTY)
    _refused(flow, "PAYMENT_NOT_DUE", OFFICER, "buyer_default", order_id="po-1")
    flow.ledger.advance(days=31)
    _refused(flow, "UNAUTHORIZED", PURCHASER, "buyer_default", order_id="po-1")
    _refused(flow, "UNAUTHORIZED", OTHER_OFFICER, "buyer_default", order_id="po-1")
    flow.ok(OFFICER, "buyer_default", order_id="po-1")

    order = flow.order()
    assert order["status"] == "BUYER_DEFAULT"
    assert [(r["status"], r["received"]) for r in order["receivables"]] == [("OPEN", 0)]
    assert order["loan"]["status"] == "ACTIVE"  # without recourse the seller owes nothing now
    assert flow.ledger.get("credit", BUYER_RECORD) is not None
    assert flow.ledger.get("credit", SELLER_RECORD) is None
    assert flow.ledger.view("registry", "lookup", asset="order:po-1")["encumbered"]


def test_without_recourse_a_write_off_is_not_recorded_against_the_seller() -> None:
    flow = Flow(credit=True, recourse=False)
    _invoiced_and_overdue(flow)
    flow.ok(OFFICER, "buyer_default", order_id="po-1")
    flow.ledger.advance(days=60)
    flow.ok(OFFICER, "default", order_id="po-1")
    order = flow.order()
    assert (order["status"], order["loan"]["status"]) == ("BUYER_DEFAULT", "DEFAULTED")
    assert flow.ledger.get("credit", SELLER_RECORD) is None
    _refused(flow, "LOAN_NOT_OPEN", SELLER, "repay", order_id="po-1", amount=1)


def test_a_late_payment_after_a_write_off_repays_the_bank_first_then_the_seller() -> None:
    flow = Flow(credit=True, recourse=False)
    _invoiced_and_overdue(flow)
    flow.ok(OFFICER, "buyer_default", order_id="po-1")
    flow.ledger.advance(days=60)  # day 91
    flow.ok(OFFICER, "default", order_id="po-1")
    interest = _interest(90)  # to maturity (day 90); day 91 bears penalty at 1.5 x (L2)
    penalty = _penalty(1)
    subsidy = 0  # no programme funds order loans here
    written_off = flow.order()["loan"]["written_off"]
    assert written_off == LOAN + interest + penalty - subsidy

    bank, coop = flow.balance("bank-a"), flow.balance("coop-a")
    flow.ok(TREASURER, "pay", order_id="po-1", amount=50_000_000)
    assert flow.balance("bank-a") - bank == 50_000_000  # all of it: the bank is first
    flow.ok(TREASURER, "pay", order_id="po-1", amount=QTY * PRICE - 50_000_000)
    assert flow.balance("bank-a") - bank == written_off
    assert flow.order()["status"] == "PAID"
    flow.ok(SELLER, "settle", order_id="po-1")
    assert flow.balance("coop-a") - coop == QTY * PRICE - written_off
    assert not flow.ledger.view("registry", "lookup", asset="order:po-1")["encumbered"]


def test_with_recourse_the_seller_owes_at_once_and_may_repay() -> None:
    flow = Flow(credit=True)
    _invoiced_and_overdue(flow)
    flow.ok(SELLER, "buyer_default", order_id="po-1")  # the seller may record it too
    loan = flow.order()["loan"]
    assert (loan["status"], loan["due_at"]) == ("RECOURSE", flow.ledger.now)
    assert flow.ledger.get("credit", SELLER_RECORD) is None
    owed = LOAN + _interest(31)
    assert loan["outstanding"] == owed
    flow.ok("gov.pboc", "issue", contract="settlement", account="coop-a", amount=owed)
    flow.ok(SELLER, "repay", order_id="po-1", amount=owed)
    assert flow.order()["loan"]["status"] == "CLOSED"


def test_with_recourse_a_write_off_is_the_sellers_default_and_it_can_still_repay() -> None:
    flow = Flow(credit=True)
    _invoiced_and_overdue(flow)
    flow.ok(OFFICER, "buyer_default", order_id="po-1")
    flow.ok(OFFICER, "default", order_id="po-1")  # due at once under recourse
    loan = flow.order()["loan"]
    assert (loan["status"], loan["written_off"]) == ("DEFAULTED", LOAN + _interest(31))
    assert flow.ledger.get("credit", SELLER_RECORD) is not None
    flow.ok("gov.pboc", "issue", contract="settlement", account="coop-a", amount=LOAN)
    _refused(flow, "REPAYMENT_EXCEEDS_DEBT", SELLER, "repay", order_id="po-1",
             amount=loan["written_off"] + 1)
    bank = flow.balance("bank-a")
    flow.ok(SELLER, "repay", order_id="po-1", amount=LOAN)
    assert flow.balance("bank-a") - bank == LOAN
    assert flow.order()["loan"]["recovered"] == LOAN


def test_a_payment_after_the_due_date_enters_the_controlled_account_and_pays_the_bank() -> None:
    """2.4's short delivery, but the buyer pays a day after the due date."""
    flow = Flow()
    flow.to_financed()
    flow.ledger.advance(days=60)
    flow.deliver_accept_invoice(27_000)
    flow.ledger.advance(days=31)  # day 91; the invoice was due on day 90
    flow.ok(OFFICER, "buyer_default", order_id="po-1")
    bank, coop = flow.balance("bank-a"), flow.balance("coop-a")
    _refused(flow, "PAYEE_NOT_CONTROLLED_ACCOUNT", TREASURER, "pay", order_id="po-1",
             amount=1, payee="coop-a")
    flow.ok(TREASURER, "pay", order_id="po-1", amount=162_000_000)
    owed = LOAN + _interest(90) + _penalty(1)  # matured on day 90: day 91 is penalty (L2)
    assert flow.balance("bank-a") - bank == owed
    flow.ok(OFFICER, "settle", order_id="po-1")
    assert flow.balance("coop-a") - coop == 162_000_000 - owed
    order = flow.order()
    assert (order["status"], order["loan"]["status"]) == ("SETTLED", "CLOSED")
    assert order["buyer_default_at"] is not None


# -- shipments and late delivery -----------------------------------------------------------------


def test_several_shipments_up_to_the_ordered_quantity_and_no_more() -> None:
    flow = Flow()
    flow.to_financed()
    flow.ok(SELLER, "deliver", order_id="po-1", quantity=10_000)
    flow.ok(SELLER, "deliver", order_id="po-1", quantity=12_000)
    flow.ok(PURCHASER, "accept", order_id="po-1", quantity=21_500)  # 500 kg refused
    before = _state(flow)
    result = flow.submit(SELLER, "deliver", order_id="po-1", quantity=8_001)
    assert (result.committed, result.code) == (False, "QUANTITY_EXCEEDS_ORDERED")
    assert "args.quantity 8001 kg exceeds the 8000 kg still to deliver" in result.message
    assert _state(flow) == before
    flow.ok(SELLER, "deliver", order_id="po-1", quantity=8_000)
    flow.ok(PURCHASER, "accept", order_id="po-1", quantity=8_000)
    order = flow.order()
    assert (order["shipments"], order["delivered_qty"], order["accepted_qty"]) == (
        3, QTY, 29_500)
    assert order["status"] == "PARTIALLY_DELIVERED"
    flow.ok(SELLER, "invoice", order_id="po-1")
    order = flow.order()
    assert (order["invoice_amount"], order["short_qty"]) == (29_500 * PRICE, 500)


def test_a_late_shipment_is_recorded_and_lets_the_buyer_cancel_the_remainder() -> None:
    flow = Flow()
    flow.to_financed()
    flow.ok(SELLER, "deliver", order_id="po-1", quantity=10_000)
    flow.ok(PURCHASER, "accept", order_id="po-1", quantity=10_000)
    _refused(flow, "DELIVERY_NOT_LATE", PURCHASER, "cancel_remainder", order_id="po-1")
    flow.ledger.advance(days=95)  # delivery was due on day 92
    result = flow.submit(SELLER, "deliver", order_id="po-1", quantity=5_000)
    assert result.committed, result.message
    [shipped] = [e["data"] for e in result.events if e["type"] == "OrderDelivered"]
    assert (shipped["shipment"], shipped["days_late"]) == (2, 3)
    flow.ok(PURCHASER, "accept", order_id="po-1", quantity=5_000)
    _refused(flow, "UNAUTHORIZED", SELLER, "cancel_remainder", order_id="po-1")
    flow.ok(PURCHASER, "cancel_remainder", order_id="po-1")  # no bank needed: the seller is late
    _refused(flow, "DELIVERIES_CLOSED", SELLER, "deliver", order_id="po-1", quantity=1)
    order = flow.order()
    assert (order["late_shipments"], order["days_late"], order["remainder_cancelled"]) == (
        1, 3, 15_000)
    flow.ok(SELLER, "invoice", order_id="po-1")
    assert flow.order()["invoice_amount"] == 15_000 * PRICE
