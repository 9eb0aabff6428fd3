"""Every order-finance action that moves a disputed order is refused while the dispute is
open (D1, X3): finance, pay, split and transfer of the receivable, and settle, each
tried by its entitled signer while the order is frozen (``must_fail``: ASSET_FROZEN,
state unchanged), then done once the claimant withdraws."""

from __future__ import annotations

from typing import Any

from contracts.testing import LedgerHarness, standard_orgs

ORDER_ID = "po-1"
ASSET = f"order:{ORDER_ID}"
FROZEN = ["ASSET_FROZEN"]
FEES = 1_501  # odd and not zero: the waterfall pays the lender's fee after interest


class Frozen:
    def __init__(self) -> None:
        self.ledger = LedgerHarness(standard_orgs(), [
            "membership", "settlement", "registry", "order_finance", "disputes"])
        self.disputes = 0
        for account in ("bank-a", "buyer", "coop-a"):
            self.ok("gov.pboc", "settlement", "issue", account=account, amount=10**10)

    def ok(self, signer: str, contract: str, action: str, co: tuple[str, ...] = (),
           **args: Any) -> None:
        result = self.ledger.submit(signer, contract, action, co_signers=co, **args)
        assert result.committed, f"{action}: {result.code}: {result.message}"

    def freeze(self) -> str:
        self.disputes += 1
        dispute = f"d{self.disputes}"
        self.ok("coop-a.manager", "disputes", "open", dispute=dispute, asset=ASSET,
                claimant="coop-a", respondent="buyer", summary="quality of the delivery")
        return dispute

    def refused_then_done(self, signer: str, action: str, co: tuple[str, ...] = (),
                          **args: Any) -> None:
        """While a dispute is open ``action`` is refused; after withdrawal it commits."""
        dispute = self.freeze()
        self.ledger.must_fail(signer, "order_finance", action, args, codes=FROZEN,
                              co_signers=co)
        self.ok("coop-a.manager", "disputes", "withdraw", dispute=dispute)
        self.ok(signer, "order_finance", action, co, **args)


def test_each_action_on_a_disputed_order_is_frozen_until_the_dispute_closes() -> None:
    f = Frozen()
    f.ok("coop-a.manager", "order_finance", "create_order", order_id=ORDER_ID, buyer="buyer",
         quantity=30_001, unit_price=6_001, delivery_due="2026-06-01T00:00:00Z")
    f.ok("buyer.purchaser", "order_finance", "confirm", order_id=ORDER_ID)
    f.refused_then_done("bank-a.officer", "finance", order_id=ORDER_ID, principal=90_000_001,
                        rate_bp=435, maturity="2026-05-30T00:00:00Z", fees=FEES)
    f.ok("coop-a.manager", "order_finance", "deliver", order_id=ORDER_ID, quantity=30_001)
    f.ok("buyer.purchaser", "order_finance", "accept", order_id=ORDER_ID, quantity=30_001)
    f.ok("coop-a.manager", "order_finance", "invoice", order_id=ORDER_ID)
    consent = ("bank-a.officer",)
    invoice = 30_001 * 6_001
    f.refused_then_done("coop-a.manager", "split_receivable", consent, receivable_id=ORDER_ID,
                        amounts=[invoice // 3, invoice - invoice // 3])
    part = f"{ORDER_ID}.1"
    f.refused_then_done("coop-a.manager", "transfer_receivable", consent, receivable_id=part,
                        new_holder="coop-b")
    f.refused_then_done("buyer.treasurer", "pay", order_id=ORDER_ID, amount=invoice)
    f.ledger.advance(days=30)
    f.refused_then_done("bank-a.officer", "settle", order_id=ORDER_ID)
    loan = f.ledger.get("order_finance", f"loan/{ORDER_ID}")
    assert loan is not None
    assert (loan["status"], loan["costs"], loan["costs_paid"]) == ("CLOSED", FEES, FEES)
    f.ledger.check_invariants()
