"""Shared pieces of the credit-loan tests: a county with a merchant platform, helpers."""

from __future__ import annotations

from typing import Any

from contracts.genesis import ContractConfig
from contracts.testing import LedgerHarness, OrgSpec

BP = 10_000
BASE_RATE = 600
DISCOUNT = {"AAA": 3000, "AA": 2000, "A": 1000, "B": 0, "unrated": 0}
LINE = {"AAA": 10_000_000, "AA": 5_000_000, "A": 3_000_000, "B": 1_000_000, "unrated": 0}
SCORE = {"AAA": 90, "AA": 80, "A": 70, "B": 50, "unrated": 0}  # each of the four scores
DOWNGRADE = {"AAA": "AA", "AA": "A", "A": "B", "B": "B", "unrated": "unrated"}
TIERS = list(LINE)
SHARE_BP = 5000  # the subsidy programme pays half of the interest
BANKS = ["bank-a", "bank-b"]
OFFICERS = {"bank-a": "bank-a.officer", "bank-b": "bank-b.officer"}
# borrower account -> the member who signs for it
BORROWERS = {
    "plat.m1": "plat.m1", "plat.m2": "plat.m2", "plat.m3": "plat.m3", "coop-a": "coop-a.mgr",
}

ORGS = [
    OrgSpec("gov", "government", (
        ("agri", "agriculture"), ("fin", "finance"), ("admin", "admin"), ("pboc", "central_bank"),
    )),
    OrgSpec("bank-a", "bank", (
        ("admin", "admin"), ("officer", "loan_officer"), ("risk", "risk_officer"),
    )),
    OrgSpec("bank-b", "bank", (
        ("officer", "loan_officer"), ("treasurer-1", "treasurer"), ("treasurer-2", "treasurer"),
    )),
    OrgSpec("plat", "cooperative", (
        ("admin", "admin"), ("m1", "farmer"), ("m2", "farmer"), ("m3", "farmer"),
    )),
    OrgSpec("coop-a", "cooperative", (("mgr", "manager"),)),
]

CONTRACTS = ["membership", "settlement", "credit", "credit_loans"]


def priced(tier: str) -> int:
    return BASE_RATE - BASE_RATE * DISCOUNT[tier] // BP


def make_ledger(
    *, contracts: list[str | ContractConfig] | None = None, programme: bool = True,
    budget: int = 10**9, borrower_fen: int = 10**7,
) -> LedgerHarness:
    """Banks and borrowers funded, a village registered, a 50 % subsidy programme funded."""
    ledger = LedgerHarness(ORGS, contracts or CONTRACTS)
    set_up(ledger, programme=programme, budget=budget, borrower_fen=borrower_fen)
    return ledger


def set_up(ledger: LedgerHarness, *, programme: bool, budget: int, borrower_fen: int) -> None:
    for account, amount in (("bank-a", 10**10), ("bank-b", 10**10), ("gov", 10**10)):
        ok(ledger.submit("gov.pboc", "settlement", "issue", account=account, amount=amount))
    for account in BORROWERS:
        ok(ledger.submit("gov.pboc", "settlement", "issue", account=account,
                         amount=borrower_fen))
    if not ledger.contracts.contracts.get("credit"):
        return
    ok(ledger.submit("gov.agri", "credit", "register_village", village="v1", name="Village"))
    if programme:
        ok(ledger.submit(
            "gov.fin", "credit", "publish_programme", programme="two-small",
            name="Two Small interest subsidy", borrower_kinds=["merchant", "cooperative"],
            products=["credit_loans"], rule="share", share_bp=SHARE_BP, budget=budget,
        ))
        ok(ledger.submit("gov.fin", "credit", "fund_programme", programme="two-small",
                         amount=budget))


def rate(ledger: LedgerHarness, subject: str, tier: str) -> Any:
    score = SCORE[tier]
    kind = "merchant" if "." in subject else "cooperative"
    return ledger.submit(
        "gov.agri", "credit", "attest_rating", subject=subject, village="v1", tier=tier,
        kind=kind, scores=dict(moral_character=score, credit_record=score,
                               business_ability=score, repayment_capacity=score),
    )


def apply(ledger: LedgerHarness, borrower: str, bank: str, amount: int, tenor: int = 365) -> Any:
    return ledger.submit(BORROWERS[borrower], "credit_loans", "apply", borrower=borrower,
                         bank=bank, amount=amount, tenor_days=tenor)


def loan_id(result: Any) -> str:
    assert result.committed, f"{result.code}: {result.message}"
    event = next(e for e in result.events if e["type"] == "LoanApplied")
    return str(event["data"]["loan_id"])


def ok(result: Any) -> None:
    assert result.committed, f"{result.code}: {result.message}"


def fails(result: Any, code: str) -> None:
    assert (result.committed, result.code) == (False, code), result.message
