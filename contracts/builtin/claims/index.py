"""Weather-index policies: an attested station reading triggers payout with no survey (C8).

The meteorology role attests a reading of a designated station. In the same tx
every ACTIVE index policy watching that station and metric, whose trigger window
and cover period contain the observation and whose threshold the value crosses,
gets an index claim: each household is owed payout_bp x sum insured per mu x
insured area (floored, capped at its remaining sum insured), agreed by the terms
of the policy, due within ``pay_deadline_days``. The same reading therefore pays
every matching policy alike. A policy triggers at most once per cover period
(assumption A: one event x plot pays once); later crossings are noted only.
The insurer then pays each household through the ordinary ``pay`` action.
"""

from __future__ import annotations

from contracts.builtin.claims.claims import claim_key, save_household
from contracts.builtin.claims.clock import before, later, within
from contracts.builtin.claims.errors import AlreadyExists, ReadingInFuture
from contracts.builtin.claims.models import ClaimsParams, ReadingArgs
from contracts.builtin.claims.payout import index_payout
from contracts.builtin.claims.policies import covers_of, load_policy
from contracts.builtin.claims.records import (
    Assessment,
    ClaimHead,
    ClaimKind,
    ClaimState,
    Cover,
    HouseholdState,
    PolicyHead,
    PolicyState,
    Reading,
    events_prefix,
)
from contracts.context import Context


def index_claim_id(reading_id: str, policy_id: str) -> str:
    return f"index:{reading_id}:{policy_id}"


def matches(policy: PolicyHead, reading: Reading) -> bool:
    """C8: the trigger depends only on the policy's station, metric, window and threshold."""
    terms = policy.index
    return (
        terms is not None
        and policy.state is PolicyState.ACTIVE
        and policy.cover_from is not None
        and not before(reading.observed_at, policy.cover_from)
        and terms.station == reading.station
        and terms.metric == reading.metric
        and within(reading.observed_at, terms.window_start, terms.window_end)
        and within(reading.observed_at, policy.period_start, policy.period_end)
        and terms.crossed(reading.value)
    )


def household_amounts(policy: PolicyHead, covers: dict[str, Cover]) -> dict[str, tuple[int, int]]:
    """(formula, amount capped at remaining sum insured) per household of an index policy."""
    assert policy.index is not None
    out = {}
    for insured, cover in covers.items():
        formula = index_payout(sum_insured_per_mu=policy.sum_insured_per_mu,
                               payout_bp=policy.index.payout_bp, insured_area=cover.insured_area)
        remaining = cover.sum_insured(policy.sum_insured_per_mu) - cover.paid
        out[insured] = (formula, min(formula, remaining))
    return out


def _trigger(ctx: Context, params: ClaimsParams, policy: PolicyHead, reading: Reading) -> str:
    """Open the policy's index claim with every household agreed (one record each)."""
    claim_id = index_claim_id(reading.id, policy.id)
    pay_due = later(ctx.time, days=params.pay_deadline_days)
    total = 0
    for insured, (formula, amount) in household_amounts(policy, covers_of(ctx, policy.id)).items():
        save_household(ctx, claim_id, insured, Assessment(
            state=HouseholdState.AGREED, formula=formula, amount=amount, agreed_at=ctx.time,
            pay_due=pay_due,
        ))
        total += amount
    ctx.save(claim_key(claim_id), ClaimHead(
        id=claim_id, kind=ClaimKind.INDEX, policy_id=policy.id, peril=f"index:{reading.metric}",
        occurred_at=reading.observed_at, reading_id=reading.id, reported_at=ctx.time,
        reported_by=ctx.signer.member_id, state=ClaimState.TRIGGERED,
    ))
    ctx.put(events_prefix(policy.id) + "index", {"claim_id": claim_id})
    ctx.emit("IndexTriggered", claim_id=claim_id, policy_id=policy.id, reading_id=reading.id,
             total=total)
    return claim_id


def attest_reading(ctx: Context, params: ClaimsParams, args: ReadingArgs) -> None:
    """Meteorology attests a station reading; matching index policies are triggered."""
    key = f"reading/{args.reading_id}"
    if ctx.get(key) is not None:
        raise AlreadyExists(f"reading {args.reading_id} exists", reading_id=args.reading_id)
    if before(ctx.time, args.observed_at):
        raise ReadingInFuture(f"reading observed at {args.observed_at}, after block time")
    reading = Reading(
        id=args.reading_id, station=args.station, metric=args.metric,
        observed_at=args.observed_at, value=args.value, attested_by=ctx.signer.member_id,
        attested_at=ctx.time,
    )
    for _, entry in ctx.scan(f"station/{args.station}/"):
        policy = load_policy(ctx, entry["policy_id"])
        if not matches(policy, reading):
            continue
        if ctx.get(events_prefix(policy.id) + "index") is not None:
            ctx.emit("IndexCrossingIgnored", policy_id=policy.id, reading_id=reading.id)
            continue
        reading.triggered.append(_trigger(ctx, params, policy, reading))
    ctx.save(key, reading)
    ctx.emit("ReadingAttested", reading_id=reading.id, station=reading.station,
             value=reading.value, triggered=list(reading.triggered))
