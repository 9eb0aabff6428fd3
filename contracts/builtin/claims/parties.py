"""Who is party to a claim, for disputes' standing rule, and the claim's payout path for a
court's judgment (D7), both through the seam of ``contracts.assets``.

A judgment that the insurer pays an insured on a claim runs the normal payout
(``payments.disburse``): the loss payee first up to its debt, never beyond what is left
of the insured's sum insured, the payment counted in the policy's consortium book. It
is recorded as the insured's court award on the claim, which the claim's own payment
then deducts, so the insured is paid once for the loss. A frozen claim pays only this
way; the disputes contract alone invokes it (``require_court``)."""

from __future__ import annotations

from typing import Any

from contracts.assets import (
    COURT_PAYOUT,
    AssetParties,
    AssetQuery,
    CourtPaid,
    CourtPathQuery,
    CourtPayoutArgs,
    require_court,
)
from contracts.base import operation, view
from contracts.builtin.claims.claims import claim_key, households_of
from contracts.builtin.claims.payments import disburse
from contracts.builtin.claims.policies import load_policy
from contracts.builtin.claims.records import ClaimHead, CourtAward, Cover, award_key, cover_key
from contracts.context import Context, ReadContext


def _claim_cover(ctx: ReadContext, asset: str, payer: str,
                 payee: str) -> tuple[ClaimHead, Cover] | None:
    """The claim and the payee's cover, if ``payer`` is its insurer and ``payee`` insured."""
    kind, _, claim_id = asset.partition(":")
    claim = ctx.load(ClaimHead, claim_key(claim_id)) if kind == "claim" and claim_id else None
    if claim is None:
        return None
    policy = load_policy(ctx, claim.policy_id)
    cover = ctx.load(Cover, cover_key(policy.id, payee))
    if payer != policy.insurer or cover is None:
        return None
    return claim, cover


class ClaimParties:
    """Views and the court operation mixed into ClaimsContract."""

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

    @view(CourtPathQuery)
    def court_path(self, ctx: ReadContext, query: CourtPathQuery) -> bool:
        """Money the insurer owes an insured of the claim's policy runs the claim payout."""
        return _claim_cover(ctx, query.asset, query.payer, query.payee) is not None

    @operation(CourtPayoutArgs, result=CourtPaid)
    def court_payout(self, ctx: Context, args: CourtPayoutArgs) -> CourtPaid:
        """Pay up to ``amount`` from ``source`` on the payee's cover as a court ordered:
        loss payee first, capped at what is left of the sum insured; the fen paid."""
        require_court(ctx, COURT_PAYOUT)
        found = _claim_cover(ctx, args.asset, args.payer, args.payee)
        if found is None:
            return CourtPaid(amount=0)
        claim, cover = found
        policy = load_policy(ctx, claim.policy_id)
        amount = min(args.amount, cover.sum_insured(policy.sum_insured_per_mu) - cover.paid)
        if amount <= 0:
            return CourtPaid(amount=0)
        payment = disburse(ctx, policy, cover, amount, advance=False,
                           memo=f"judgment on claim {claim.id}", source=args.source)
        award = ctx.load(CourtAward, award_key(claim.id, args.payee)) or CourtAward()
        award.paid += amount
        award.payments.append(payment)
        ctx.save(award_key(claim.id, args.payee), award)
        ctx.save(cover_key(policy.id, args.payee), cover)
        ctx.emit("CourtAwardPaid", claim_id=claim.id, insured=args.payee, amount=amount,
                 to_payee=payment.to_payee, to_insured=payment.to_insured,
                 lender=payment.lender)
        return CourtPaid(amount=amount)
