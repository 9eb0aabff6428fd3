"""Budget programmes: government premium shares and loss shares come out of a budget (C17).

A government org's finance member publishes a programme for one level of government
(central, province or county), one purpose (premium subsidy or the consortium loss
share) and one fiscal year (the calendar year in the policies' time zone, as China's
fiscal year is), with a budget in fen. Every share paid from it moves money from the
publishing org's own account through ``ctx.transfer`` (so the settlement contract's
rules on who may debit that account apply), only in that fiscal year, and never beyond
the budget: ``spent`` counts what it paid less what cancellations refunded to it.
Where ``government_accounts`` names an org for a level, only that org may publish the
level's programmes; otherwise any government org may (one county office playing every
level, as in the lishui template).
"""

from __future__ import annotations

from contracts.builtin.claims.clock import local_year
from contracts.builtin.claims.errors import (
    AlreadyExists,
    BudgetExceeded,
    ProgrammeMismatch,
    ProgrammeNotFound,
)
from contracts.builtin.claims.models import ClaimsParams, PublishProgrammeArgs
from contracts.builtin.claims.records import Programme, programme_key
from contracts.context import Context, ReadContext


def load_programme(ctx: ReadContext, programme_id: str) -> Programme:
    return ctx.require(Programme, programme_key(programme_id), ProgrammeNotFound, programme_id)


def publish(ctx: Context, params: ClaimsParams, args: PublishProgrammeArgs) -> None:
    """A government finance member publishes its level's budget for a fiscal year."""
    if ctx.get(programme_key(args.programme)) is not None:
        raise AlreadyExists(f"programme {args.programme} exists", programme=args.programme)
    org = ctx.signer.org
    named = params.government_accounts.get(args.level)
    if named is not None and named != org:
        raise ProgrammeMismatch(
            f"{args.level} programmes are published by {named}, not {org}",
            field="level", level=args.level, publisher=named,
        )
    ctx.save(programme_key(args.programme), Programme(
        id=args.programme, level=args.level, purpose=args.purpose, fiscal_year=args.fiscal_year,
        budget=args.budget, treasury=org, published_by=ctx.signer.member_id,
        published_at=ctx.time,
    ))
    ctx.emit("ProgrammePublished", programme=args.programme, level=args.level,
             purpose=args.purpose, fiscal_year=args.fiscal_year, budget=args.budget)


def spend(
    ctx: Context, params: ClaimsParams, programme_id: str, *, level: str, purpose: str,
    amount: int, target: str, memo: str,
) -> Programme:
    """Pay ``amount`` from the programme's treasury to ``target``, within its budget and year."""
    programme = load_programme(ctx, programme_id)
    year = local_year(ctx.time, params.time_zone)
    wrong = (("level", programme.level, level), ("purpose", programme.purpose, purpose),
             ("fiscal_year", programme.fiscal_year, year))
    for field, has, needs in wrong:
        if has != needs:
            raise ProgrammeMismatch(
                f"programme {programme.id} has {field} {has}, this payment needs {needs}",
                field="programme", programme=programme.id, rule=field, has=has, needs=needs,
            )
    if not ctx.signed_by(programme.treasury):
        raise ProgrammeMismatch(
            f"programme {programme.id} is paid by {programme.treasury}, not {ctx.signer.org}",
            field="programme", programme=programme.id, rule="treasury",
            payer=programme.treasury,
        )
    if programme.spent + amount > programme.budget:
        raise BudgetExceeded(
            f"programme {programme.id}: {programme.spent} + {amount} fen exceeds its budget of "
            f"{programme.budget} fen",
            programme=programme.id, spent=programme.spent, amount=amount,
            budget=programme.budget,
        )
    ctx.transfer(programme.treasury, target, amount, memo=memo)
    programme.spent += amount
    ctx.save(programme_key(programme.id), programme)
    return programme


def refund(ctx: Context, programme_id: str, *, source: str, amount: int, memo: str) -> None:
    """Return ``amount`` from ``source`` to the programme's treasury; its budget frees up."""
    programme = load_programme(ctx, programme_id)
    ctx.transfer(source, programme.treasury, amount, memo=memo)
    programme.spent -= amount
    ctx.save(programme_key(programme.id), programme)
