"""Credit: government-attested household ratings, credit villages, and interest subsidies.

Who may do what (policies are data; a genesis may override them):

- Ratings and villages are the rural credit-rating office's: a government member with role
  ``agriculture`` or ``admin`` registers villages and attests ratings (tier AAA/AA/A/B/unrated
  plus the four integer scores 0..100; the scores' total must reach the tier's ``min_score``).
- Subsidy programmes are the finance bureau's: a government member with role ``finance`` or
  ``admin`` publishes a programme (eligible borrower kinds and products, rule, budget), funds it
  by moving money from an account it owns into the programme's escrow (``escrow:credit:
  subsidy-<id>``; total funding never exceeds the published budget) and closes it (the rest is
  refunded to the publishing organisation's treasury).
- Loan contracts (genesis param ``loan_contracts``) call the operations: on every interest
  payment ``apply_interest_subsidy`` (a typed ``InterestSubsidyRequest`` with the loan's rate
  and term) pays the bank from the first open eligible programme (by programme id) that has
  something due and budget left, at most the interest and at most the budget left, and
  refuses interest of an overdue or defaulted loan (L3); ``record_default`` downgrades the
  household (``default_downgrade_tiers`` tiers, never below B) and marks it "in default" so
  it no longer counts as good for its village until government re-attests it.

A village is a credit village when it has at least ``credit_village_min_households`` rated
households and good ones (rated >= A, not in default) are >= ``credit_village_bp`` of them;
its counts are kept up to date on every attestation and default, so its status always
matches its households.

A borrower's kind is the kind its rating records; an unrated borrower is a ``cooperative``
if its id is an organisation id (no ".") and a ``household`` otherwise.
"""

from __future__ import annotations

from typing import Any

from contracts.base import Contract, action, operation, view
from contracts.builtin.credit.errors import (
    CallerNotAllowed,
    FundingExceedsBudget,
    InvalidSubsidyRule,
    ProgrammeAlreadyExists,
    ProgrammeClosed,
    ProgrammeNotFound,
    RatingScoresTooLow,
    SubsidyNotEligible,
    VillageAlreadyExists,
    VillageNotFound,
)
from contracts.builtin.credit.invariants import CreditInvariants
from contracts.builtin.credit.models import (
    AttestRatingArgs,
    CreditParams,
    FundProgrammeArgs,
    NoQuery,
    PricingQuery,
    ProgrammeArgs,
    ProgrammeQuery,
    PublishProgrammeArgs,
    RegisterVillageArgs,
    SubjectQuery,
    VillageQuery,
)
from contracts.builtin.credit.readers import READERS
from contracts.builtin.credit.records import (
    BorrowerKind,
    DefaultRecord,
    Household,
    Programme,
    Scores,
    SubsidyPayment,
    SubsidyRule,
    Tier,
    Village,
    default_key,
    household_key,
    payment_key,
    programme_key,
    village_key,
)
from contracts.builtin.credit.rules import (
    downgrade,
    is_credit_village,
    is_good,
    priced_rate,
    subsidy_due,
)
from contracts.context import Context, ReadContext
from contracts.lending.operations import InterestSubsidyRequest, RecordDefaultArgs, SubsidyResult
from contracts.policy import Role, any_of

RATING_OFFICE = any_of(Role("government", "agriculture"), Role("government", "admin"))
SUBSIDY_OFFICE = any_of(Role("government", "finance"), Role("government", "admin"))


class CreditContract(CreditInvariants, Contract):
    name = "credit"
    version = "1"
    readers = READERS
    description = "Household credit ratings, credit villages and government interest subsidies."
    Params = CreditParams

    # -- reads -----------------------------------------------------------------------------

    def village_of(self, ctx: ReadContext, village: str) -> Village:
        return ctx.require(Village, village_key(village), VillageNotFound, village)

    def household_of(self, ctx: ReadContext, subject: str) -> Household | None:
        return ctx.load(Household, household_key(subject))

    def programme_of(self, ctx: ReadContext, programme: str) -> Programme:
        return ctx.require(Programme, programme_key(programme), ProgrammeNotFound, programme)

    def borrower_kind(self, ctx: ReadContext, borrower: str) -> BorrowerKind:
        household = self.household_of(ctx, borrower)
        if household is not None:
            return household.kind
        return BorrowerKind.HOUSEHOLD if "." in borrower else BorrowerKind.COOPERATIVE

    # -- writes ----------------------------------------------------------------------------

    def _adjust_village(
        self, ctx: Context, village_id: str, *, households: int = 0, good: int = 0,
        defaults: int = 0,
    ) -> None:
        """Apply count deltas and recompute the status; emit when the status flips."""
        old = self.village_of(ctx, village_id)
        counts = {
            "households": old.households + households,
            "good": old.good + good,
            "defaults": old.defaults + defaults,
        }
        status = is_credit_village(
            counts["good"], counts["households"], self.params.credit_village_bp,
            self.params.credit_village_min_households,
        )
        new = old.model_copy(update={
            **counts, "credit_village": status,
            "status_since": ctx.time if status != old.credit_village else old.status_since,
        })
        ctx.save(village_key(village_id), new)
        if status != old.credit_village:
            ctx.emit("CreditVillageStatusChanged", village=village_id, credit_village=status,
                     households=new.households, good=new.good)

    def _save_programme(self, ctx: Context, programme: Programme, **changes: Any) -> Programme:
        new = programme.model_copy(update=changes)
        ctx.save(programme_key(programme.id), new)
        return new

    # -- ratings and villages --------------------------------------------------------------

    @action(RegisterVillageArgs, policy=RATING_OFFICE)
    def register_village(self, ctx: Context, args: RegisterVillageArgs) -> None:
        """Register an administrative village whose households will be rated."""
        if ctx.get(village_key(args.village)) is not None:
            raise VillageAlreadyExists(f"village {args.village} is already registered",
                                       village=args.village)
        village = Village(id=args.village, name=args.name, status_since=ctx.time)
        ctx.save(village_key(args.village), village)
        ctx.emit("VillageRegistered", village=args.village, name=args.name)

    @action(AttestRatingArgs, policy=RATING_OFFICE)
    def attest_rating(self, ctx: Context, args: AttestRatingArgs) -> None:
        """Attest (or re-attest) a borrower's rating; it clears an earlier "in default" mark."""
        self.village_of(ctx, args.village)
        scores = Scores(**args.scores.model_dump())
        needed = self.params.tiers[args.tier].min_score
        if scores.total() < needed:
            raise RatingScoresTooLow(
                f"tier {args.tier.value} needs a total score of {needed}, got {scores.total()}",
                tier=args.tier.value, total=scores.total(), needed=needed,
            )
        old = self.household_of(ctx, args.subject)
        if old is None:
            defaults = sum(1 for _, d in ctx.scan("default/") if d["borrower"] == args.subject)
        else:
            defaults = old.defaults
        new = Household(
            subject=args.subject, village=args.village, kind=args.kind, tier=args.tier,
            scores=scores, attested_by=ctx.signer.member_id,
            attester_org_type=ctx.signer.org_type, attester_role=ctx.signer.role,
            attested_at=ctx.time, defaults=defaults, in_default=False,
        )
        if old is not None:
            self._adjust_village(ctx, old.village, households=-1,
                                 good=-int(is_good(old.tier, old.in_default)))
        self._adjust_village(ctx, args.village, households=1, good=int(is_good(new.tier, False)))
        ctx.save(household_key(args.subject), new)
        ctx.emit("RatingAttested", subject=args.subject, village=args.village,
                 tier=args.tier.value, total_score=scores.total())

    # -- subsidy programmes ----------------------------------------------------------------

    @action(PublishProgrammeArgs, policy=SUBSIDY_OFFICE)
    def publish_programme(self, ctx: Context, args: PublishProgrammeArgs) -> None:
        """Publish an interest-subsidy programme; it pays nothing until funded."""
        if ctx.get(programme_key(args.programme)) is not None:
            raise ProgrammeAlreadyExists(f"programme {args.programme} already exists",
                                         programme=args.programme)
        if args.rule is SubsidyRule.SHARE and not args.share_bp:
            raise InvalidSubsidyRule("a share rule needs share_bp between 1 and 10000",
                                     rule=args.rule.value)
        if args.rule is SubsidyRule.ABOVE_LPR and args.share_bp is not None:
            raise InvalidSubsidyRule("an above_lpr rule takes no share_bp", rule=args.rule.value)
        programme = Programme(
            id=args.programme, name=args.name, borrower_kinds=tuple(args.borrower_kinds),
            products=tuple(args.products), rule=args.rule, share_bp=args.share_bp,
            spread_bp=args.spread_bp, lpr_bp=args.lpr_bp, budget=args.budget,
            treasury=ctx.signer.org, escrow=ctx.escrow(f"subsidy-{args.programme}"),
            published_by=ctx.signer.member_id, published_at=ctx.time,
        )
        ctx.save(programme_key(args.programme), programme)
        ctx.emit("ProgrammePublished", programme=args.programme, rule=args.rule.value,
                 budget=args.budget)

    @action(FundProgrammeArgs, policy=SUBSIDY_OFFICE)
    def fund_programme(self, ctx: Context, args: FundProgrammeArgs) -> None:
        """Move budget money from an account the signer owns into the programme's escrow."""
        programme = self.programme_of(ctx, args.programme)
        if not programme.open:
            raise ProgrammeClosed(f"programme {programme.id} is closed", programme=programme.id)
        if programme.funded + args.amount > programme.budget:
            raise FundingExceedsBudget(
                f"programme {programme.id}: funding {programme.funded} + {args.amount} fen "
                f"exceeds the budget of {programme.budget} fen",
                programme=programme.id, funded=programme.funded, budget=programme.budget,
            )
        source = args.source or ctx.signer.org
        ctx.transfer(source, programme.escrow, args.amount, memo=f"subsidy budget {programme.id}")
        self._save_programme(ctx, programme, funded=programme.funded + args.amount)
        ctx.emit("ProgrammeFunded", programme=programme.id, amount=args.amount, source=source)

    @action(ProgrammeArgs, policy=SUBSIDY_OFFICE)
    def close_programme(self, ctx: Context, args: ProgrammeArgs) -> None:
        """Stop a programme and refund what is left of its escrow to the publisher's treasury."""
        programme = self.programme_of(ctx, args.programme)
        if not programme.open:
            raise ProgrammeClosed(f"programme {programme.id} is closed", programme=programme.id)
        refund = programme.available
        ctx.transfer(programme.escrow, programme.treasury, refund, memo=f"close {programme.id}")
        self._save_programme(ctx, programme, open=False, refunded=programme.refunded + refund)
        ctx.emit("ProgrammeClosed", programme=programme.id, refunded=refund)

    # -- operations for loan contracts -----------------------------------------------------

    def _require_loan_contract(self, ctx: Context, op: str) -> None:
        if ctx.caller not in self.params.loan_contracts:
            raise CallerNotAllowed(f"credit.{op} may only be called by a loan contract "
                                   f"{list(self.params.loan_contracts)}, not {ctx.caller!r}",
                                   caller=ctx.caller)

    @operation(InterestSubsidyRequest, result=SubsidyResult)
    def apply_interest_subsidy(self, ctx: Context, req: InterestSubsidyRequest) -> SubsidyResult:
        """Pay the bank this interest payment's subsidy from a programme's escrow; return it.

        The request always carries the loan's rate and term (``contracts.lending``); one
        for an overdue or defaulted loan is refused (L3). The amount is min(rule's due,
        interest, the county's ceiling ``subsidy_cap_bp`` of the interest, budget left); 0 if
        no programme applies.
        """
        self._require_loan_contract(ctx, "apply_interest_subsidy")
        if req.overdue or req.defaulted or req.days_overdue:
            state = "defaulted" if req.defaulted else "overdue"
            raise SubsidyNotEligible(
                f"loan {req.loan_id} is {state}: only interest paid on time is subsidised",
                loan_id=req.loan_id, state=state,
            )
        kind = self.borrower_kind(ctx, req.borrower)
        for _, raw in ctx.scan("programme/"):
            programme = Programme.model_validate(raw)
            if not (programme.open and kind in programme.borrower_kinds
                    and req.product in programme.products):
                continue
            due = subsidy_due(programme, req.interest, req.rate_bp, self.params.lpr_bp)
            pay = min(due, req.interest * self.params.subsidy_cap_bp // 10_000,
                      programme.available)
            if pay <= 0:
                continue
            ctx.transfer(programme.escrow, req.lender, pay,
                         memo=f"interest subsidy {programme.id} loan {req.loan_id}")
            payment = SubsidyPayment(
                programme=programme.id, loan_id=req.loan_id, borrower=req.borrower,
                lender=req.lender, product=req.product, interest=req.interest,
                rate_bp=req.rate_bp, term_days=req.term_days, subsidy=pay,
                caller=str(ctx.caller), at=ctx.time, tx_id=ctx.tx_id,
            )
            ctx.save(payment_key(programme.id, programme.payments), payment)
            self._save_programme(ctx, programme, paid=programme.paid + pay,
                                 payments=programme.payments + 1)
            ctx.emit("SubsidyPaid", programme=programme.id, loan_id=req.loan_id,
                     lender=req.lender, interest=req.interest, subsidy=pay)
            return SubsidyResult(paid=pay)
        return SubsidyResult(paid=0)

    @operation(RecordDefaultArgs)
    def record_default(self, ctx: Context, args: RecordDefaultArgs) -> None:
        """Record a loan default: downgrade the household and count it against its village.

        Idempotent per (borrower, loan_id): a repeated report changes nothing.
        """
        self._require_loan_contract(ctx, "record_default")
        borrower, loan_id = args.borrower, args.loan_id
        if ctx.get(default_key(borrower, loan_id)) is not None:
            return
        household = self.household_of(ctx, borrower)
        before = household.tier if household is not None else Tier.UNRATED
        after = downgrade(before, self.params.default_downgrade_tiers)
        if household is not None:
            self._adjust_village(ctx, household.village, defaults=1,
                                 good=-int(is_good(household.tier, household.in_default)))
            updated = household.model_copy(
                update={"tier": after, "defaults": household.defaults + 1, "in_default": True}
            )
            ctx.save(household_key(borrower), updated)
        record = DefaultRecord(borrower=borrower, loan_id=loan_id, reported_by=str(ctx.caller),
                               at=ctx.time, tier_before=before, tier_after=after)
        ctx.save(default_key(borrower, loan_id), record)
        ctx.emit("DefaultRecorded", borrower=borrower, loan_id=loan_id,
                 tier_before=before.value, tier_after=after.value)

    # -- views -----------------------------------------------------------------------------

    @view(SubjectQuery)
    def rating(self, ctx: ReadContext, query: SubjectQuery) -> Any:
        household = self.household_of(ctx, query.subject)
        if household is None:
            return {"subject": query.subject, "tier": Tier.UNRATED.value, "rated": False}
        return {**household.to_state(), "rated": True}

    @view(VillageQuery)
    def village(self, ctx: ReadContext, query: VillageQuery) -> Any:
        return self.village_of(ctx, query.village).to_state()

    @view(PricingQuery)
    def pricing(self, ctx: ReadContext, query: PricingQuery) -> Any:
        """What a bank offers the borrower: tier, credit line (fen) and rate (bp)."""
        household = self.household_of(ctx, query.borrower)
        tier = household.tier if household is not None else Tier.UNRATED
        terms = self.params.tiers[tier]
        return {
            "borrower": query.borrower, "tier": tier.value, "credit_line": terms.credit_line,
            "rate_bp": priced_rate(query.base_rate_bp, terms.rate_discount_bp),
        }

    @view(ProgrammeQuery)
    def programme(self, ctx: ReadContext, query: ProgrammeQuery) -> Any:
        programme = self.programme_of(ctx, query.programme)
        return {**programme.to_state(), "available": programme.available}

    @view(NoQuery)
    def programmes(self, ctx: ReadContext, query: NoQuery) -> Any:
        return [Programme.model_validate(raw).to_state() for _, raw in ctx.scan("programme/")]
