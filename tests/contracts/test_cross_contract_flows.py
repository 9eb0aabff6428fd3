"""Cross-contract flows of the issue, on the real contracts:

- a typhoon floods a warehouse: the pledged goods' claim pays the bank first and the
  loan closes and its lien is released once covered (claims + warehouse_receipt);
- an order short-delivered after a typhoon: the shortfall left as the seller's debt is
  covered by the payout with the bank as loss payee (claims + order_finance).
"""

from __future__ import annotations

from typing import Any

from test_claims_kit import CNY, MU, START, Flow, claims_config, claims_orgs, cover, fund, ok

from contracts.testing import LedgerHarness

WR = "warehouse_receipt"
OF = "order_finance"


def chain(*lenders: str) -> LedgerHarness:
    ledger = LedgerHarness(
        claims_orgs(), ["membership", "settlement", "registry", *lenders, claims_config()],
        start=START,
    )
    fund(ledger)
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="bank-a",
                     amount=10_000_000 * CNY))
    return ledger


def submit(ledger: LedgerHarness, signer: str, contract: str, action: str, **args: Any) -> Any:
    return ok(ledger.submit(signer, contract, action, **args))


def coop_a_policy(flow: Flow, payee: dict[str, str]) -> None:
    """coop-a insures 200 mu of rice (500 CNY/mu) with the bank's loan as loss payee."""
    flow.enrol("p-coop-a", [cover("coop-a", 200, loss_payee=payee)])
    flow.activate("p-coop-a")


def pledged_receipt_loan(ledger: LedgerHarness) -> tuple[str, str]:
    """200 t paddy of coop-a in coop-b's warehouse (not the borrower's: V5), receipt worth
    520,000 CNY, 300,000 CNY loan."""
    intake = submit(ledger, "coop-b.keeper", WR, "record_intake", warehouse="coop-b",
                    depositor="coop-a", commodity="paddy", grade="2", quantity=200, unit="t",
                    moisture_permille=140, pile="bay 1", received_at=ledger.now)
    issued = submit(ledger, "coop-b.keeper", WR, "issue", warehouse="coop-b",
                    lot_id=f"lot-{intake.tx_id[:24]}", quantity=200, shrinkage_bp=50,
                    storage_days=365, storage_fee=0, value=520_000 * CNY)
    receipt = f"wr-{issued.tx_id[:24]}"
    applied = submit(ledger, "coop-a.manager", WR, "apply", borrower="coop-a", bank="bank-a",
                     receipt_ids=[receipt])
    loan = f"loan-{applied.tx_id[:24]}"
    submit(ledger, "bank-a.officer", WR, "approve", loan_id=loan, principal=300_000 * CNY,
           tenor_days=180, rate_bp=450)
    submit(ledger, "bank-a.officer", WR, "disburse", loan_id=loan)
    return receipt, loan


def test_flooded_warehouse_claim_below_the_debt_all_goes_to_the_bank_and_the_lien_stays() -> None:
    ledger = chain(WR)
    receipt, loan = pledged_receipt_loan(ledger)
    assert ledger.view("registry", "lookup", asset=f"receipt:{receipt}")["encumbered"]
    flow = Flow(ledger, coop="coop-a")
    coop_a_policy(flow, {"kind": WR, "ref": loan})
    ledger.advance(days=30)
    flow.report("flood-1", "p-coop-a")
    flow.survey_and_assess("flood-1", {"coop-a": (8_000, 200 * MU)}, stage="heading")
    flow.verify_and_publicise("flood-1")
    ledger.advance(days=3)
    ok(flow.submit("coop-a.manager", "sign_agreement", claim_id="flood-1", insured="coop-a"))
    debt = ledger.view(WR, "outstanding_debt", loan_id=loan)
    bank, coop = ledger.balance("bank-a"), ledger.balance("coop-a")
    ok(flow.submit("insurer.claims", "pay", claim_id="flood-1", insured="coop-a"))
    payout = 200 * 500 * CNY  # heading cap 100 %, 80 % loss: 100,000 CNY < the debt
    assert ledger.balance("bank-a") - bank == min(payout, debt["outstanding"])
    assert ledger.balance("coop-a") - coop == payout - min(payout, debt["outstanding"])
    left = ledger.view(WR, "outstanding_debt", loan_id=loan)["outstanding"]
    assert left == debt["outstanding"] - payout
    assert ledger.view("registry", "lookup", asset=f"receipt:{receipt}")["encumbered"]
    ledger.check_invariants()


def test_claim_larger_than_the_debt_closes_the_loan_and_frees_the_receipt() -> None:
    ledger = chain(WR)
    receipt, loan = pledged_receipt_loan(ledger)
    flow = Flow(ledger, coop="coop-a")
    flow.enrol("p-coop-a", [cover("coop-a", 1_000, loss_payee={"kind": WR, "ref": loan})])
    flow.activate("p-coop-a")
    ledger.advance(days=30)
    flow.report("flood-1", "p-coop-a")
    flow.survey_and_assess("flood-1", {"coop-a": (9_000, 1_000 * MU)}, stage="heading")
    flow.verify_and_publicise("flood-1")
    ledger.advance(days=3)
    ok(flow.submit("coop-a.manager", "sign_agreement", claim_id="flood-1", insured="coop-a"))
    debt = ledger.view(WR, "outstanding_debt", loan_id=loan)["outstanding"]
    bank, coop = ledger.balance("bank-a"), ledger.balance("coop-a")
    ok(flow.submit("insurer.claims", "pay", claim_id="flood-1", insured="coop-a"))
    payout = 1_000 * 500 * CNY  # 500,000 CNY > principal + interest
    assert ledger.balance("bank-a") - bank == debt
    assert ledger.balance("coop-a") - coop == payout - debt
    assert ledger.view(WR, "outstanding_debt", loan_id=loan)["outstanding"] == 0
    assert not ledger.view("registry", "lookup", asset=f"receipt:{receipt}")["encumbered"]
    ledger.check_invariants()


def test_goods_lost_in_the_flood_stay_lost_after_the_payout_closes_the_loan() -> None:
    """The issue's case: the typhoon also destroyed the 200 t in store. The keeper records
    the loss (the loan defaults at once: nothing backs it), the crop claim's payout closes
    the loan, and the receipt stays LOST: not ACTIVE at 520,000 CNY, not pledgeable again."""
    ledger = chain(WR)
    receipt, loan = pledged_receipt_loan(ledger)
    flow = Flow(ledger, coop="coop-a")
    flow.enrol("p-coop-a", [cover("coop-a", 1_000, loss_payee={"kind": WR, "ref": loan})])
    flow.activate("p-coop-a")
    ledger.advance(days=30)
    submit(ledger, "coop-b.keeper", WR, "record_loss", receipt_id=receipt, quantity=200,
           cause="typhoon flood")
    assert ledger.view(WR, "loan", loan_id=loan)["state"] == "DEFAULT"
    flow.report("flood-1", "p-coop-a")
    flow.survey_and_assess("flood-1", {"coop-a": (9_000, 1_000 * MU)}, stage="heading")
    flow.verify_and_publicise("flood-1")
    ledger.advance(days=3)
    ok(flow.submit("coop-a.manager", "sign_agreement", claim_id="flood-1", insured="coop-a"))
    ok(flow.submit("insurer.claims", "pay", claim_id="flood-1", insured="coop-a"))
    assert ledger.view(WR, "loan", loan_id=loan)["state"] == "CLOSED"
    lost = ledger.view(WR, "receipt", receipt_id=receipt)
    assert (lost["state"], lost["quantity"], lost["value"], lost["loan_id"]) == ("LOST", 0, 0, None)
    again = ledger.submit("coop-a.manager", WR, "apply", borrower="coop-a", bank="bank-b",
                          receipt_ids=[receipt])
    assert again.code == "RECEIPT_NOT_ACTIVE"
    ledger.check_invariants()


def test_short_delivered_order_after_a_typhoon_is_covered_by_the_payout() -> None:
    ledger = chain(OF)
    submit(ledger, "coop-a.manager", OF, "create_order", order_id="po-1", buyer="buyer",
           quantity=30_000, unit_price=6_000, delivery_due="2026-06-01T00:00:00Z")
    submit(ledger, "buyer.purchaser", OF, "confirm", order_id="po-1")
    submit(ledger, "bank-a.officer", OF, "finance", order_id="po-1", principal=90_000_000,
           rate_bp=435, maturity="2026-05-30T00:00:00Z")
    flow = Flow(ledger, coop="coop-a")
    coop_a_policy(flow, {"kind": OF, "ref": "po-1"})
    ledger.advance(days=60)
    flow.report("typhoon-1", "p-coop-a")  # the typhoon destroys half the crop
    flow.survey_and_assess("typhoon-1", {"coop-a": (5_000, 200 * MU)})
    flow.verify_and_publicise("typhoon-1")
    ledger.advance(days=27)
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="buyer", amount=100_000_000))
    submit(ledger, "coop-a.manager", OF, "deliver", order_id="po-1", quantity=15_000)
    submit(ledger, "buyer.purchaser", OF, "accept", order_id="po-1", quantity=15_000)
    submit(ledger, "coop-a.manager", OF, "invoice", order_id="po-1")
    owed = ledger.view(OF, "order", order_id="po-1")["invoice_amount"]
    submit(ledger, "buyer.treasurer", OF, "pay", order_id="po-1", amount=owed)
    submit(ledger, "bank-a.officer", OF, "settle", order_id="po-1")
    debt = ledger.view(OF, "outstanding_debt", order_id="po-1")
    assert debt["lender"] == "bank-a"
    assert debt["outstanding"] > 0  # short delivery left the seller owing the bank
    ok(flow.submit("coop-a.manager", "sign_agreement", claim_id="typhoon-1", insured="coop-a"))
    bank, coop = ledger.balance("bank-a"), ledger.balance("coop-a")
    ok(flow.submit("insurer.claims", "pay", claim_id="typhoon-1", insured="coop-a"))
    payout = 200 * 400 * CNY * 5_000 // 10_000  # tillering 80 % cap, 50 % loss: 40,000 CNY
    assert ledger.balance("bank-a") - bank == debt["outstanding"]
    assert ledger.balance("coop-a") - coop == payout - debt["outstanding"]
    assert ledger.view(OF, "loan", order_id="po-1")["status"] == "CLOSED"
    assert ledger.view(OF, "outstanding_debt", order_id="po-1")["outstanding"] == 0
    ledger.check_invariants()
