"""D6 and D7 from the side of the party who would abuse them, with exact numbers.

The asset desk of ``test_disputes_kit`` owns ``receipt:r1`` (holder coop-a.f1, pledgee
bank-a, value 1,000,000 fen) and ``claim:c1`` (value 500,000,000 fen); security is 30 %.
Money leaves bank-a's account as settlement's authority allows: its treasurer signs or
co-signs (both treasurers above the bank dual-control threshold, 100,000,000 fen); its loan
officer may bring the case but never pays from the bank's account alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_disputes_kit import BANK_DUAL_CONTROL_FEN, DESK, DISPUTES, HASH, ORGS, AssetDesk

from contracts.testing import LedgerHarness

ESCROW = "escrow:disputes:deposits"


def ok(result: Any) -> Any:
    assert result.committed, f"{result.code}: {result.message}"
    return result


def refused(result: Any, code: str) -> None:
    assert (result.committed, result.code, result.writes) == (False, code, ()), result.message


@pytest.fixture
def ledger() -> LedgerHarness:
    ledger = LedgerHarness(ORGS, ["membership", "settlement", DISPUTES, DESK],
                           classes={"assetdesk": AssetDesk})
    for account in ("bank-a", "coop-a.f1", "coop-a.f2"):
        ok(ledger.submit("gov.pboc", "settlement", "issue", account=account, amount=10**8))
    return ledger


def bank_files(ledger: LedgerHarness, claimed: int = 0,
               co_signers: tuple[str, ...] = ("bank-a.treasurer",)) -> Any:
    """The pledgee freezes the farmer's receipt: not its own asset, so it pays security.
    The loan officer files; the bank's treasurer co-signs the security payment."""
    return ledger.submit("bank-a.officer", "disputes", "open", co_signers=list(co_signers),
                         dispute="d1", asset="receipt:r1", claimant="bank-a",
                         respondent="coop-a.f1", amount=claimed)


def to_litigation(ledger: LedgerHarness) -> None:
    for step in ("accept", "start_mediation"):
        ok(ledger.submit("gov.med", "disputes", step, dispute="d1"))
    ok(ledger.submit("gov.med", "disputes", "fail", dispute="d1"))
    ok(ledger.submit("coop-a.f1", "disputes", "litigate", dispute="d1"))


def dispute(ledger: LedgerHarness) -> Any:
    return ledger.view("disputes", "dispute", dispute="d1")


@pytest.mark.parametrize(("claimed", "deposit"), [
    (0, 300_000),              # 30 % of the receipt's 1,000,000 fen value
    (2_000_001, 600_001),      # 30 % of a larger claim, rounded up to the fen
])
def test_freezing_anothers_asset_escrows_a_share_of_the_disputed_amount(
    ledger: LedgerHarness, claimed: int, deposit: int,
) -> None:
    ok(bank_files(ledger, claimed))
    assert dispute(ledger)["deposit"] == deposit
    assert (ledger.balance("bank-a"), ledger.balance(ESCROW)) == (10**8 - deposit, deposit)
    ledger.check_invariants()


def test_the_loan_officer_alone_cannot_pay_the_banks_security(ledger: LedgerHarness) -> None:
    """Money authority: filing is any member's business, paying security from the bank's
    account is its treasurer's."""
    for co_signers in ((), ("bank-b.treasurer",)):
        refused(bank_files(ledger, co_signers=co_signers), "UNAUTHORIZED")
        assert not ledger.view("disputes", "is_frozen", asset="receipt:r1")
        assert (ledger.balance("bank-a"), ledger.balance(ESCROW)) == (10**8, 0)
    ok(ledger.submit("bank-a.treasurer", "disputes", "open", dispute="d1", asset="receipt:r1",
                     claimant="bank-a", respondent="coop-a.f1"))  # the treasurer alone may
    assert ledger.balance(ESCROW) == 300_000


def test_a_freeze_the_claimant_cannot_secure_is_refused_and_freezes_nothing(
    ledger: LedgerHarness,
) -> None:
    """Security of 150,000,000 fen on the claim: above the bank's dual-control threshold,
    so one treasurer is not enough; with both, the bank's 100,000,000 fen fall short."""
    def file(*co_signers: str) -> Any:
        return ledger.submit("bank-a.officer", "disputes", "open", co_signers=list(co_signers),
                             dispute="d1", asset="claim:c1", claimant="bank-a",
                             respondent="coop-a.f1")

    refused(file("bank-a.treasurer"), "DUAL_CONTROL_REQUIRED")
    refused(file("bank-a.treasurer", "bank-a.treasurer-2"), "INSUFFICIENT_FUNDS")
    assert not ledger.view("disputes", "is_frozen", asset="claim:c1")
    assert (ledger.balance("bank-a"), ledger.balance(ESCROW)) == (10**8, 0)


def test_the_claimant_cannot_take_its_security_back(ledger: LedgerHarness) -> None:
    ok(bank_files(ledger))
    for signer in ("bank-a.officer", "bank-a.treasurer"):
        refused(ledger.submit(signer, "settlement", "transfer", source=ESCROW,
                              target="bank-a", amount=300_000), "UNAUTHORIZED")
    assert ledger.balance(ESCROW) == 300_000


@pytest.mark.parametrize(("close", "to"), [
    ("decline", "coop-a.f1"),   # the committee throws the case out: dismissed
    ("withdraw", "coop-a.f1"),  # the claimant drops it: dismissed
    ("perform", "bank-a"),      # an agreement performed: upheld
])
def test_security_follows_the_outcome(ledger: LedgerHarness, close: str, to: str) -> None:
    ok(bank_files(ledger))
    before = ledger.balance(to)
    if close == "decline":
        ok(ledger.submit("gov.med", "disputes", "decline", dispute="d1"))
    elif close == "withdraw":
        ok(ledger.submit("bank-a.officer", "disputes", "withdraw", dispute="d1"))
    else:
        for step in ("accept", "start_mediation"):
            ok(ledger.submit("gov.med", "disputes", step, dispute="d1"))
        ok(ledger.submit("bank-a.officer", "disputes", "sign_agreement",
                         co_signers=["coop-a.f1", "gov.med"], dispute="d1", text_hash=HASH))
        ok(ledger.submit("bank-a.officer", "disputes", "perform", dispute="d1"))
    assert ledger.balance(to) - before == 300_000
    assert (ledger.balance(ESCROW), dispute(ledger)["deposit_to"]) == (0, to)
    ledger.check_invariants()


def test_only_the_court_confirms_and_judges(ledger: LedgerHarness) -> None:
    ok(bank_files(ledger))
    to_litigation(ledger)
    for signer in ("gov.med", "gov.admin", "bank-a.officer", "coop-a.f1"):
        refused(ledger.submit(signer, "disputes", "judge", dispute="d1", court_ref=HASH,
                              upheld=True), "UNAUTHORIZED")
    assert dispute(ledger)["state"] == "LITIGATION"
    assert ledger.balance(ESCROW) == 300_000


def test_a_judgment_pays_what_the_debtor_holds_and_the_rest_stays_owed(
    ledger: LedgerHarness,
) -> None:
    """The farmer (respondent) owes the bank 150,000,000 fen by judgment; it holds
    100,000,000 and co-signs, so that much moves now and 50,000,000 stays a debt."""
    ok(bank_files(ledger))
    to_litigation(ledger)
    bank = ledger.balance("bank-a")
    refused(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                          upheld=False, terms=[{"payer": "coop-a.f1", "payee": "bank-a",
                                                "amount": 1}]), "DISMISSAL_WITH_TERMS")
    refused(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                          upheld=True, terms=[{"payer": "coop-a.f2", "payee": "bank-a",
                                               "amount": 1}]), "TERM_PAYER_NOT_PARTY")
    ok(ledger.submit("gov.court", "disputes", "judge", co_signers=["coop-a.f1"], dispute="d1",
                     court_ref=HASH, upheld=True,
                     terms=[{"payer": "coop-a.f1", "payee": "bank-a", "amount": 150_000_000}]))
    assert ledger.balance("bank-a") - bank == 100_000_000 + 300_000  # paid + security back
    assert ledger.balance("coop-a.f1") == 0
    [debt] = ledger.view("disputes", "judgment_debts")
    assert (debt["payer"], debt["outstanding"]) == ("coop-a.f1", 50_000_000)
    assert not ledger.view("disputes", "is_frozen", asset="receipt:r1")
    ledger.check_invariants()
    # later income pays it down; the creditor cannot pay itself from the debtor
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
    ledger.check_invariants()


def test_without_the_debtors_signature_the_whole_judgment_is_a_debt(
    ledger: LedgerHarness,
) -> None:
    """The ledger never signs for a debtor: the court alone moves none of its money."""
    ok(bank_files(ledger))
    to_litigation(ledger)
    farmer = ledger.balance("coop-a.f1")
    ok(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                     upheld=True, terms=[{"payer": "coop-a.f1", "payee": "bank-a",
                                          "amount": 5_000}]))
    assert ledger.balance("coop-a.f1") == farmer
    assert ledger.view("disputes", "judgment_debts")[0]["outstanding"] == 5_000


def test_a_dismissing_judgment_pays_the_security_to_the_respondent(
    ledger: LedgerHarness,
) -> None:
    ok(bank_files(ledger))
    to_litigation(ledger)
    farmer = ledger.balance("coop-a.f1")
    ok(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                     upheld=False))
    assert ledger.balance("coop-a.f1") - farmer == 300_000
    assert (dispute(ledger)["state"], dispute(ledger)["deposit_to"]) == ("ENFORCED", "coop-a.f1")
    ledger.check_invariants()


def test_a_confirmed_agreement_is_enforced_on_its_own_terms(ledger: LedgerHarness) -> None:
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
    refused(ledger.submit("gov.med", "disputes", "enforce", dispute="d1", court_ref=HASH),
            "UNAUTHORIZED")
    bank = ledger.balance("bank-a")
    result = ok(ledger.submit("gov.court", "disputes", "enforce", co_signers=["coop-a.f1"],
                              dispute="d1", court_ref=HASH))
    assert ledger.balance("bank-a") - bank == 40_000 + 300_000
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


@pytest.mark.parametrize(("amount", "co_signers", "paid"), [
    (5_000, [], 0),                                        # the court alone moves nothing
    (5_000, ["bank-a.officer"], 0),                        # a loan officer is no treasurer
    (5_000, ["bank-b.treasurer"], 0),                      # another bank's treasurer
    (5_000, ["bank-a.treasurer"], 5_000),
    (150_000_000, ["bank-a.treasurer"], 0),                # above dual control: one is short
    (150_000_000, ["bank-a.treasurer", "bank-a.treasurer-2"], 150_000_000),
])
def test_a_judgment_against_a_bank_is_paid_only_with_its_treasurers_signatures(
    ledger: LedgerHarness, amount: int, co_signers: list[str], paid: int,
) -> None:
    """What the co-signers may not debit from the bank stays a judgment debt, whole: the
    contract never splits a term to slip under the dual-control threshold."""
    assert 5_000 <= BANK_DUAL_CONTROL_FEN < 150_000_000
    farmer_sues_bank(ledger)
    bank, farmer = ledger.balance("bank-a"), ledger.balance("coop-a.f1")
    ok(ledger.submit("gov.court", "disputes", "judge", co_signers=co_signers, dispute="d1",
                     court_ref=HASH, upheld=True,
                     terms=[{"payer": "bank-a", "payee": "coop-a.f1", "amount": amount}]))
    assert (bank - ledger.balance("bank-a"), ledger.balance("coop-a.f1") - farmer) == (paid, paid)
    judgment = dispute(ledger)["judgment"]
    assert (judgment["debts"][0]["paid"], dispute(ledger)["state"]) == (paid, "ENFORCED")
    assert ledger.view("disputes", "judgment_debts") == ([] if paid else [{
        "dispute": "d1", "term": 0, "payer": "bank-a", "payee": "coop-a.f1", "amount": amount,
        "paid": 0, "outstanding": amount}])
    ledger.check_invariants()


def test_a_bank_pays_its_judgment_debt_through_its_treasurers(ledger: LedgerHarness) -> None:
    farmer_sues_bank(ledger)
    ok(ledger.submit("gov.court", "disputes", "judge", dispute="d1", court_ref=HASH,
                     upheld=True,
                     terms=[{"payer": "bank-a", "payee": "coop-a.f1", "amount": 150_000_000}]))
    bank = ledger.balance("bank-a")
    before = dispute(ledger)

    def pay(signer: str, amount: int, *co_signers: str) -> Any:
        return ledger.submit(signer, "disputes", "pay_judgment", co_signers=list(co_signers),
                             dispute="d1", term=0, amount=amount)

    refused(pay("bank-a.officer", 10_000_000), "UNAUTHORIZED")
    refused(pay("bank-a.treasurer", 120_000_000), "DUAL_CONTROL_REQUIRED")
    refused(pay("bank-a.treasurer", 120_000_000, "bank-a.officer"), "DUAL_CONTROL_REQUIRED")
    assert (ledger.balance("bank-a"), dispute(ledger)) == (bank, before)
    ok(pay("bank-a.treasurer", 30_000_000))
    ok(pay("bank-a.treasurer", 120_000_000, "bank-a.treasurer-2"))
    assert ledger.view("disputes", "judgment_debts") == []
    assert bank - ledger.balance("bank-a") == 150_000_000
    ledger.check_invariants()
