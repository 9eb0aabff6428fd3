"""Paying claims: the loss payee first up to the debt it secures, the insured the rest.

Payouts come from the insurer's account, so the insurer signs the pay tx. Before
any payment ``require_not_frozen("claim:<id>")`` (an open dispute blocks it).

Final payment (C3): an indemnity claim pays a household only after the claim's
publicity period is over and that household signed its agreement; an index claim
pays on its trigger. The final amount is the assessed amount less advances,
capped at what is left of the household's sum insured (C2); any shortfall is
recorded. What a court's judgment already paid the household on the claim (its court
award, ``parties.court_payout``) is deducted too: one loss is paid once.

Advance payment (docs/domain.md 3.1, the one exception to C3): for a declared disaster,
once a household is assessed, up to ``advance_max_bp`` of its assessed amount
may be paid before publicity.

Loss payee (C7): the lender gets min(payment, outstanding debt) through the
lending contract's ``repay_from_proceeds`` (which repays, and closes the loan and
its liens when covered); the insured gets the rest. Never netted against premium,
never averaged across households (C5): each household's own amount is paid.
"""

from __future__ import annotations

from contracts.builtin.claims import books
from contracts.builtin.claims.claims import (
    load_claim,
    load_household,
    require_claim_state,
    save_household,
)
from contracts.builtin.claims.clock import before
from contracts.builtin.claims.deadlines import note_late_payment
from contracts.builtin.claims.errors import (
    AdvanceNotAllowed,
    AlreadyPaid,
    ClaimNotInState,
    HouseholdNotInsured,
    LossPayeeUnavailable,
    NotAgreed,
    PublicityNotOver,
)
from contracts.builtin.claims.models import AdvanceArgs, ClaimsParams, HouseholdArgs
from contracts.builtin.claims.payout import BP
from contracts.builtin.claims.policies import load_cover, load_policy
from contracts.builtin.claims.records import (
    Assessment,
    ClaimHead,
    ClaimKind,
    ClaimState,
    CourtAward,
    Cover,
    HouseholdState,
    Payment,
    PolicyHead,
    award_key,
    cover_key,
)
from contracts.context import Context
from contracts.lending.operations import (
    REPAY_LOAN_FROM_PROCEEDS,
    REPAY_ORDER_FROM_PROCEEDS,
    LoanProceedsArgs,
    OrderProceedsArgs,
)

REF_ARG = {"warehouse_receipt": "loan_id", "order_finance": "order_id"}


def repay_from_proceeds(ctx: Context, kind: str, ref: str, source: str, amount: int) -> int:
    """The fen the loss payee's loan ``ref`` (a ``kind`` contract's) took of ``amount``."""
    if kind == REPAY_ORDER_FROM_PROCEEDS.contract:
        return ctx.invoke(REPAY_ORDER_FROM_PROCEEDS,
                          OrderProceedsArgs(order_id=ref, source=source, amount=amount)).amount
    return ctx.invoke(REPAY_LOAN_FROM_PROCEEDS,
                      LoanProceedsArgs(loan_id=ref, source=source, amount=amount)).amount


def disburse(ctx: Context, policy: PolicyHead, cover: Cover, amount: int, *, advance: bool,
             memo: str, source: str | None = None) -> Payment:
    """Move ``amount`` from the insurer (or ``source``, the money a court compelled from
    it): loss payee first up to its outstanding debt."""
    source = policy.insurer if source is None else source
    to_payee, debt, lender = 0, None, None
    payee = cover.loss_payee
    if payee is not None and amount > 0:
        if not ctx.has_contract(payee.kind):
            raise LossPayeeUnavailable(f"loss payee contract {payee.kind} is not enabled")
        ref = {REF_ARG[payee.kind]: payee.ref}
        owed = ctx.view(payee.kind, "outstanding_debt", **ref)
        debt, lender = int(owed["outstanding"]), owed.get("lender")
        to_payee = min(amount, debt)
        if to_payee > 0:
            applied = repay_from_proceeds(ctx, payee.kind, payee.ref, source, to_payee)
            if applied != to_payee:
                raise LossPayeeUnavailable(
                    f"{payee.kind} applied {applied} fen of {to_payee} to {payee.ref}",
                )
    ctx.transfer(source, cover.insured, amount - to_payee, memo=memo)
    cover.paid += amount
    books.add_paid(ctx, policy.book, amount)
    return Payment(amount=amount, to_payee=to_payee, to_insured=amount - to_payee,
                   payee_debt=debt, lender=lender, advance=advance, at=ctx.time)


def _household(ctx: Context, claim: ClaimHead, insured: str) -> Assessment:
    household = load_household(ctx, claim.id, insured)
    if household is None:
        raise HouseholdNotInsured(insured)
    return household


def _save(ctx: Context, claim: ClaimHead, insured: str, household: Assessment,
          cover: Cover) -> None:
    """A payment changes the household and its cover, never the claim or policy head."""
    save_household(ctx, claim.id, insured, household)
    ctx.save(cover_key(claim.policy_id, insured), cover)


def advance_pay(ctx: Context, params: ClaimsParams, args: AdvanceArgs) -> None:
    """Pay part of an assessed household's amount early, for a declared large loss."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.ASSESSED, ClaimState.VERIFIED, ClaimState.PUBLICISED)
    if claim.declaration_id is None:
        raise AdvanceNotAllowed(f"claim {claim.id} names no declared disaster")
    household = _household(ctx, claim, args.insured)
    if household.state is not HouseholdState.ASSESSED:
        raise AdvanceNotAllowed(f"{args.insured} is {household.state.value}, not ASSESSED")
    limit = household.amount * params.advance_max_bp // BP
    if household.advanced + args.amount > limit:
        raise AdvanceNotAllowed(
            f"advance would reach {household.advanced + args.amount} fen, limit {limit}",
            limit=limit,
        )
    ctx.require_not_frozen(f"claim:{claim.id}")
    policy = load_policy(ctx, claim.policy_id)
    cover = load_cover(ctx, policy.id, args.insured)
    payment = disburse(ctx, policy, cover, args.amount, advance=True,
                       memo=f"advance {claim.id}")
    household.advanced += args.amount
    household.paid += args.amount
    household.payments.append(payment)
    _save(ctx, claim, args.insured, household, cover)
    ctx.emit("AdvancePaid", claim_id=claim.id, insured=args.insured, amount=args.amount,
             to_payee=payment.to_payee)


def _require_payable(ctx: Context, claim: ClaimHead, household: Assessment, insured: str) -> None:
    if household.state is HouseholdState.PAID:
        raise AlreadyPaid(f"{insured} is already paid on {claim.id}")
    if claim.kind is ClaimKind.INDEX:
        require_claim_state(claim, ClaimState.TRIGGERED)
    else:
        require_claim_state(claim, ClaimState.PUBLICISED)
        if claim.publicity_ends is None or before(ctx.time, claim.publicity_ends):
            raise PublicityNotOver(f"claim {claim.id} is posted until {claim.publicity_ends}")
    if household.state is not HouseholdState.AGREED:
        raise NotAgreed(f"{insured} has not signed the agreement on {claim.id}")


def pay(ctx: Context, params: ClaimsParams, args: HouseholdArgs) -> None:
    """The insurer pays a household's agreed amount (PAID); a late payment records the breach."""
    claim = load_claim(ctx, args.claim_id)
    if claim.state is ClaimState.DECLINED:
        raise ClaimNotInState(f"claim {claim.id} is declined")
    household = _household(ctx, claim, args.insured)
    _require_payable(ctx, claim, household, args.insured)
    ctx.require_not_frozen(f"claim:{claim.id}")
    policy = load_policy(ctx, claim.policy_id)
    cover = load_cover(ctx, policy.id, args.insured)
    remaining = cover.sum_insured(policy.sum_insured_per_mu) - cover.paid
    award = ctx.load(CourtAward, award_key(claim.id, args.insured)) or CourtAward()
    due = max(0, household.amount - household.advanced - award.paid)
    amount = min(due, remaining)
    payment = disburse(ctx, policy, cover, amount, advance=False, memo=f"claim {claim.id}")
    household.payments.append(payment)
    household.paid += amount
    household.shortfall = due - amount
    household.awarded = award.paid
    household.state = HouseholdState.PAID
    household.paid_at = ctx.time
    note_late_payment(ctx, claim, args.insured, household.pay_due)
    _save(ctx, claim, args.insured, household, cover)
    ctx.emit("ClaimPaid", claim_id=claim.id, insured=args.insured, amount=amount,
             to_payee=payment.to_payee, to_insured=payment.to_insured, lender=payment.lender)
