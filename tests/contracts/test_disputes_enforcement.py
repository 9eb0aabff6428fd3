"""D7 from the side of whoever would abuse a court's judgment, with exact numbers.

A judgment (``judge``) or an enforced agreement (``enforce``) is a legal compulsion: the
respondent pays from its own account, member or org, without signing, up to the judged
term and to what it holds; the rest stays a judgment debt that later payments reduce. The
respondent cannot dodge it by not signing; the court cannot take more than it judged, nor
twice; nobody but the court, and no contract but disputes, can compel a debit.

Setting (``test_disputes_kit``): bank-a and the farmers coop-a.f1 / coop-a.f2 hold
100,000,000 fen each; receipt:r1 is coop-a.f1's, pledged to bank-a.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_disputes_kit import (
    BANK_DUAL_CONTROL_FEN,
    DESK,
    DISPUTES,
    HASH,
    ORGS,
    AssetDesk,
    bank_files,
    dispute,
    funded_ledger,
    ok,
    refused,
    to_litigation,
)

from contracts import Args, Context, Contract, Party, action
from contracts.money import COMPEL, MoveArgs
from contracts.testing import LedgerHarness
from contracts.types import Id, PositiveFen


@pytest.fixture
def ledger() -> LedgerHarness:
    return funded_ledger()


def judge(ledger: LedgerHarness, payer: str, payee: str, amount: int,
          co_signers: tuple[str, ...] = ()) -> Any:
    return ledger.submit("gov.court", "disputes", "judge", co_signers=list(co_signers),
                         dispute="d1", court_ref=HASH, upheld=True,
                         terms=[{"payer": payer, "payee": payee, "amount": amount}])


def test_the_respondent_pays_the_judgment_without_signing(ledger: LedgerHarness) -> None:
    """The farmer signs nothing; exactly the judged 5,000 fen leave its account (not its
    whole balance), and the bank's security comes back with the upheld claim."""
    ok(bank_files(ledger))
    to_litigation(ledger)
    farmer, bank = ledger.balance("coop-a.f1"), ledger.balance("bank-a")
    result = ok(judge(ledger, "coop-a.f1", "bank-a", 5_000))
    assert farmer - ledger.balance("coop-a.f1") == 5_000
    assert ledger.balance("bank-a") - bank == 5_000 + 300_000
    assert ledger.view("disputes", "judgment_debts") == []
    [compelled] = [e["data"] for e in result.events if e["type"] == "CompelledDebit"]
    assert compelled == {"account": "coop-a.f1", "target": "bank-a", "amount": 5_000,
                         "by": "gov.court", "via": "disputes"}
    ledger.check_invariants()


def test_what_the_debtor_lacks_stays_owed_and_later_payments_reduce_it(
    ledger: LedgerHarness,
) -> None:
    """Judged 150,000,000 fen; the farmer holds 100,000,000: that much moves now,
    50,000,000 stays a debt that only the debtor pays down, never beyond it."""
    ok(bank_files(ledger))
    to_litigation(ledger)
    bank = ledger.balance("bank-a")
    refused(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                          upheld=False, terms=[{"payer": "coop-a.f1", "payee": "bank-a",
                                                "amount": 1}]), "DISMISSAL_WITH_TERMS")
    refused(judge(ledger, "coop-a.f2", "bank-a", 1), "TERM_PAYER_NOT_PARTY")
    ok(judge(ledger, "coop-a.f1", "bank-a", 150_000_000))
    assert ledger.balance("bank-a") - bank == 100_000_000 + 300_000  # paid + security back
    assert ledger.balance("coop-a.f1") == 0
    [debt] = ledger.view("disputes", "judgment_debts")
    assert (debt["payer"], debt["outstanding"]) == ("coop-a.f1", 50_000_000)
    assert not ledger.view("disputes", "is_frozen", asset="receipt:r1")
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="coop-a.f1", amount=60_000_000))
    refused(ledger.submit("bank-a.officer", "disputes", "pay_judgment", dispute="d1", term=0,
                          amount=10_000_000), "UNAUTHORIZED")
    refused(ledger.submit("coop-a.f1", "disputes", "pay_judgment", dispute="d1", term=0,
                          amount=50_000_001), "JUDGMENT_OVERPAYMENT")
    ok(ledger.submit("coop-a.f1", "disputes", "pay_judgment", dispute="d1", term=0,
                     amount=20_000_000))
    assert ledger.view("disputes", "judgment_debts")[0]["outstanding"] == 30_000_000
    ok(ledger.submit("coop-a.f1", "disputes", "pay_judgment", dispute="d1", term=0,
                     amount=30_000_000))
    assert ledger.view("disputes", "judgment_debts") == []
    refused(ledger.submit("coop-a.f1", "disputes", "pay_judgment", dispute="d1", term=0,
                          amount=1), "NO_JUDGMENT_DEBT")
    assert ledger.balance("bank-a") - bank == 150_000_000 + 300_000
    assert ledger.balance("coop-a.f1") == 10_000_000
    ledger.check_invariants()


def test_the_same_judgment_is_not_paid_twice(ledger: LedgerHarness) -> None:
    ok(bank_files(ledger))
    to_litigation(ledger)
    ok(judge(ledger, "coop-a.f1", "bank-a", 5_000))
    farmer, bank, before = ledger.balance("coop-a.f1"), ledger.balance("bank-a"), dispute(ledger)
    refused(judge(ledger, "coop-a.f1", "bank-a", 5_000), "DISPUTE_INVALID_TRANSITION")
    refused(ledger.submit("gov.court", "disputes", "enforce", dispute="d1", court_ref=HASH),
            "DISPUTE_INVALID_TRANSITION")
    refused(ledger.submit("coop-a.f1", "disputes", "pay_judgment", dispute="d1", term=0,
                          amount=1), "NO_JUDGMENT_DEBT")
    assert (ledger.balance("coop-a.f1"), ledger.balance("bank-a"), dispute(ledger)) == (
        farmer, bank, before)


def test_a_confirmed_agreement_is_enforced_on_its_own_terms(ledger: LedgerHarness) -> None:
    """The court enforces what the parties agreed, 40,000 fen, without the farmer signing."""
    ok(bank_files(ledger))
    for step in ("accept", "start_mediation"):
        ok(ledger.submit("gov.med", "disputes", step, dispute="d1"))
    ok(ledger.submit("bank-a.officer", "disputes", "sign_agreement",
                     co_signers=["coop-a.f1", "gov.med"], dispute="d1", text_hash=HASH,
                     terms=[{"payer": "coop-a.f1", "payee": "bank-a", "amount": 40_000}]))
    ok(ledger.submit("bank-a.officer", "disputes", "request_confirmation",
                     co_signers=["coop-a.f1"], dispute="d1"))
    refused(ledger.submit("gov.med", "disputes", "record_confirmation", dispute="d1",
                          confirmed=True, court_ref=HASH), "UNAUTHORIZED")
    ok(ledger.submit("gov.court", "disputes", "record_confirmation", dispute="d1",
                     confirmed=True, court_ref=HASH))
    for signer in ("gov.med", "gov.admin", "bank-a.officer"):
        refused(ledger.submit(signer, "disputes", "enforce", dispute="d1", court_ref=HASH),
                "UNAUTHORIZED")
    bank, farmer = ledger.balance("bank-a"), ledger.balance("coop-a.f1")
    result = ok(ledger.submit("gov.court", "disputes", "enforce", dispute="d1",
                              court_ref=HASH))
    assert ledger.balance("bank-a") - bank == 40_000 + 300_000
    assert farmer - ledger.balance("coop-a.f1") == 40_000
    assert "DepositReturned" in [e["type"] for e in result.events]
    judgment = dispute(ledger)["judgment"]
    assert (judgment["entered_by"], judgment["debts"][0]["paid"]) == ("gov.court", 40_000)
    ledger.check_invariants()


def farmer_sues_bank(ledger: LedgerHarness) -> None:
    """The farmer freezes its own receipt against the pledgee (no security: its own asset)
    and takes the failed mediation to court; bank-a now holds 200,000,000 fen."""
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="bank-a", amount=10**8))
    ok(ledger.submit("coop-a.f1", "disputes", "open", dispute="d1", asset="receipt:r1",
                     claimant="coop-a.f1", respondent="bank-a"))
    to_litigation(ledger)


@pytest.mark.parametrize(("amount", "co_signers"), [
    (5_000, ()),                                     # nobody at the bank signs
    (5_000, ("bank-a.officer",)),                    # a loan officer is no treasurer
    (150_000_000, ()),                               # above dual control: the order suffices
    (150_000_000, ("bank-a.treasurer",)),
])
def test_a_judgment_against_a_bank_debits_its_treasury_by_compulsion(
    ledger: LedgerHarness, amount: int, co_signers: tuple[str, ...],
) -> None:
    """The bank's treasurers cannot hold back a judgment by not signing, and dual control
    does not apply to a court's order: the judged amount, no more, moves."""
    assert 5_000 <= BANK_DUAL_CONTROL_FEN < 150_000_000
    farmer_sues_bank(ledger)
    bank, farmer = ledger.balance("bank-a"), ledger.balance("coop-a.f1")
    ok(judge(ledger, "bank-a", "coop-a.f1", amount, co_signers))
    assert (bank - ledger.balance("bank-a"), ledger.balance("coop-a.f1") - farmer) == (
        amount, amount)
    assert dispute(ledger)["judgment"]["debts"][0]["paid"] == amount
    assert ledger.view("disputes", "judgment_debts") == []
    ledger.check_invariants()


def test_a_term_the_claimant_owes_moves_only_under_its_own_authority(
    ledger: LedgerHarness,
) -> None:
    """Compulsion reaches the respondent only: a term the claimant bank owes under an
    enforced agreement needs its treasurer's co-signature, else it is a debt whole."""
    ok(bank_files(ledger))
    for step in ("accept", "start_mediation"):
        ok(ledger.submit("gov.med", "disputes", step, dispute="d1"))
    ok(ledger.submit("bank-a.officer", "disputes", "sign_agreement",
                     co_signers=["coop-a.f1", "gov.med"], dispute="d1", text_hash=HASH,
                     terms=[{"payer": "bank-a", "payee": "coop-a.f1", "amount": 7_000}]))
    ok(ledger.submit("bank-a.officer", "disputes", "request_confirmation",
                     co_signers=["coop-a.f1"], dispute="d1"))
    ok(ledger.submit("gov.court", "disputes", "record_confirmation", dispute="d1",
                     confirmed=True, court_ref=HASH))
    bank = ledger.balance("bank-a")
    ok(ledger.submit("gov.court", "disputes", "enforce", co_signers=["bank-a.officer"],
                     dispute="d1", court_ref=HASH))
    assert ledger.balance("bank-a") - bank == 300_000  # its security back, nothing paid
    [debt] = ledger.view("disputes", "judgment_debts")
    assert (debt["payer"], debt["outstanding"]) == ("bank-a", 7_000)


class GrabArgs(Args):
    source: Id
    target: Id
    amount: PositiveFen


class Bailiff(Contract):
    """Test-only: a contract that tries settlement's ``compel`` itself."""

    name = "bailiff"
    readers = ()
    version = "1"

    @action(GrabArgs, policy=Party("target"), parties=lambda _s, _c, a: {"target": a.target})
    def grab(self, ctx: Context, args: GrabArgs) -> None:
        ctx.invoke(COMPEL, MoveArgs(source=args.source, target=args.target, amount=args.amount))


def test_no_other_contract_and_no_other_signer_can_compel_a_debit() -> None:
    """The court co-signing another contract's action gives that contract no compulsion;
    neither does the creditor, or an admin, signing it."""
    ledger = LedgerHarness(ORGS, ["membership", "settlement", DISPUTES, DESK, "bailiff"],
                           classes={"assetdesk": AssetDesk, "bailiff": Bailiff})
    ok(ledger.submit("gov.pboc", "settlement", "issue", account="coop-a.f1", amount=10**6))
    for signer, co in (("bank-a.treasurer", ["gov.court"]), ("bank-a.treasurer", []),
                       ("gov.court", [])):
        target = "bank-a" if signer.startswith("bank") else "gov"
        refused(ledger.submit(signer, "bailiff", "grab", co_signers=co, source="coop-a.f1",
                              target=target, amount=1), "UNAUTHORIZED")
    assert ledger.balance("coop-a.f1") == 10**6
