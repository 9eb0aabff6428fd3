"""D5 against the real asset contracts: who may freeze a receipt, an order or a claim.

Each built-in asset contract answers ``asset_parties``; the disputes contract refuses a
stranger (NO_STANDING), a respondent who has no stake (RESPONDENT_NOT_PARTY) and an asset
that does not exist (ASSET_NOT_FOUND), and a refused filing freezes nothing. An org's
security is paid from its account as settlement's authority allows: the filing is signed
or co-signed by the org's treasurer, never by its loan officer or purchaser alone.
"""

from __future__ import annotations

from typing import Any

from test_claims_kit import CNY, MU, Flow, cover, harness
from test_disputes_freeze_flows import ORDER
from wr_fixtures import ORGS, WrLedger

from contracts.testing import LedgerHarness, OrgSpec, standard_orgs

# the receipt kit's orgs, with a treasurer at bank-a to pay the bank's security
WR_ORGS = tuple(OrgSpec(o.id, o.type, (*o.members, ("treasurer", "treasurer")))
                if o.id == "bank-a" else o for o in ORGS)


def file(ledger: LedgerHarness, signer: str, asset: str, claimant: str, respondent: str,
         **extra: Any) -> Any:
    return ledger.submit(signer, "disputes", "open", dispute="d1", asset=asset,
                         claimant=claimant, respondent=respondent, **extra)


def refused(ledger: LedgerHarness, result: Any, code: str, asset: str) -> None:
    assert (result.committed, result.code) == (False, code), result.message
    assert result.writes == ()
    assert not ledger.view("disputes", "is_frozen", asset=asset)


def test_receipt_parties_are_holder_pledgee_depositor_and_warehouse() -> None:
    wr = WrLedger(LedgerHarness(WR_ORGS, ("membership", "settlement", "registry",
                                       "warehouse_receipt", "disputes")))
    rid = wr.receipt_with("coop-a", "lot-1", 200, 520_000 * CNY)  # CNY: 100 fen in both kits
    asset = f"receipt:{rid}"
    assert wr.h.view("warehouse_receipt", "asset_parties", asset=asset) == {
        "exists": True, "parties": ["coop-a"], "owners": ["coop-a"], "value": 520_000 * CNY}
    refused(wr.h, file(wr.h, "bank-b.loan", asset, "bank-b", "coop-a"), "NO_STANDING", asset)
    refused(wr.h, file(wr.h, "coop-a.manager", asset, "coop-a", "bank-b"),
            "RESPONDENT_NOT_PARTY", asset)
    refused(wr.h, file(wr.h, "bank-b.loan", "receipt:wr-none", "bank-b", "coop-a"),
            "ASSET_NOT_FOUND", "receipt:wr-none")
    wr.fund("bank-a", 10**9)
    wr.loan("coop-a", "bank-a", [rid], 364_000 * CNY)
    assert "bank-a" in wr.h.view("warehouse_receipt", "asset_parties", asset=asset)["parties"]
    result = file(wr.h, "bank-a.loan", asset, "bank-a.loan", "coop-a",
                  co_signers=["bank-a.treasurer"])
    refused(wr.h, result, "NO_STANDING", asset)  # the bank is the party, not its officer
    # the officer alone cannot pay the bank's security; with the treasurer it is filed
    refused(wr.h, file(wr.h, "bank-a.loan", asset, "bank-a", "coop-a"), "UNAUTHORIZED", asset)
    assert file(wr.h, "bank-a.loan", asset, "bank-a", "coop-a",
                co_signers=["bank-a.treasurer"]).committed
    assert wr.h.view("disputes", "dispute", dispute="d1")["deposit"] == 156_000 * CNY  # 30 %


def test_order_parties_are_seller_buyer_and_financing_bank() -> None:
    ledger = LedgerHarness(standard_orgs(), ["membership", "settlement", "registry",
                                             "order_finance", "disputes"])
    assert ledger.submit("coop-a.manager", "order_finance", "create_order", **ORDER).committed
    asset = "order:po-1"
    parties = ledger.view("order_finance", "asset_parties", asset=asset)
    assert (parties["owners"], set(parties["parties"])) == (["coop-a"], {"coop-a", "buyer"})
    refused(ledger, file(ledger, "coop-b.manager", asset, "coop-b", "buyer"), "NO_STANDING",
            asset)
    refused(ledger, file(ledger, "buyer.purchaser", "order:po-9", "buyer", "coop-a"),
            "ASSET_NOT_FOUND", "order:po-9")
    refused(ledger, file(ledger, "buyer.purchaser", "receipt:po-1", "buyer", "coop-a"),
            "ASSET_NOT_FOUND", "receipt:po-1")  # no such receipt: warehouse_receipt is off
    poor = file(ledger, "buyer.purchaser", asset, "buyer", "coop-a",
                co_signers=["buyer.treasurer"])
    refused(ledger, poor, "INSUFFICIENT_FUNDS", asset)  # 30 % of 180,000,000 fen
    refused(ledger, file(ledger, "buyer.purchaser", asset, "buyer", "coop-a"), "UNAUTHORIZED",
            asset)  # and the purchaser alone may not pay it from the buyer's account
    assert file(ledger, "coop-a.manager", asset, "coop-a", "buyer").committed  # its own
    assert ledger.view("disputes", "dispute", dispute="d1")["deposit"] == 0


def test_claim_parties_are_the_coop_its_households_and_the_insurer() -> None:
    ledger = harness(extra=["disputes"])
    flow = Flow(ledger)
    h1, h2 = "coop-q.h001", "coop-q.h002"
    flow.enrol("p1", [cover(h1, 10), cover(h2, 10)])
    flow.activate("p1")
    flow.report("c1", "p1")
    flow.survey_and_assess("c1", {h1: (5_000, 10 * MU)})
    parties = ledger.view("claims", "asset_parties", asset="claim:c1")
    assert set(parties["parties"]) == {"coop-q", h1, "insurer"}
    assert parties["owners"] == ["coop-q", h1]
    assert parties["value"] == flow.claim("c1")["households"][h1]["amount"] == 2_000 * CNY
    refused(ledger, file(ledger, "coop-a.farmer-1", "claim:c1", "coop-a.farmer-1", "insurer"),
            "NO_STANDING", "claim:c1")
    refused(ledger, file(ledger, h2, "claim:c1", h2, "insurer"), "NO_STANDING", "claim:c1")
    refused(ledger, file(ledger, h1, "claim:c9", h1, "insurer"), "ASSET_NOT_FOUND", "claim:c9")
    assert file(ledger, h1, "claim:c1", h1, "insurer").committed  # the insured's own claim
    ledger.check_invariants()
