"""The end of a policy's life (C15): expiry, closing, and cancellation with refunds.

::

    ACTIVE -expire (anyone, after period end)-> EXPIRED -close (insurer, no claim open)-> CLOSED
    APPLIED/UNDERWRITTEN/PUBLICISED/ACTIVE -cancel (insurer + cooperative)-> CANCELLED

An EXPIRED policy takes no loss dated after its period (claims.py checks every
loss date) but its claims still settle, and losses inside the period may still be
reported within the limitation period; a CLOSED policy takes no new report.

Cancellation before inception (before cover attaches: not yet active, or active
before the period starts) refunds every premium payer its whole share: government
shares go back to their budget programmes, the farmers' share to the cooperative.
After inception the refund is the unexpired part of each share, pro rata to the time
left in the period, times ``short_period_refund_bp``, floored per share, and only if
no claim was paid; with a claim still open the policy cannot be cancelled. Refunds
come out of the insurer's account, so the insurer signs; the book's premium falls
by what was refunded (a settled book takes no change).
"""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.claims import books, programmes
from contracts.builtin.claims.claims import households_of, load_claim
from contracts.builtin.claims.clock import before, latest, seconds_between
from contracts.builtin.claims.errors import ClaimsOpen, PeriodNotOver
from contracts.builtin.claims.models import ClaimsParams, PolicyArgs
from contracts.builtin.claims.payout import BP
from contracts.builtin.claims.policies import covers_of, load_policy, policy_key, require_state
from contracts.builtin.claims.records import (
    ClaimState,
    HouseholdState,
    PolicyHead,
    PolicyState,
    ShareLevel,
    cover_index_key,
    events_prefix,
)
from contracts.context import Context, ReadContext

SETTLED = (ClaimState.PUBLICISED, ClaimState.TRIGGERED)


def claim_ids(ctx: ReadContext, policy_id: str) -> Iterator[str]:
    """Every claim on the policy: each claim holds one event key of its policy."""
    for _, entry in ctx.scan(events_prefix(policy_id)):
        yield str(entry["claim_id"])


def claim_is_open(ctx: ReadContext, claim_id: str) -> bool:
    """Not declined, and some household still to be assessed, agreed or paid."""
    claim = load_claim(ctx, claim_id)
    if claim.state is ClaimState.DECLINED:
        return False
    if claim.state not in SETTLED:
        return True
    return any(h.state is not HouseholdState.PAID for h in households_of(ctx, claim_id).values())


def open_claims(ctx: ReadContext, policy_id: str) -> list[str]:
    return [c for c in claim_ids(ctx, policy_id) if claim_is_open(ctx, c)]


def expire(ctx: Context, params: ClaimsParams, args: PolicyArgs) -> None:
    """Record that an active policy's period has ended (EXPIRED)."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.ACTIVE)
    if not before(policy.period_end, ctx.time):
        raise PeriodNotOver(f"policy {policy.id} runs until {policy.period_end}",
                            policy_id=policy.id, period_end=policy.period_end)
    policy.state = PolicyState.EXPIRED
    policy.ended_at = ctx.time
    ctx.save(policy_key(policy.id), policy)
    ctx.emit("PolicyExpired", policy_id=policy.id, period_end=policy.period_end)


def close(ctx: Context, params: ClaimsParams, args: PolicyArgs) -> None:
    """Close an expired policy once none of its claims is open (CLOSED)."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.EXPIRED)
    if still_open := open_claims(ctx, policy.id):
        raise ClaimsOpen(f"policy {policy.id} has open claims {', '.join(still_open)}",
                         policy_id=policy.id, claims=still_open)
    policy.state = PolicyState.CLOSED
    ctx.save(policy_key(policy.id), policy)
    ctx.emit("PolicyClosed", policy_id=policy.id)


def refund_bp(params: ClaimsParams, policy: PolicyHead, now: str, claim_paid: bool) -> int:
    """The part of each paid share refunded on cancellation at ``now``, in bp (C15)."""
    cover_from = policy.cover_from
    if cover_from is None or before(now, cover_from):
        return BP
    if claim_paid:
        return 0
    total = seconds_between(policy.period_start, policy.period_end)
    left = max(0, seconds_between(latest(now, policy.period_start), policy.period_end))
    return params.short_period_refund_bp * left // total


def refunds(policy: PolicyHead, bp: int) -> dict[ShareLevel, int]:
    """Each paid share's refund, floored."""
    return {level: policy.shares_due[level] * bp // BP for level in policy.shares_paid_by}


def cancel(ctx: Context, params: ClaimsParams, args: PolicyArgs) -> None:
    """Cancel a policy and refund each premium payer (CANCELLED)."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.APPLIED, PolicyState.UNDERWRITTEN,
                  PolicyState.PUBLICISED, PolicyState.ACTIVE)
    if still_open := open_claims(ctx, policy.id):
        raise ClaimsOpen(f"policy {policy.id} has open claims {', '.join(still_open)}",
                         policy_id=policy.id, claims=still_open)
    covers = covers_of(ctx, policy.id)
    claim_paid = any(c.paid for c in covers.values())
    owed = refunds(policy, refund_bp(params, policy, ctx.time, claim_paid))
    memo = f"premium refund {policy.id}"
    for level, amount in owed.items():
        if level is ShareLevel.FARMER:
            ctx.transfer(policy.insurer, policy.coop, amount, memo=memo)
        elif amount:
            programmes.refund(ctx, policy.share_programmes[level], source=policy.insurer,
                              amount=amount, memo=memo)
    if policy.activated_at is not None:
        books.remove_premium(ctx, policy.book, sum(owed.values()))
    for insured in covers:
        ctx.delete(cover_index_key(insured, policy.crop, policy.id))
    policy.refunds = owed
    policy.state = PolicyState.CANCELLED
    policy.ended_at = ctx.time
    ctx.save(policy_key(policy.id), policy)
    ctx.emit("PolicyCancelled", policy_id=policy.id,
             refunds={k.value: v for k, v in owed.items()})
