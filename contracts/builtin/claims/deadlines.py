"""Deadline breaches: the 24-hour survey and the 10-day payment (C4).

A missed deadline is recorded, never ignored: the late survey or payment records
its own breach in the same tx, and anyone may call ``record_breach`` once a
deadline has passed with nothing done, so a survey or payment that never comes
is on the ledger too. Each breach is recorded once and emits DeadlineBreached.
"""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.claims.clock import before
from contracts.builtin.claims.errors import (
    BreachAlreadyRecorded,
    ClaimNotFound,
    DeadlineNotPassed,
    HouseholdNotInsured,
)
from contracts.builtin.claims.models import BreachArgs, ClaimsParams
from contracts.builtin.claims.records import (
    Assessment,
    BaseClaim,
    Breach,
    BreachKind,
    ClaimHead,
    ClaimState,
    HouseholdState,
    breach_key,
    household_key,
    households_prefix,
    scan_children,
)
from contracts.context import Context, ReadContext


def _record(ctx: Context, claim_id: str, kind: BreachKind, insured: str | None, due: str) -> None:
    ctx.save(breach_key(claim_id, kind, insured), Breach(
        claim_id=claim_id, kind=kind, insured=insured, due=due, recorded_at=ctx.time,
        recorded_by=ctx.signer.member_id,
    ))
    ctx.emit("DeadlineBreached", claim_id=claim_id, kind=kind.value, insured=insured, due=due)


def _unrecorded(ctx: ReadContext, claim_id: str, kind: BreachKind, insured: str | None) -> bool:
    return ctx.get(breach_key(claim_id, kind, insured)) is None


def note_late_survey(ctx: Context, claim: BaseClaim) -> None:
    """Record a survey breach if the survey (or a decline without one) comes after the due time."""
    done = claim.surveyed_at or ctx.time
    if claim.survey_due and before(claim.survey_due, done) and _unrecorded(
        ctx, claim.id, BreachKind.SURVEY, None
    ):
        _record(ctx, claim.id, BreachKind.SURVEY, None, claim.survey_due)


def note_late_payment(ctx: Context, claim: BaseClaim, insured: str, pay_due: str | None) -> None:
    if pay_due and before(pay_due, ctx.time) and _unrecorded(
        ctx, claim.id, BreachKind.PAYMENT, insured
    ):
        _record(ctx, claim.id, BreachKind.PAYMENT, insured, pay_due)


def survey_overdue(ctx: ReadContext, claim: BaseClaim) -> str | None:
    """The survey due time, if it passed at the current block time with no survey."""
    due = claim.survey_due
    if claim.state is ClaimState.REPORTED and due and before(due, ctx.time):
        return due
    return None


def payment_overdue(ctx: ReadContext, household: Assessment) -> str | None:
    """The household's payment due time, if it passed at the current block time unpaid."""
    pay_due = household.pay_due
    if household.state is HouseholdState.AGREED and pay_due and before(pay_due, ctx.time):
        return pay_due
    return None


def overdue(ctx: ReadContext, claim: BaseClaim) -> Iterator[tuple[BreachKind, str | None, str]]:
    """Deadlines of ``claim`` passed at the current block time with nothing done (reads
    every household of the claim: for the ``overdue`` view)."""
    if (due := survey_overdue(ctx, claim)) is not None:
        yield BreachKind.SURVEY, None, due
    households = scan_children(ctx, Assessment, households_prefix(claim.id))
    for insured, household in households.items():
        if (pay_due := payment_overdue(ctx, household)) is not None:
            yield BreachKind.PAYMENT, insured, pay_due


def record_breach(ctx: Context, params: ClaimsParams, args: BreachArgs) -> None:
    """Anyone records a passed deadline: a claim not surveyed, or a household not paid, in time."""
    claim = ctx.require(ClaimHead, f"claim/{args.claim_id}", ClaimNotFound, args.claim_id)
    kind = BreachKind(args.kind)
    insured = args.insured if kind is BreachKind.PAYMENT else None
    household: Assessment | None = None
    if kind is BreachKind.PAYMENT:
        if insured is not None:
            household = ctx.load(Assessment, household_key(claim.id, insured))
        if household is None:
            raise HouseholdNotInsured(str(insured))
    if not _unrecorded(ctx, claim.id, kind, insured):
        raise BreachAlreadyRecorded(f"{kind.value} breach on {claim.id} is already recorded")
    due = survey_overdue(ctx, claim) if household is None else payment_overdue(ctx, household)
    if due is None:
        raise DeadlineNotPassed(f"no passed {kind.value} deadline on {claim.id}",
                                claim_id=claim.id)
    _record(ctx, claim.id, kind, insured, due)
