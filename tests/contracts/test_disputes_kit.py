"""Shared pieces of the disputes tests: orgs, parties, and a test-only asset desk that owns
a few assets (answering ``asset_parties`` as a plug-in asset contract would), pays out
on an asset only when no dispute freezes it (as every asset contract must), and has one
payout path for a court's terms (``court_path``/``court_payout``, D7): money bank-a owes
the owner of ``order:o1`` pays a first-ranking creditor (coop-a.f1, up to ``FIRST_DEBT``)
before the owner, and the path takes at most ``PATH_CAPACITY`` in all."""

from __future__ import annotations

from typing import Any

from contracts import Args, Context, Contract, Party, ReadContext, action, operation, view
from contracts.assets import (
    AssetParties,
    AssetQuery,
    CourtPaid,
    CourtPathQuery,
    CourtPayoutArgs,
    require_court,
)
from contracts.genesis import ContractConfig
from contracts.roles import DUAL_CONTROL_FEN
from contracts.testing import LedgerHarness, OrgSpec
from contracts.types import Id, PositiveFen

ORGS = [
    OrgSpec("gov", "government", (("med", "mediator"), ("admin", "admin"),
                                  ("pboc", "central_bank"), ("court", "court"))),
    OrgSpec("bank-a", "bank", (("officer", "loan_officer"), ("treasurer", "treasurer"),
                               ("treasurer-2", "treasurer"))),
    OrgSpec("bank-b", "bank", (("officer", "loan_officer"), ("treasurer", "treasurer"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"))),
]
SIGNER_OF = {"coop-a.f1": "coop-a.f1", "coop-a.f2": "coop-a.f2", "bank-a": "bank-a.treasurer",
             "bank-b": "bank-b.treasurer"}
"""Who signs for each party: a farmer for itself, a bank through its treasurer (money
authority: a loan officer never pays from the bank's account in disputes)."""
TREASURERS = {"bank-a": ("bank-a.treasurer", "bank-a.treasurer-2"),
              "bank-b": ("bank-b.treasurer",)}
BANK_DUAL_CONTROL_FEN = DUAL_CONTROL_FEN["bank"]  # above it, both bank-a treasurers sign
HASH = "ab" * 32
DEPOSITS = "escrow:disputes:deposits"

# asset -> (parties, owners, value in fen). bank-b is party to nothing: the stranger.
ASSETS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "receipt:r1": (("coop-a.f1", "bank-a"), ("coop-a.f1",), 1_000_000),
    "order:o1": (("coop-a.f2", "coop-a.f1", "bank-a"), ("coop-a.f2",), 2_000_000),
    "claim:c1": (("coop-a.f1", "coop-a.f2", "bank-a"), ("coop-a.f1", "coop-a.f2"), 500_000_000),
}
PATH = ("order:o1", "bank-a", "coop-a.f2")  # (asset, payer, payee) paid down the path
FIRST = "coop-a.f1"  # ranks first on the path, like a loss payee or a financing bank
FIRST_DEBT = 5_000
PATH_CAPACITY = 20_000_000  # like a sum insured: the path never pays more in all

DISPUTES = ContractConfig(name="disputes", version="1", params={
    "asset_contracts": {"receipt": "assetdesk", "order": "assetdesk", "claim": "assetdesk"},
})
DESK = ContractConfig(name="assetdesk", version="1")


class SettleArgs(Args):
    asset: Id
    source: Id
    target: Id
    amount: PositiveFen


class AssetDesk(Contract):
    """Test-only: owns ASSETS, and settles money on one, refusing while it is frozen."""

    name = "assetdesk"
    readers = ()
    version = "1"

    @action(SettleArgs, policy=Party("source"), parties=lambda _s, _c, a: {"source": a.source})
    def settle(self, ctx: Context, args: SettleArgs) -> None:
        ctx.require_not_frozen(args.asset)
        ctx.transfer(args.source, args.target, args.amount, memo=f"settle {args.asset}")

    @view(CourtPathQuery)
    def court_path(self, ctx: ReadContext, query: CourtPathQuery) -> bool:
        return (query.asset, query.payer, query.payee) == PATH

    @operation(CourtPayoutArgs, result=CourtPaid)
    def court_payout(self, ctx: Context, args: CourtPayoutArgs) -> CourtPaid:
        """The first creditor up to its debt, then the payee, within the capacity."""
        require_court(ctx, "court_payout")
        if (args.asset, args.payer, args.payee) != PATH:
            return CourtPaid(amount=0)
        path = ctx.get("path") or {"paid": 0, "first": 0}
        take = min(args.amount, PATH_CAPACITY - path["paid"])
        first = min(take, FIRST_DEBT - path["first"])
        ctx.transfer(args.source, FIRST, first, memo=f"first on {args.asset}")
        ctx.transfer(args.source, args.payee, take - first,
                     memo=f"court payout on {args.asset}")
        ctx.put("path", {"paid": path["paid"] + take, "first": path["first"] + first})
        return CourtPaid(amount=take)

    @view(AssetQuery)
    def asset_parties(self, ctx: ReadContext, query: AssetQuery) -> Any:
        if query.asset not in ASSETS:
            return AssetParties.missing().to_state()
        parties, owners, value = ASSETS[query.asset]
        return AssetParties(exists=True, parties=parties, owners=owners, value=value).to_state()


def ok(result: Any) -> Any:
    assert result.committed, f"{result.code}: {result.message}"
    return result


def refused(result: Any, code: str) -> None:
    assert (result.committed, result.code, result.writes) == (False, code, ()), result.message


def funded_ledger() -> LedgerHarness:
    """The disputes chain with the desk; bank-a and both farmers hold 100,000,000 fen."""
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
