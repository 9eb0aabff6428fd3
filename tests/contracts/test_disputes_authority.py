"""D6 (and who may enter a D7 outcome) from the side of the party who would abuse them.

D7's money (what a judgment takes from whom) is in ``test_disputes_enforcement``.

The asset desk of ``test_disputes_kit`` owns ``receipt:r1`` (holder coop-a.f1, pledgee
bank-a, value 1,000,000 fen) and ``claim:c1`` (value 500,000,000 fen); security is 30 %.
Money leaves bank-a's account as settlement's authority allows: its treasurer signs or
co-signs (both treasurers above the bank dual-control threshold, 100,000,000 fen); its loan
officer may bring the case but never pays from the bank's account alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_disputes_kit import DEPOSITS as ESCROW
from test_disputes_kit import (
    HASH,
    bank_files,
    dispute,
    funded_ledger,
    ok,
    refused,
    to_litigation,
)

from contracts.testing import LedgerHarness


@pytest.fixture
def ledger() -> LedgerHarness:
    return funded_ledger()


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
