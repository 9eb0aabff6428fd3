"""Every settlement error code, one case each: the code, and no state changed."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.testing import LedgerHarness, OrgSpec
from contracts.types import MAX_AMOUNT
from ledger.exceptions import EncodingError

ORGS = [
    OrgSpec("gov", "government", (("pboc", "central_bank"), ("admin", "admin"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"))),
]


@pytest.fixture
def chain() -> LedgerHarness:
    ledger = LedgerHarness(ORGS, ["membership", "settlement"])
    ledger.submit("gov.pboc", "settlement", "issue", account="coop-a.f1", amount=100)
    ledger.submit("coop-a.admin", "membership", "revoke", member_id="coop-a.f2")
    return ledger


CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("UNAUTHORIZED", "coop-a.f1", "issue", {"account": "coop-a.f1", "amount": 5}),
    (
        "UNAUTHORIZED",
        "coop-a.admin",
        "transfer",
        {"source": "coop-a.f1", "target": "gov", "amount": 5},
    ),
    (
        "UNAUTHORIZED",
        "coop-a.f1",
        "transfer",
        {"source": "escrow:x:y", "target": "gov", "amount": 5},
    ),
    (
        "SAME_ACCOUNT",
        "coop-a.f1",
        "transfer",
        {"source": "coop-a.f1", "target": "coop-a.f1", "amount": 5},
    ),
    (
        "INSUFFICIENT_FUNDS",
        "coop-a.f1",
        "transfer",
        {"source": "coop-a.f1", "target": "gov", "amount": 101},
    ),
    (
        "INVALID_ARGUMENTS",
        "coop-a.f1",
        "transfer",
        {"source": "coop-a.f1", "target": "gov", "amount": 0},
    ),
    ("INVALID_ARGUMENTS", "gov.pboc", "issue", {"account": "coop-a.f1", "amount": "5"}),
    ("INVALID_ARGUMENTS", "gov.pboc", "issue", {"account": "", "amount": 5}),
    ("BALANCE_LIMIT_EXCEEDED", "gov.pboc", "issue", {"account": "gov", "amount": MAX_AMOUNT}),
    (
        "SIGNER_REVOKED",
        "coop-a.f2",
        "transfer",
        {"source": "coop-a.f2", "target": "gov", "amount": 1},
    ),
    ("UNKNOWN_ACTION", "gov.pboc", "burn", {"account": "gov", "amount": 1}),
]


@pytest.mark.parametrize(
    ("code", "signer", "action", "args"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_settlement_error_has_its_code_and_changes_nothing(
    chain: LedgerHarness, code: str, signer: str, action: str, args: dict[str, Any]
) -> None:
    before = list(chain.store.state.scan(""))
    result = chain.submit(signer, "settlement", action, **args)
    assert result.code == code, result.message
    assert list(chain.store.state.scan("")) == before


def test_a_float_amount_never_reaches_the_chain(chain: LedgerHarness) -> None:
    with pytest.raises(EncodingError, match="floats are not allowed"):
        chain.submit("gov.pboc", "settlement", "issue", account="gov", amount=1.5)


def test_issuance_past_the_encodable_limit_is_refused_and_changes_nothing() -> None:
    ledger = LedgerHarness(ORGS, ["membership", "settlement"])
    ledger.submit("gov.pboc", "settlement", "issue", account="coop-a.f1", amount=MAX_AMOUNT - 1)
    result = ledger.submit("gov.pboc", "settlement", "issue", account="gov", amount=2)
    assert result.code == "BALANCE_LIMIT_EXCEEDED"
    assert ledger.balance("gov") == 0
    ledger.check_invariants()


def test_the_supply_starts_at_zero_and_counts_issuance(chain: LedgerHarness) -> None:
    assert chain.view("settlement", "supply") == {"issued": 100}
    assert chain.view("settlement", "balance", account="nobody") == {
        "account": "nobody",
        "balance": 0,
    }
