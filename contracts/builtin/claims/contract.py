"""ClaimsContract: disaster-loss agricultural insurance (docs/domain.md 3).

Group policies with government premium-subsidy shares, disaster declarations,
weather-index triggers, per-household assessment with evidence hashes, co-signed
verification, claim publicity and objections, agreements, payout within the
deadline (loss payee first), and the consortium's government loss sharing.

The class only wires actions to handlers (policies, lifecycle, programmes,
claims, payments, index, deadlines, books), names who may call each one, and
declares C1..C9 and C11..C17 (checks.py) plus C10, the consistency of the
per-household state layout (records.py). Units: money in fen, areas in centi-mu
(1/100 mu), ratios in basis points; every amount is floored once (see payout.py for
the rounding rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.base import Contract, action, invariant, view
from contracts.builtin.claims import (
    books,
    checks,
    claims,
    deadlines,
    index,
    lifecycle,
    payments,
    policies,
    programmes,
)
from contracts.builtin.claims.claims import load_claim, load_full_claim
from contracts.builtin.claims.models import (
    AdvanceArgs,
    AssessArgs,
    BookArgs,
    BookQuery,
    BreachArgs,
    ClaimArgs,
    ClaimQuery,
    ClaimsParams,
    DeclareArgs,
    DeclineArgs,
    EnrolArgs,
    HouseholdArgs,
    NoQuery,
    ObjectArgs,
    PolicyArgs,
    PolicyQuery,
    PremiumShareArgs,
    ProgrammeQuery,
    PublishProgrammeArgs,
    PurgePersonalArgs,
    ReadingArgs,
    ReportArgs,
    SurveyArgs,
)
from contracts.builtin.claims.parties import ClaimParties
from contracts.builtin.claims.policies import (
    load_full_policy,
    load_policy,
)
from contracts.builtin.claims.readers import READERS
from contracts.builtin.claims.records import Breach, ClaimHead, cover_key, scan
from contracts.context import Context, ReadContext
from contracts.policy import AllOf, AnyOf, Party, Role


def _insured_signers(ctx: Context, policy_id: str) -> list[str]:
    """Which of the tx's signers (as member or as org) hold a cover on the policy.

    A party matches when some signer is one of its ids, so the reporters need list only
    the insureds that sign this tx: one cover read per signer, not one per household.
    """
    ids = dict.fromkeys(i for s in ctx.signers for i in (s.member_id, s.org))
    return [i for i in ids if ctx.get(cover_key(policy_id, i)) is not None]


def _policy_parties(_self: Any, ctx: Context, args: Any) -> Mapping[str, Any]:
    policy = load_policy(ctx, args.policy_id)
    return {"insurer": policy.insurer, "coop": policy.coop,
            "reporters": [policy.coop, *_insured_signers(ctx, policy.id)]}


def _claim_parties(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    claim = load_claim(ctx, args.claim_id)
    policy = load_policy(ctx, claim.policy_id)
    return {"insurer": policy.insurer, "coop": policy.coop,
            "insured": getattr(args, "insured", None)}


def _loss_sharer(_self: Any, ctx: ReadContext, args: Any) -> Mapping[str, Any]:
    return {"government": programmes.load_programme(ctx, args.programme).treasury}


UNDERWRITER = Party("insurer", roles=("underwriter",))
ADJUSTER = Party("insurer", roles=("adjuster",))
CLAIMS_MANAGER = Party("insurer", roles=("claims_manager",))
COOP_MANAGER = Party("coop", roles=("manager",))
AGRICULTURE = Role("government", "agriculture")
FINANCE = Role("government", "finance")


class ClaimsContract(ClaimParties, Contract):
    name = "claims"
    version = "1"
    readers = READERS
    description = "Disaster-loss agricultural insurance: group policies, claims, index triggers."
    Params = ClaimsParams

    @property
    def p(self) -> ClaimsParams:
        params: ClaimsParams = self.params
        return params

    # -- policies ------------------------------------------------------------------------

    @action(EnrolArgs, policy=Role("cooperative", "manager"))
    def enrol(self, ctx: Context, args: EnrolArgs) -> None:
        """A cooperative enrols its households' insured list."""
        policies.enrol(ctx, self.p, args)

    @action(PolicyArgs, policy=UNDERWRITER, parties=_policy_parties)
    def underwrite(self, ctx: Context, args: PolicyArgs) -> None:
        """The insurer underwrites and posts the insured list."""
        policies.underwrite(ctx, self.p, args)

    @action(PolicyArgs, policy=AnyOf((UNDERWRITER, COOP_MANAGER)), parties=_policy_parties)
    def publicise_underwriting(self, ctx: Context, args: PolicyArgs) -> None:
        """Close the posting period of the insured list."""
        policies.publicise_underwriting(ctx, self.p, args)

    @action(PublishProgrammeArgs, policy=FINANCE)
    def publish_programme(self, ctx: Context, args: PublishProgrammeArgs) -> None:
        """Government finance publishes a level's budget for premium or loss shares (C17)."""
        programmes.publish(ctx, self.p, args)

    @action(PremiumShareArgs, policy=AnyOf((FINANCE, Role("cooperative", "manager"))))
    def pay_premium_share(self, ctx: Context, args: PremiumShareArgs) -> None:
        """A government level (from its budget programme) or the cooperative pays its share."""
        policies.pay_premium_share(ctx, self.p, args)

    @action(PolicyArgs, policy=Role("*", "*"))
    def expire_policy(self, ctx: Context, args: PolicyArgs) -> None:
        """Anyone records that an active policy's period has ended (C15)."""
        lifecycle.expire(ctx, self.p, args)

    @action(PolicyArgs, policy=AnyOf((UNDERWRITER, CLAIMS_MANAGER)), parties=_policy_parties)
    def close_policy(self, ctx: Context, args: PolicyArgs) -> None:
        """The insurer closes an expired policy with no claim open (C15)."""
        lifecycle.close(ctx, self.p, args)

    @action(PurgePersonalArgs, policy=COOP_MANAGER, parties=_policy_parties)
    def purge_personal(self, ctx: Context, args: PurgePersonalArgs) -> None:
        """The cooperative purges a household's personal data after the retention period
        (the hashes stay; every peer deletes the plaintext from its private store)."""
        policies.purge_personal(ctx, self.p, args)

    @action(PolicyArgs, policy=AllOf((UNDERWRITER, COOP_MANAGER)), parties=_policy_parties)
    def cancel_policy(self, ctx: Context, args: PolicyArgs) -> None:
        """Insurer and cooperative cancel a policy; each premium payer is refunded (C15)."""
        lifecycle.cancel(ctx, self.p, args)

    # -- claims --------------------------------------------------------------------------

    @action(DeclareArgs, policy=AGRICULTURE)
    def declare_disaster(self, ctx: Context, args: DeclareArgs) -> None:
        """Government declares a disaster (peril, region, window, severity)."""
        claims.declare_disaster(ctx, self.p, args)

    @action(ReportArgs, policy=Party("reporters"), parties=_policy_parties)
    def report_loss(self, ctx: Context, args: ReportArgs) -> None:
        """The cooperative or an insured household reports a loss."""
        claims.report_loss(ctx, self.p, args)

    @action(SurveyArgs, policy=ADJUSTER, parties=_claim_parties)
    def survey(self, ctx: Context, args: SurveyArgs) -> None:
        """The insurer's adjuster surveys the loss (due 24 h after the report)."""
        claims.survey(ctx, self.p, args)

    @action(AssessArgs, policy=ADJUSTER, parties=_claim_parties)
    def assess_household(self, ctx: Context, args: AssessArgs) -> None:
        """The adjuster assesses one household with evidence hashes."""
        claims.assess_household(ctx, self.p, args)

    @action(ClaimArgs, policy=AllOf((AGRICULTURE, COOP_MANAGER)), parties=_claim_parties)
    def verify(self, ctx: Context, args: ClaimArgs) -> None:
        """Government agriculture and the cooperative co-sign the assessment."""
        claims.verify(ctx, self.p, args)

    @action(ClaimArgs, policy=CLAIMS_MANAGER, parties=_claim_parties)
    def publicise_claim(self, ctx: Context, args: ClaimArgs) -> None:
        """Post the per-household loss list for the publicity period."""
        claims.publicise(ctx, self.p, args)

    @action(ObjectArgs, policy=Party("insured"), parties=_claim_parties)
    def object(self, ctx: Context, args: ObjectArgs) -> None:
        """An insured household objects during publicity."""
        claims.object_to_claim(ctx, self.p, args)

    @action(HouseholdArgs, policy=Party("insured"), parties=_claim_parties)
    def sign_agreement(self, ctx: Context, args: HouseholdArgs) -> None:
        """The insured signs the indemnity agreement after publicity."""
        claims.sign_agreement(ctx, self.p, args)

    @action(DeclineArgs, policy=CLAIMS_MANAGER, parties=_claim_parties)
    def decline(self, ctx: Context, args: DeclineArgs) -> None:
        """The insurer declines a claim with a reason."""
        claims.decline(ctx, self.p, args)

    @action(AdvanceArgs, policy=CLAIMS_MANAGER, parties=_claim_parties)
    def advance_pay(self, ctx: Context, args: AdvanceArgs) -> None:
        """Advance part of a clear, large, assessed loss."""
        payments.advance_pay(ctx, self.p, args)

    @action(HouseholdArgs, policy=CLAIMS_MANAGER, parties=_claim_parties)
    def pay(self, ctx: Context, args: HouseholdArgs) -> None:
        """The insurer pays a household (loss payee first)."""
        payments.pay(ctx, self.p, args)

    @action(BreachArgs, policy=Role("*", "*"))
    def record_breach(self, ctx: Context, args: BreachArgs) -> None:
        """Anyone records a missed survey or payment deadline."""
        deadlines.record_breach(ctx, self.p, args)

    @action(ReadingArgs, policy=Role("government", "meteorology"))
    def attest_reading(self, ctx: Context, args: ReadingArgs) -> None:
        """Meteorology attests a station reading; matching index policies trigger."""
        index.attest_reading(ctx, self.p, args)

    @action(BookArgs, policy=Party("government", roles=("finance",)), parties=_loss_sharer)
    def settle_government_share(self, ctx: Context, args: BookArgs) -> None:
        """The government pays its layered share of the book's losses to the insurer."""
        books.settle_government_share(ctx, self.p, args)

    # -- views ---------------------------------------------------------------------------

    @view(PolicyQuery)
    def policy(self, ctx: ReadContext, query: PolicyQuery) -> Any:
        """The policy with its covers by insured."""
        return load_full_policy(ctx, query.policy_id).to_state()

    @view(ClaimQuery)
    def claim(self, ctx: ReadContext, query: ClaimQuery) -> Any:
        """The claim with its households' assessments by insured."""
        return load_full_claim(ctx, query.claim_id).to_state()

    @view(ProgrammeQuery)
    def programme(self, ctx: ReadContext, query: ProgrammeQuery) -> Any:
        """A budget programme: level, purpose, fiscal year, budget and spent (C17)."""
        return programmes.load_programme(ctx, query.programme).to_state()

    @view(NoQuery)
    def breaches(self, ctx: ReadContext, query: NoQuery) -> Any:
        """Every recorded deadline breach."""
        return [b.to_state() for b in scan(ctx, Breach, "breach/")]

    @view(NoQuery)
    def overdue(self, ctx: ReadContext, query: NoQuery) -> Any:
        """Deadlines passed at the current time whose breach is not yet recorded."""
        out = []
        for claim in scan(ctx, ClaimHead, "claim/"):
            for kind, insured, due in deadlines.overdue(ctx, claim):
                out.append({"claim_id": claim.id, "kind": kind.value, "insured": insured,
                            "due": due})
        return out

    @view(BookQuery)
    def loss_sharing(self, ctx: ReadContext, query: BookQuery) -> Any:
        """The book's premium, payouts and their government/consortium split (C9)."""
        book = books.load_book(ctx, query.book)
        split = books.split_of(self.p, book)
        return {"book": book.id, "insurer": book.insurer, "premium": book.premium,
                "paid": book.paid, **split.as_dict(),
                "government_settled": book.government_settled,
                "government_outstanding": split.government - book.government_settled}

    # -- invariants ----------------------------------------------------------------------

    @invariant("C1", "payout = stage cap x sum insured/mu x f(loss) x damaged area (pro rata)")
    def c1(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c1_payout_formula(ctx, self.p)

    @invariant("C2", "payouts never exceed sum insured; a household is paid once per claim")
    def c2(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c2_sum_insured(ctx, self.p)

    @invariant("C3", "no final payout before publicity ends and the insured signs")
    def c3(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c3_publicity_before_payout(ctx, self.p)

    @invariant("C4", "late surveys and payments are recorded as breaches")
    def c4(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c4_deadlines_recorded(ctx, self.p)

    @invariant("C5", "payouts are paid in full per household, never netted")
    def c5(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c5_no_netting(ctx, self.p)

    @invariant("C6", "premium shares: central fixed, province minimum, farmer remainder")
    def c6(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c6_premium_shares(ctx, self.p)

    @invariant("C7", "loss payee receives min(payment, outstanding debt)")
    def c7(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c7_loss_payee_first(ctx, self.p)

    @invariant("C8", "index claims follow only the policy's station and terms")
    def c8(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c8_index_station_only(ctx, self.p)

    @invariant("C9", "government loss share follows the layer table")
    def c9(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c9_loss_sharing(ctx, self.p)

    @invariant("C10", "each household record belongs to its policy or claim; counts agree")
    def c10(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c10_layout(ctx, self.p)

    @invariant("C11", "claims are for losses after cover attached and inside the period")
    def c11(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c11_cover_in_time(ctx, self.p)

    @invariant("C12", "one cover per plot and crop; double insurance pays proportionally")
    def c12(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c12_one_cover(ctx, self.p)

    @invariant("C13", "one event (declaration, or peril and local day) pays once per policy")
    def c13(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c13_one_event(ctx, self.p)

    @invariant("C14", "no claim reported after the limitation period")
    def c14(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c14_limitation(ctx, self.p)

    @invariant("C15", "expired, closed and cancelled policies: dates, open claims, refunds")
    def c15(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c15_lifecycle(ctx, self.p)

    @invariant("C16", "an evidence hash backs one claim and one household")
    def c16(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c16_unique_evidence(ctx, self.p)

    @invariant("C17", "government shares come from their level's programmes, within budget")
    def c17(self, ctx: ReadContext) -> Iterable[str]:
        return checks.c17_budgets(ctx, self.p)
