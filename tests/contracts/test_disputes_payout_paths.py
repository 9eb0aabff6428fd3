"""D7 through the asset's own payout path, on the real contracts, from the side of the
party who would abuse a court's judgment.

A judgment that the insurer pays an insured on a disputed claim runs the claims payout:
the loss payee (the pledgee bank) first, never above what is left of the sum insured,
booked in the consortium book, and counted against the claim's own payment. A judgment
that the buyer pays for a financed receivable enters the order's controlled account and
repays the bank first. A court-ordered sale of a pledged receipt runs the loan's A10
waterfall. What the path does not take stays a judgment debt.

Setting (``test_cross_contract_flows``): coop-a's 200 t in coop-b's warehouse secure a
300,000 CNY loan from bank-a; coop-a insures 1,000 mu of rice (sum insured 500,000 CNY)
with that loan as loss payee.
"""

from __future__ import annotations

from typing import Any

from test_claims_kit import (
    CNY,
    MU,
    START,
    Flow,
    claims_config,
    claims_orgs,
    cover,
    fund,
    ok,
    rejected,
)
from test_cross_contract_flows import OF, WR, chain, pledged_receipt_loan

from contracts import Args, Context, Contract, Party, action
from contracts.assets import CourtPayoutArgs, court_payout_of
from contracts.genesis import ContractConfig
from contracts.testing import LedgerHarness
from contracts.types import Id, PositiveFen

HASH = "cd" * 32
SUM_INSURED = 500_000 * CNY


def litigate(ledger: LedgerHarness, asset: str, claimant: str, respondent: str,
             filer: str, co_signers: tuple[str, ...] = ()) -> None:
    """``claimant`` disputes ``asset`` with ``respondent``; mediation fails; it sues."""
    ok(ledger.submit(filer, "disputes", "open", co_signers=list(co_signers), dispute="d1",
                     asset=asset, claimant=claimant, respondent=respondent))
    for step in ("accept", "start_mediation", "fail"):
        ok(ledger.submit("gov.mediator", "disputes", step, dispute="d1"))
    ok(ledger.submit(filer, "disputes", "litigate", dispute="d1"))


def judge(ledger: LedgerHarness, terms: list[dict[str, Any]], **extra: Any) -> Any:
    return ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                         upheld=True, terms=terms, **extra)


def insured_claim(assess: bool = True) -> tuple[LedgerHarness, Flow, str]:
    """The claim flood-1 on coop-a's 1,000 mu, assessed at a full loss (500,000 CNY)."""
    ledger = chain(WR, "disputes")
    _, loan = pledged_receipt_loan(ledger)
    flow = Flow(ledger, coop="coop-a")
    flow.enrol("p-coop-a", [cover("coop-a", 1_000, loss_payee={"kind": WR, "ref": loan})])
    flow.activate("p-coop-a")
    ledger.advance(days=30)
    flow.report("flood-1", "p-coop-a")
    if assess:
        flow.survey_and_assess("flood-1", {"coop-a": (9_000, 1_000 * MU)}, stage="heading")
    return ledger, flow, loan


def test_a_judgment_on_a_claim_pays_the_loss_payee_first_and_books_it() -> None:
    """The insured sues the insurer over the claim and wins 400,000 CNY: the bank, loss
    payee, is repaid its whole debt first and only the rest reaches coop-a; the cover and
    the consortium book count the payout; no money is left in the court-funds escrow."""
    ledger, flow, loan = insured_claim()
    litigate(ledger, "claim:flood-1", "coop-a", "insurer", "coop-a.manager")
    debt = ledger.view(WR, "outstanding_debt", loan_id=loan)["outstanding"]
    bank, coop, insurer = (ledger.balance(a) for a in ("bank-a", "coop-a", "insurer"))
    award = 400_000 * CNY
    result = ok(judge(ledger, [{"payer": "insurer", "payee": "coop-a", "amount": award}]))
    assert insurer - ledger.balance("insurer") == award
    assert ledger.balance("bank-a") - bank == debt
    assert ledger.balance("coop-a") - coop == award - debt
    assert ledger.view(WR, "loan", loan_id=loan)["state"] == "CLOSED"
    assert ledger.balance("escrow:disputes:court") == 0
    [paid] = [e["data"] for e in result.events if e["type"] == "CourtAwardPaid"]
    assert (paid["amount"], paid["to_payee"], paid["lender"]) == (award, debt, "bank-a")
    assert flow.policy("p-coop-a")["covers"]["coop-a"]["paid"] == award
    judgment = ledger.view("disputes", "dispute", dispute="d1")["judgment"]
    assert judgment["debts"] == [{"payer": "insurer", "payee": "coop-a", "amount": award,
                                  "paid": award, "via": "asset"}]
    ledger.check_invariants()


def test_the_court_award_is_deducted_from_the_claim_so_the_loss_is_paid_once() -> None:
    """Having won 400,000 CNY in court, the insured signs the claim's own agreement for
    the assessed 500,000 CNY: the claim pays only the 100,000 CNY not yet paid."""
    ledger, flow, _ = insured_claim()
    flow.verify_and_publicise("flood-1")
    ledger.advance(days=3)
    ok(flow.submit("coop-a.manager", "sign_agreement", claim_id="flood-1", insured="coop-a"))
    litigate(ledger, "claim:flood-1", "coop-a", "insurer", "coop-a.manager")
    refused = flow.submit("insurer.claims", "pay", claim_id="flood-1", insured="coop-a")
    rejected(refused, "ASSET_FROZEN")
    ok(judge(ledger, [{"payer": "insurer", "payee": "coop-a", "amount": 400_000 * CNY}]))
    insurer = ledger.balance("insurer")
    ok(flow.submit("insurer.claims", "pay", claim_id="flood-1", insured="coop-a"))
    assert insurer - ledger.balance("insurer") == 100_000 * CNY
    household = flow.claim("flood-1")["households"]["coop-a"]
    assert (household["paid"], household["awarded"], household["shortfall"]) == (
        100_000 * CNY, 400_000 * CNY, 0)
    assert flow.policy("p-coop-a")["covers"]["coop-a"]["paid"] == SUM_INSURED
    ledger.check_invariants()


def test_a_judgment_never_pays_above_the_sum_insured() -> None:
    """Judged 600,000 CNY on a 500,000 CNY cover: the path takes 500,000; the rest stays a
    judgment debt that the insurer cannot pay down the claim either."""
    ledger, flow, _ = insured_claim(assess=False)
    litigate(ledger, "claim:flood-1", "coop-a", "insurer", "coop-a.manager")
    insurer = ledger.balance("insurer")
    ok(judge(ledger, [{"payer": "insurer", "payee": "coop-a", "amount": 600_000 * CNY}]))
    assert insurer - ledger.balance("insurer") == SUM_INSURED
    [debt] = ledger.view("disputes", "judgment_debts")
    assert (debt["outstanding"], debt["via"]) == (100_000 * CNY, "asset")
    before = ledger.balance("insurer")
    rejected(ledger.submit("insurer.treasurer", "disputes", "pay_judgment", dispute="d1",
                           term=0, amount=1), "PAYOUT_PATH_SHORT")
    assert ledger.balance("insurer") == before
    assert flow.policy("p-coop-a")["covers"]["coop-a"]["paid"] == SUM_INSURED
    ledger.check_invariants()


class BookArgs(Args):
    claim: Id
    insured: Id
    amount: PositiveFen


class Sneaky(Contract):
    """Test-only: a plug-in that would book a court award on a claim with its signer's
    own fen, so that the insured's real claim pays less (or a stand-in for a loss payee
    gets nothing)."""

    name = "sneaky"
    version = "1"
    readers = ()  # stores nothing

    @action(BookArgs, policy=Party("insured"), parties=lambda _s, _c, a: {"insured": a.insured})
    def book(self, ctx: Context, args: BookArgs) -> None:
        ctx.invoke(court_payout_of("claims"), CourtPayoutArgs(
            asset=f"claim:{args.claim}", payer="insurer", payee=args.insured,
            source=args.insured, amount=args.amount))


def test_only_the_disputes_contract_reaches_the_court_payout() -> None:
    """The court payout is an operation, not an action, and another contract invoking it
    is refused (``require_court``)."""
    ledger, _, _ = insured_claim()
    rejected(ledger.submit("gov.court", "claims", "court_payout", asset="claim:flood-1",
                           payer="insurer", payee="coop-a", source="insurer", amount=1),
             "UNKNOWN_ACTION")
    plugin = ContractConfig(name="sneaky", version="1")
    sneaky = LedgerHarness(claims_orgs(), ["membership", "settlement", "registry",
                                           claims_config(), plugin],
                           start=START, classes={"sneaky": Sneaky})
    fund(sneaky)
    flow = Flow(sneaky, coop="coop-a")
    flow.enrol("p-coop-a", [cover("coop-a", 1_000)])
    flow.activate("p-coop-a")
    flow.report("flood-1", "p-coop-a")
    result = sneaky.submit("coop-a.treasurer", "sneaky", "book", claim="flood-1",
                           insured="coop-a", amount=1_000)
    assert (result.committed, result.code, result.writes) == (False, "UNAUTHORIZED", ())


def invoiced_order() -> tuple[LedgerHarness, int]:
    """po-1: coop-a sells buyer 30,000 units at 60 CNY, bank-a lends 900,000 CNY on it;
    all delivered and accepted, invoiced at 1,800,000 CNY, unpaid. The debt owed bank-a."""
    ledger = chain(OF, "disputes")
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="buyer", amount=200_000_000))
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("coop-a.manager", "create_order", {"buyer": "buyer", "quantity": 30_000,
                                            "unit_price": 6_000,
                                            "delivery_due": "2026-06-01T00:00:00Z"}),
        ("buyer.purchaser", "confirm", {}),
        ("bank-a.officer", "finance", {"principal": 90_000_000, "rate_bp": 435,
                                       "maturity": "2026-05-30T00:00:00Z"}),
        ("coop-a.manager", "deliver", {"quantity": 30_000}),
        ("buyer.purchaser", "accept", {"quantity": 30_000}),
        ("coop-a.manager", "invoice", {}),
    ]
    for signer, step, args in steps:
        ok(ledger.submit(signer, OF, step, order_id="po-1", **args))
    ledger.advance(days=30)
    return ledger, ledger.view(OF, "outstanding_debt", order_id="po-1")["outstanding"]


def test_a_judgment_that_the_buyer_pays_the_seller_repays_the_bank_first() -> None:
    """The seller sues the buyer for the invoice and wins: the buyer's money enters the
    controlled account and repays bank-a first; the seller gets nothing in that tx, only
    the holders' remainder when the order settles."""
    ledger, debt = invoiced_order()
    litigate(ledger, "order:po-1", "coop-a", "buyer", "coop-a.manager")
    coop, bank, buyer = (ledger.balance(a) for a in ("coop-a", "bank-a", "buyer"))
    invoice = 180_000_000
    ok(judge(ledger, [{"payer": "buyer", "payee": "coop-a", "amount": invoice}]))
    assert buyer - ledger.balance("buyer") == invoice
    assert ledger.balance("coop-a") == coop
    assert ledger.balance("bank-a") - bank == debt
    assert ledger.balance("escrow:order_finance:order:po-1") == invoice - debt
    assert ledger.view(OF, "order", order_id="po-1")["status"] == "PAID"
    assert ledger.view("disputes", "judgment_debts") == []
    ok(ledger.submit("bank-a.officer", OF, "settle", order_id="po-1"))
    assert ledger.balance("coop-a") - coop == invoice - debt
    ledger.check_invariants()


def test_an_agreement_the_buyer_performs_also_repays_the_bank_first() -> None:
    """Seller and buyer agree in mediation that the buyer pays the seller 1,000,000 CNY
    directly; performing it pays the controlled account, bank first, all the same (D3)."""
    ledger, debt = invoiced_order()
    ok(ledger.submit("coop-a.manager", "disputes", "open", dispute="d1", asset="order:po-1",
                     claimant="coop-a", respondent="buyer"))
    for step in ("accept", "start_mediation"):
        ok(ledger.submit("gov.mediator", "disputes", step, dispute="d1"))
    ok(ledger.submit("coop-a.manager", "disputes", "sign_agreement",
                     co_signers=["buyer.purchaser", "gov.mediator"], dispute="d1",
                     text_hash=HASH,
                     terms=[{"payer": "buyer", "payee": "coop-a", "amount": 100_000_000}]))
    terms = ledger.view("disputes", "dispute", dispute="d1")["agreement"]["terms"]
    assert terms[0]["via"] == "asset"
    coop, bank = ledger.balance("coop-a"), ledger.balance("bank-a")
    ok(ledger.submit("buyer.treasurer", "disputes", "perform", dispute="d1"))
    assert ledger.balance("coop-a") == coop
    assert ledger.balance("bank-a") - bank == debt
    assert ledger.balance("escrow:order_finance:order:po-1") == 100_000_000 - debt
    ledger.check_invariants()
