"""Shared pieces of the disputes tests: orgs, parties, and a test-only settlement desk that
pays out on an asset only when no dispute freezes it (as every asset contract must)."""

from __future__ import annotations

from contracts import Args, Context, Contract, Party, action
from contracts.testing import OrgSpec
from contracts.types import Id, PositiveFen

ORGS = [
    OrgSpec("gov", "government", (("med", "mediator"), ("admin", "admin"),
                                  ("pboc", "central_bank"))),
    OrgSpec("bank-a", "bank", (("officer", "loan_officer"), ("treasurer", "treasurer"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("f1", "farmer"), ("f2", "farmer"))),
]
SIGNER_OF = {"coop-a.f1": "coop-a.f1", "coop-a.f2": "coop-a.f2", "bank-a": "bank-a.treasurer"}
HASH = "ab" * 32


class SettleArgs(Args):
    asset: Id
    source: Id
    target: Id
    amount: PositiveFen


class AssetDesk(Contract):
    """Test-only: settles money on an asset, refusing while the asset is frozen."""

    name = "assetdesk"
    version = "1"

    @action(SettleArgs, policy=Party("source"), parties=lambda _s, _c, a: {"source": a.source})
    def settle(self, ctx: Context, args: SettleArgs) -> None:
        ctx.require_not_frozen(args.asset)
        ctx.transfer(args.source, args.target, args.amount, memo=f"settle {args.asset}")
