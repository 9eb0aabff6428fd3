"""Shared pieces of the disputes tests: orgs, parties, and a test-only asset desk that owns
a few assets (answering ``asset_parties`` as a plug-in asset contract would) and pays out
on an asset only when no dispute freezes it (as every asset contract must)."""

from __future__ import annotations

from typing import Any

from contracts import Args, Context, Contract, Party, ReadContext, action, view
from contracts.assets import AssetParties, AssetQuery
from contracts.genesis import ContractConfig
from contracts.roles import DUAL_CONTROL_FEN
from contracts.testing import OrgSpec
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

# asset -> (parties, owners, value in fen). bank-b is party to nothing: the stranger.
ASSETS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "receipt:r1": (("coop-a.f1", "bank-a"), ("coop-a.f1",), 1_000_000),
    "order:o1": (("coop-a.f2", "coop-a.f1", "bank-a"), ("coop-a.f2",), 2_000_000),
    "claim:c1": (("coop-a.f1", "coop-a.f2", "bank-a"), ("coop-a.f1", "coop-a.f2"), 500_000_000),
}
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
    version = "1"

    @action(SettleArgs, policy=Party("source"), parties=lambda _s, _c, a: {"source": a.source})
    def settle(self, ctx: Context, args: SettleArgs) -> None:
        ctx.require_not_frozen(args.asset)
        ctx.transfer(args.source, args.target, args.amount, memo=f"settle {args.asset}")

    @view(AssetQuery)
    def asset_parties(self, ctx: ReadContext, query: AssetQuery) -> Any:
        if query.asset not in ASSETS:
            return AssetParties.missing().to_state()
        parties, owners, value = ASSETS[query.asset]
        return AssetParties(exists=True, parties=parties, owners=owners, value=value).to_state()
