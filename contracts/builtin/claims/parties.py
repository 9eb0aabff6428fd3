"""Who is party to a claim, for disputes' standing rule (``contracts.assets``)."""

from __future__ import annotations

from typing import Any

from contracts.assets import AssetParties, AssetQuery
from contracts.base import view
from contracts.builtin.claims.claims import claim_key, households_of
from contracts.builtin.claims.policies import load_policy
from contracts.builtin.claims.records import ClaimHead
from contracts.context import ReadContext


class ClaimParties:
    """View mixed into ClaimsContract."""

    @view(AssetQuery)
    def asset_parties(self, ctx: ReadContext, query: AssetQuery) -> Any:
        """``claim:<id>``: the policy's cooperative and the claim's insured households (its
        owners) and the insurer; its value is what is assessed and not yet paid."""
        kind, _, claim_id = query.asset.partition(":")
        claim = ctx.load(ClaimHead, claim_key(claim_id)) if kind == "claim" and claim_id else None
        if claim is None:
            return AssetParties.missing().to_state()
        policy = load_policy(ctx, claim.policy_id)
        households = households_of(ctx, claim_id)
        owners = [policy.coop, *households]
        unpaid = sum(max(0, h.amount - h.paid) for h in households.values())
        return AssetParties.of([*owners, policy.insurer], owners=owners, value=unpaid).to_state()
