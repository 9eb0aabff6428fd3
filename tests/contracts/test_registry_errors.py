"""The encumbrance registry through the operations other contracts call: one lien per
asset, closed only by the contract that filed it for the loan it secures; every error
code leaves the registry unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import Args, Context, Contract, Role, action
from contracts.builtin.registry.operations import (
    CLOSE_LIEN,
    FILE_LIEN,
    CloseLienArgs,
    FileLienArgs,
)
from contracts.testing import LedgerHarness, OrgSpec

OFFICER = Role("bank", "loan_officer")


class LienArgs(Args):
    asset: str
    pledgee: str = "bank-a"
    secures: str = "L1"


class Lender(Contract):
    """Stands in for warehouse_receipt / order_finance: files and closes liens."""

    name = "lender"
    readers = ()
    version = "1"

    @action(LienArgs, policy=OFFICER)
    def pledge(self, ctx: Context, args: LienArgs) -> None:
        ctx.invoke(FILE_LIEN, FileLienArgs(asset=args.asset, pledgee=args.pledgee,
                                           secures=args.secures))

    @action(LienArgs, policy=OFFICER)
    def release(self, ctx: Context, args: LienArgs) -> None:
        ctx.invoke(CLOSE_LIEN, CloseLienArgs(asset=args.asset, secures=args.secures))


class OtherLender(Lender):
    name = "other_lender"
    readers = ()


ORGS = [
    OrgSpec("bank-a", "bank", (("officer", "loan_officer"),)),
    OrgSpec("bank-b", "bank", (("officer", "loan_officer"),)),
]


@pytest.fixture
def chain() -> LedgerHarness:
    ledger = LedgerHarness(
        ORGS, ["membership", "registry", "lender", "other_lender"],
        classes={"lender": Lender, "other_lender": OtherLender},
    )
    assert ledger.submit("bank-a.officer", "lender", "pledge", asset="receipt:R1").committed
    return ledger


def test_a_filed_lien_is_visible_to_every_bank(chain: LedgerHarness) -> None:
    found = chain.view("registry", "lookup", asset="receipt:R1")
    assert found["encumbered"] is True
    assert found["lien"] == {
        "asset": "receipt:R1", "pledgee": "bank-a", "secures": "L1", "filed_by": "lender",
        "since": "2026-03-01T00:00:00Z",
    }
    assert [lien["asset"] for lien in chain.view("registry", "by_pledgee", pledgee="bank-a")] == [
        "receipt:R1"
    ]
    assert chain.view("registry", "lookup", asset="receipt:R2")["encumbered"] is False


def test_closing_the_lien_frees_the_asset_for_another_bank(chain: LedgerHarness) -> None:
    assert chain.submit("bank-a.officer", "lender", "release", asset="receipt:R1").committed
    assert chain.submit(
        "bank-b.officer", "lender", "pledge", asset="receipt:R1", pledgee="bank-b", secures="L9"
    ).committed


CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("ASSET_ALREADY_ENCUMBERED", "lender", "pledge",
     {"asset": "receipt:R1", "pledgee": "bank-b", "secures": "L2"}),
    ("ASSET_ALREADY_ENCUMBERED", "other_lender", "pledge", {"asset": "receipt:R1"}),
    ("LIEN_NOT_FOUND", "lender", "release", {"asset": "receipt:R2"}),
    ("LIEN_NOT_FOUND", "lender", "release", {"asset": "receipt:R1", "secures": "L2"}),
    ("LIEN_NOT_FOUND", "other_lender", "release", {"asset": "receipt:R1"}),  # not its lien
    ("INVALID_LIEN", "lender", "pledge", {"asset": ""}),
    ("INVALID_LIEN", "lender", "pledge", {"asset": "receipt:R3", "pledgee": ""}),
    ("INVALID_LIEN", "lender", "pledge", {"asset": "receipt:R3", "secures": ""}),
    ("INVALID_LIEN", "lender", "release", {"asset": "receipt:R1", "secures": ""}),
]


@pytest.mark.parametrize(
    ("code", "contract", "action_name", "args"), CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_registry_error_has_its_code_and_changes_nothing(
    chain: LedgerHarness, code: str, contract: str, action_name: str, args: dict[str, Any]
) -> None:
    before = list(chain.store.state.scan(""))
    result = chain.submit("bank-b.officer", contract, action_name, **args)
    assert result.code == code, result.message
    assert list(chain.store.state.scan("")) == before
    chain.check_invariants()


def test_liens_cannot_be_filed_by_a_transaction_directly(chain: LedgerHarness) -> None:
    result = chain.submit("bank-b.officer", "registry", "file_lien", asset="receipt:R9",
                          pledgee="bank-b", secures="L1")
    assert result.code == "UNKNOWN_ACTION"
