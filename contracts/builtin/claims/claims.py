"""Disaster declarations and the indemnity claim: report, survey, assessment, verification,
publicity, objection, agreement, decline.

Claim lifecycle (docs/domain.md 3.2)::

    REPORTED -survey-> SURVEYED -assess_household-> ASSESSED -verify-> VERIFIED
      -publicise-> PUBLICISED -(objection during publicity)-> ASSESSED (reassess)
    REPORTED/SURVEYED -decline-> DECLINED

Per household (assessed to household, paid to household): ASSESSED -> AGREED
(the insured signs once publicity is over) -> PAID (payments.py). A household's
objection reopens the claim for reassessment: verification and publicity start
again. The survey is due ``survey_deadline_hours`` after the report; a late
survey records the breach itself (payments.record_breach covers a survey that
never comes).

A loss is covered only from activation and inside the policy period (C11), and
only if reported within ``limitation_years`` of the loss date (C14, Insurance Law
Art. 26). One event pays once (C13): the event is the government's disaster
declaration covering the loss (named by the report or found by peril, region and
window), else the peril and the loss date in the policy's time zone
(``time_zone``), so reports of one typhoon either side of UTC midnight are one
event; a declared event also absorbs the undeclared claims of its peril on days
inside its window. Evidence is unique (C16): a hash backs one claim, and once an
assessment uses it, one household of it (``evidence/<hash>``). Where a household's
plot is lawfully covered twice (C12), the assessed amount is the C1 amount times
this cover's sum insured over all covers' sums insured in force at the loss date
(Insurance Law Art. 56), so together they never pay more than the loss.

Each household's assessment is its own record (``household/<claim>~<insured>``,
records.py): assessing, objecting and signing touch that record and at most the
fixed-size claim head, which counts the open objections verification must wait for.
"""

from __future__ import annotations

from contracts.builtin.claims.clock import before, later, local_date, meet, within, years_later
from contracts.builtin.claims.deadlines import note_late_survey
from contracts.builtin.claims.errors import (
    AlreadyAgreed,
    AlreadyExists,
    ClaimNotFound,
    ClaimNotInState,
    DeclarationMismatch,
    DeclarationNotFound,
    DeclarationOverlaps,
    DuplicateClaim,
    EvidenceReused,
    HouseholdNotInsured,
    InvalidAssessment,
    LimitationExpired,
    ObjectionWindowClosed,
    OutsideCoverPeriod,
    PerilNotCovered,
    PolicyNotInState,
    PublicityNotOver,
)
from contracts.builtin.claims.models import (
    AssessArgs,
    ClaimArgs,
    ClaimsParams,
    DeclareArgs,
    DeclineArgs,
    HouseholdArgs,
    ObjectArgs,
    ReportArgs,
    SurveyArgs,
)
from contracts.builtin.claims.payout import household_payout
from contracts.builtin.claims.policies import load_cover, load_policy, overlapping, require_state
from contracts.builtin.claims.records import (
    ACTIVATED,
    Assessment,
    BaseClaim,
    Claim,
    ClaimHead,
    ClaimKind,
    ClaimState,
    Cover,
    Declaration,
    EvidenceUse,
    HouseholdState,
    PolicyHead,
    PolicyKind,
    PolicyState,
    events_prefix,
    evidence_key,
    household_key,
    households_prefix,
    scan_children,
    with_households,
)
from contracts.context import Context, ReadContext


def claim_key(claim_id: str) -> str:
    return f"claim/{claim_id}"


def load_claim(ctx: ReadContext, claim_id: str) -> ClaimHead:
    return ctx.require(ClaimHead, claim_key(claim_id), ClaimNotFound, claim_id)


def load_household(ctx: ReadContext, claim_id: str, insured: str) -> Assessment | None:
    return ctx.load(Assessment, household_key(claim_id, insured))


def households_of(ctx: ReadContext, claim_id: str) -> dict[str, Assessment]:
    """Every household of the claim by insured (reads one key per household)."""
    return scan_children(ctx, Assessment, households_prefix(claim_id))


def load_full_claim(ctx: ReadContext, claim_id: str) -> Claim:
    """The claim with every household, for views."""
    return with_households(load_claim(ctx, claim_id), households_of(ctx, claim_id))


def save_household(ctx: Context, claim_id: str, insured: str, household: Assessment) -> None:
    ctx.save(household_key(claim_id, insured), household)


def require_claim_state(claim: BaseClaim, *states: ClaimState) -> None:
    if claim.state not in states:
        raise ClaimNotInState(
            f"claim {claim.id} is {claim.state.value}, needs {'/'.join(s.value for s in states)}",
            claim_id=claim.id, state=claim.state.value,
        )


def declare_disaster(ctx: Context, params: ClaimsParams, args: DeclareArgs) -> None:
    """Government declares a disaster: peril, region, time window and severity (1..4)."""
    key = f"declaration/{args.declaration_id}"
    if ctx.get(key) is not None:
        raise AlreadyExists(f"declaration {args.declaration_id} exists")
    if before(args.window_end, args.window_start):
        raise DeclarationMismatch("declaration window must not end before it starts")
    if other := _overlapping_declaration(ctx, args):
        raise DeclarationOverlaps(
            f"declaration {other.id} already declares {other.peril} in {other.region} from "
            f"{other.window_start} to {other.window_end}; a disaster is declared once, so "
            f"that each loss in it is one event (C13)",
            field="window_start", declaration_id=other.id,
        )
    ctx.save(key, Declaration(
        id=args.declaration_id, peril=args.peril, region=args.region,
        window_start=args.window_start, window_end=args.window_end, severity=args.severity,
        declared_by=ctx.signer.member_id, declared_at=ctx.time,
    ))
    ctx.emit("DisasterDeclared", declaration_id=args.declaration_id, peril=args.peril,
             region=args.region, severity=args.severity)


def _overlapping_declaration(ctx: ReadContext, args: DeclareArgs) -> Declaration | None:
    """A declaration of the same peril and region whose window meets this one's: were
    both allowed, one loss would fit two events and could be claimed under each."""
    for _, raw in ctx.scan("declaration/"):
        if raw["peril"] == args.peril and raw["region"] == args.region and meet(
                args.window_start, args.window_end, raw["window_start"], raw["window_end"]):
            return Declaration.model_validate(raw)
    return None


def _declaration(ctx: ReadContext, policy: PolicyHead, args: ReportArgs) -> Declaration | None:
    """The declaration the loss belongs to: the one named (it must fit), else any that fits."""
    if args.declaration_id is not None:
        decl = ctx.require(Declaration, f"declaration/{args.declaration_id}",
                           DeclarationNotFound, args.declaration_id)
        if not _fits(decl, policy, args):
            raise DeclarationMismatch(
                f"declaration {decl.id} ({decl.peril} in {decl.region}) does not cover this loss",
                declaration_id=decl.id,
            )
        return decl
    for _, raw in ctx.scan("declaration/"):
        if _fits(decl := Declaration.model_validate(raw), policy, args):
            return decl
    return None


def _fits(decl: Declaration, policy: PolicyHead, args: ReportArgs) -> bool:
    return decl.peril == args.peril and decl.region == policy.region and within(
        args.occurred_at, decl.window_start, decl.window_end)


def event_key(policy_id: str, event: str) -> str:
    return events_prefix(policy_id) + event


def _claim_event(ctx: ReadContext, params: ClaimsParams, policy: PolicyHead,
                 args: ReportArgs) -> tuple[str, dict[str, str]]:
    """C13: the event key of this loss and its record; DuplicateClaim if already claimed."""
    decl = _declaration(ctx, policy, args)
    day = local_date(args.occurred_at, params.time_zone)
    if decl is None:
        key = event_key(policy.id, f"{args.peril}:{day}")
        taken = [ctx.get(key)]
    else:
        key = event_key(policy.id, f"decl:{decl.id}")
        first = local_date(decl.window_start, params.time_zone)
        last = local_date(decl.window_end, params.time_zone)
        taken = [ctx.get(key), *(
            entry for _, entry in ctx.scan(event_key(policy.id, f"{args.peril}:"))
            if first <= str(entry["day"]) <= last
        )]
    for entry in taken:
        if entry is not None:
            raise DuplicateClaim(
                f"this event on {policy.id} is already claimed as {entry['claim_id']}",
                claim_id=entry["claim_id"], policy_id=policy.id,
            )
    return key, {"claim_id": args.claim_id, "day": day,
                 "declaration_id": decl.id if decl else ""}


def _check_cover(ctx: Context, params: ClaimsParams, policy: PolicyHead,
                 args: ReportArgs) -> None:
    """C11 (cover from activation, within the period) and C14 (limitation)."""
    cover_from = policy.cover_from
    assert cover_from is not None
    if not within(args.occurred_at, cover_from, policy.period_end) or before(
        ctx.time, args.occurred_at
    ):
        raise OutsideCoverPeriod(
            f"loss at {args.occurred_at} is outside the cover from {cover_from} "
            f"to {policy.period_end}",
            field="occurred_at", occurred_at=args.occurred_at, cover_from=cover_from,
            cover_to=policy.period_end,
        )
    limit = years_later(args.occurred_at, params.limitation_years, params.time_zone)
    if before(limit, ctx.time):
        raise LimitationExpired(
            f"loss at {args.occurred_at} had to be reported by {limit} "
            f"({params.limitation_years} years)",
            field="occurred_at", occurred_at=args.occurred_at, deadline=limit,
        )


def report_loss(ctx: Context, params: ClaimsParams, args: ReportArgs) -> None:
    """The cooperative or an insured household reports a loss on a policy in cover (REPORTED)."""
    if ctx.get(claim_key(args.claim_id)) is not None:
        raise AlreadyExists(f"claim {args.claim_id} exists", claim_id=args.claim_id)
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.ACTIVE, PolicyState.EXPIRED)
    if policy.kind is PolicyKind.INDEX:
        raise PolicyNotInState(f"index policy {policy.id} pays on station readings, not reports")
    if args.peril not in policy.perils:
        raise PerilNotCovered(f"policy {policy.id} does not cover {args.peril}", peril=args.peril)
    _check_cover(ctx, params, policy, args)
    event, entry = _claim_event(ctx, params, policy, args)
    ctx.put(event, entry)
    claim = ClaimHead(
        id=args.claim_id, kind=ClaimKind.INDEMNITY, policy_id=policy.id, peril=args.peril,
        occurred_at=args.occurred_at, declaration_id=entry["declaration_id"] or None,
        reported_at=ctx.time, reported_by=ctx.signer.member_id, state=ClaimState.REPORTED,
        survey_due=later(ctx.time, hours=params.survey_deadline_hours),
    )
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("LossReported", claim_id=claim.id, policy_id=policy.id, peril=args.peril,
             survey_due=claim.survey_due)


def use_evidence(ctx: Context, digests: list[str], claim_id: str, insured: str | None) -> None:
    """C16: bind each hash to this claim (and, on assessment, this household) or refuse."""
    for digest in dict.fromkeys(digests):
        use = ctx.load(EvidenceUse, evidence_key(digest))
        if use is None or (use.claim_id == claim_id and use.insured is None):
            ctx.save(evidence_key(digest), EvidenceUse(claim_id=claim_id, insured=insured))
        elif use.claim_id != claim_id or insured not in (None, use.insured):
            owner = use.claim_id if use.insured is None else f"{use.claim_id}/{use.insured}"
            raise EvidenceReused(
                f"evidence {digest[:12]}... already supports {owner}",
                field="evidence", evidence=digest, claim_id=use.claim_id, insured=use.insured,
            )


def other_cover(ctx: ReadContext, policy: PolicyHead, cover: Cover, insured: str,
                occurred_at: str) -> int:
    """C12: the sums insured of the household's other covers of this plot in force at the
    loss date (only a declared double insurance lets one exist)."""
    total = 0
    for entry in overlapping(ctx, insured, policy.crop, cover.plot, occurred_at, occurred_at):
        if entry.policy_id == policy.id:
            continue
        other = load_policy(ctx, entry.policy_id)
        if other.state in ACTIVATED and other.cover_from is not None and not before(
            occurred_at, other.cover_from
        ):
            total += entry.sum_insured
    return total


def survey(ctx: Context, params: ClaimsParams, args: SurveyArgs) -> None:
    """The insurer's adjuster surveys the site (SURVEYED); late surveys record the breach."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.REPORTED)
    claim.state = ClaimState.SURVEYED
    claim.surveyed_at = ctx.time
    claim.survey_evidence = list(args.evidence)
    use_evidence(ctx, claim.survey_evidence, claim.id, None)
    note_late_survey(ctx, claim)
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("ClaimSurveyed", claim_id=claim.id)


def assess_household(ctx: Context, params: ClaimsParams, args: AssessArgs) -> None:
    """The adjuster assesses one household's loss ratio and damaged area (C1 amount, C2 cap)."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.SURVEYED, ClaimState.ASSESSED)
    policy = load_policy(ctx, claim.policy_id)
    cover = load_cover(ctx, policy.id, args.insured)
    if args.stage not in policy.stage_caps:
        raise InvalidAssessment(f"policy {policy.id} has no growth stage {args.stage!r}")
    if args.damaged_area > cover.planted_area:
        raise InvalidAssessment(
            f"damaged area {args.damaged_area} exceeds planted area {cover.planted_area}",
        )
    previous = load_household(ctx, claim.id, args.insured)
    advanced = previous.advanced if previous else 0
    formula = household_payout(
        stage_cap_bp=policy.stage_caps[args.stage],
        sum_insured_per_mu=policy.sum_insured_per_mu, loss_bp=args.loss_bp,
        damaged_area=args.damaged_area, insured_area=cover.insured_area,
        planted_area=cover.planted_area, threshold_bp=params.loss_threshold_bp,
        full_bp=params.full_loss_bp,
    )
    own = cover.sum_insured(policy.sum_insured_per_mu)
    others = other_cover(ctx, policy, cover, args.insured, claim.occurred_at)
    share = formula * own // (own + others) if others else formula
    remaining = own - (cover.paid - advanced)
    amount = min(share, remaining)
    if amount < advanced:
        raise InvalidAssessment(
            f"{args.insured} was advanced {advanced} fen, more than the new amount {amount}",
        )
    use_evidence(ctx, list(args.evidence), claim.id, args.insured)
    save_household(ctx, claim.id, args.insured, Assessment(
        state=HouseholdState.ASSESSED, loss_bp=args.loss_bp, damaged_area=args.damaged_area,
        stage=args.stage, evidence=list(args.evidence), formula=formula, amount=amount,
        other_sum_insured=others,
        advanced=advanced, paid=advanced, payments=previous.payments if previous else [],
    ))
    reassessed = previous is not None and previous.state is HouseholdState.OBJECTED
    if claim.state is not ClaimState.ASSESSED or reassessed:  # else the head is unchanged
        if reassessed:
            claim.objected -= 1
        claim.state = ClaimState.ASSESSED
        ctx.save(claim_key(claim.id), claim)
    ctx.emit("HouseholdAssessed", claim_id=claim.id, insured=args.insured, amount=amount)


def verify(ctx: Context, params: ClaimsParams, args: ClaimArgs) -> None:
    """Government agriculture and the cooperative co-sign the assessment (VERIFIED)."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.ASSESSED)
    if claim.objected:  # only a refusal reads every household, to name the objectors
        objected = [h for h, a in households_of(ctx, claim.id).items()
                    if a.state is HouseholdState.OBJECTED]
        raise InvalidAssessment(f"reassess {', '.join(objected)} before verifying",
                                households=objected)
    claim.state = ClaimState.VERIFIED
    claim.verified_at = ctx.time
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("ClaimVerified", claim_id=claim.id)


def publicise(ctx: Context, params: ClaimsParams, args: ClaimArgs) -> None:
    """Post the per-household loss list for the publicity period (PUBLICISED)."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.VERIFIED)
    claim.state = ClaimState.PUBLICISED
    claim.publicity_ends = later(ctx.time, days=params.claim_publicity_days)
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("ClaimPublicised", claim_id=claim.id, publicity_ends=claim.publicity_ends)


def object_to_claim(ctx: Context, params: ClaimsParams, args: ObjectArgs) -> None:
    """An insured household objects during publicity: the claim goes back to assessment."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.PUBLICISED)
    assert claim.publicity_ends is not None
    if not before(ctx.time, claim.publicity_ends):
        raise ObjectionWindowClosed(f"publicity of {claim.id} ended {claim.publicity_ends}")
    load_cover(ctx, claim.policy_id, args.insured)  # HouseholdNotInsured if not on the policy
    previous = load_household(ctx, claim.id, args.insured)
    if previous is None or previous.state is not HouseholdState.OBJECTED:
        claim.objected += 1
    current = previous or Assessment(state=HouseholdState.OBJECTED, formula=0, amount=0)
    current.state = HouseholdState.OBJECTED
    current.objection = args.reason
    save_household(ctx, claim.id, args.insured, current)
    claim.state = ClaimState.ASSESSED
    claim.verified_at = claim.publicity_ends = None
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("ClaimObjected", claim_id=claim.id, insured=args.insured, reason=args.reason)


def sign_agreement(ctx: Context, params: ClaimsParams, args: HouseholdArgs) -> None:
    """The insured signs the indemnity agreement once publicity is over (AGREED)."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.PUBLICISED)
    assert claim.publicity_ends is not None
    if before(ctx.time, claim.publicity_ends):
        raise PublicityNotOver(f"claim {claim.id} is posted until {claim.publicity_ends}")
    household = load_household(ctx, claim.id, args.insured)
    if household is None:
        raise HouseholdNotInsured(args.insured)
    if household.state is not HouseholdState.ASSESSED:
        raise AlreadyAgreed(f"{args.insured} is already {household.state.value} on {claim.id}")
    household.state = HouseholdState.AGREED
    household.agreed_at = ctx.time
    household.pay_due = later(ctx.time, days=params.pay_deadline_days)
    save_household(ctx, claim.id, args.insured, household)
    ctx.emit("AgreementSigned", claim_id=claim.id, insured=args.insured, amount=household.amount,
             pay_due=household.pay_due)


def decline(ctx: Context, params: ClaimsParams, args: DeclineArgs) -> None:
    """The insurer declines a claim before assessment, with a reason (DECLINED)."""
    claim = load_claim(ctx, args.claim_id)
    require_claim_state(claim, ClaimState.REPORTED, ClaimState.SURVEYED)
    claim.state = ClaimState.DECLINED
    claim.decline_reason = args.reason
    note_late_survey(ctx, claim)
    ctx.save(claim_key(claim.id), claim)
    ctx.emit("ClaimDeclined", claim_id=claim.id, reason=args.reason)


