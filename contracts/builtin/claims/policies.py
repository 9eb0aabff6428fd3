"""Group policies: enrolment by a cooperative, underwriting, publicity, premium shares.

Lifecycle (docs/domain.md 3.2): APPLIED -> UNDERWRITTEN -> PUBLICISED -> ACTIVE.
The cooperative's manager enrols the insured list as the households' agent
(village 协保员 practice); each household signs its own claim agreement later.
The insured list is posted on underwriting and premium is collected only once
the posting period has elapsed and the list is publicised.

Premium shares (C6): central = ``central_share_bp`` (35 % for planting in the
east), province >= ``province_min_share_bp``, county as enrolled, farmers the
remainder. Government shares are floored to the fen and the farmers' share takes
the remainder so the four add up to the premium exactly. Each government share is
paid from a budget programme of that level for the fiscal year (C17,
programmes.py); the farmers' share by the cooperative (which collects it from its
households). Every share lands in the insurer's account; the policy is ACTIVE only
when all four are in, and cover attaches from then (C11).

One plot, one cover (C12): enrolment indexes each cover by household and crop
(``insured/<insured>~<crop>~<policy>``) and refuses a cover whose plot (or the
whole household's crop, when no plot is named) is already covered for an
overlapping period, unless the policyholder declares double insurance with another
insurer (Insurance Law Art. 56); then each cover pays its proportion (claims.py).
"""

from __future__ import annotations

from contracts.builtin.claims import books, programmes
from contracts.builtin.claims.clock import before, later, meet
from contracts.builtin.claims.errors import (
    AlreadyExists,
    DoubleCover,
    HouseholdNotInsured,
    InsuredNotInCoop,
    InvalidPolicyTerms,
    InvalidPremiumShares,
    NothingToPurge,
    OverInsured,
    PolicyNotFound,
    PolicyNotInState,
    PremiumShareAlreadyPaid,
    ProgrammeMismatch,
    ProgrammeRequired,
    PublicityNotOver,
    RetentionNotOver,
    WrongPremiumPayer,
)
from contracts.builtin.claims.models import (
    ClaimsParams,
    EnrolArgs,
    PolicyArgs,
    PremiumShareArgs,
    PurgePersonalArgs,
)
from contracts.builtin.claims.payout import BP, premium, split_premium
from contracts.builtin.claims.records import (
    Cover,
    CoverIndex,
    IndexTerms,
    LossPayee,
    Personal,
    Policy,
    PolicyHead,
    PolicyKind,
    PolicyState,
    ShareLevel,
    cover_index_key,
    cover_index_prefix,
    cover_key,
    covers_prefix,
    scan_children,
    with_covers,
)
from contracts.context import Context, ReadContext


def policy_key(policy_id: str) -> str:
    return f"policy/{policy_id}"


def load_policy(ctx: ReadContext, policy_id: str) -> PolicyHead:
    return ctx.require(PolicyHead, policy_key(policy_id), PolicyNotFound, policy_id)


def load_cover(ctx: ReadContext, policy_id: str, insured: str) -> Cover:
    """The cover of ``insured`` on the policy, or HouseholdNotInsured."""
    return ctx.require(Cover, cover_key(policy_id, insured), HouseholdNotInsured, insured)


def covers_of(ctx: ReadContext, policy_id: str) -> dict[str, Cover]:
    """Every cover of the policy by insured (reads one key per household)."""
    return scan_children(ctx, Cover, covers_prefix(policy_id))


def load_full_policy(ctx: ReadContext, policy_id: str) -> Policy:
    """The policy with every cover, for views."""
    return with_covers(load_policy(ctx, policy_id), covers_of(ctx, policy_id))


def require_state(policy: PolicyHead, *states: PolicyState) -> None:
    if policy.state not in states:
        raise PolicyNotInState(
            f"policy {policy.id} is {policy.state.value}, "
            f"needs {'/'.join(s.value for s in states)}",
            policy_id=policy.id, state=policy.state.value,
        )


def _covers(args: EnrolArgs) -> dict[str, Cover]:
    covers: dict[str, Cover] = {}
    for c in args.covers:
        if c.insured in covers:
            raise InvalidPolicyTerms(f"{c.insured} is listed twice", insured=c.insured)
        if c.insured_area > c.planted_area:
            raise OverInsured(
                f"{c.insured}: insured area {c.insured_area} exceeds planted area {c.planted_area}",
                insured=c.insured,
            )
        payee = c.loss_payee and LossPayee(kind=c.loss_payee.kind, ref=c.loss_payee.ref)
        personal = c.personal and Personal.model_validate(c.personal.model_dump())
        covers[c.insured] = Cover(
            insured=c.insured, insured_area=c.insured_area, planted_area=c.planted_area,
            plot=c.plot, loss_payee=payee, personal=personal,
        )
    return covers


def _refuse_foreign_insureds(coop: str, covers: dict[str, Cover]) -> None:
    """A cooperative enrols its own households (member ids ``<coop>.<name>``) or itself,
    never another organisation's: it would hold their policy and speak for their claims."""
    for insured in covers:
        if insured != coop and not insured.startswith(f"{coop}."):
            raise InsuredNotInCoop(
                f"{insured} is not a member of {coop}, which enrols only its own households",
                field="covers", insured=insured, coop=coop,
            )


def same_plot(a: str | None, b: str | None) -> bool:
    """A cover naming no plot covers the household's whole crop, so it meets every plot."""
    return a is None or b is None or a == b


def overlapping(ctx: ReadContext, insured: str, crop: str, plot: str | None, start: str,
                end: str) -> list[CoverIndex]:
    """Other covers of this household's crop and plot whose periods meet [start, end]."""
    return [
        entry for _, raw in ctx.scan(cover_index_prefix(insured, crop))
        if same_plot((entry := CoverIndex.model_validate(raw)).plot, plot)
        and meet(start, end, entry.period_start, entry.period_end)
    ]


def _refuse_double_cover(ctx: ReadContext, args: EnrolArgs, covers: dict[str, Cover]) -> None:
    """C12: one cover per household, plot and crop, unless declared double insurance
    with a different insurer."""
    for insured, cover in covers.items():
        for other in overlapping(ctx, insured, args.crop, cover.plot, args.period_start,
                                 args.period_end):
            if other.insurer == args.insurer or not args.double_insurance:
                raise DoubleCover(
                    f"{insured}'s {args.crop} is already covered by {other.policy_id} "
                    f"({other.period_start} to {other.period_end})",
                    insured=insured, crop=args.crop, policy_id=other.policy_id,
                    insurer=other.insurer,
                )


def _shares_bp(params: ClaimsParams, args: EnrolArgs) -> dict[ShareLevel, int]:
    central = params.central_share_bp
    if args.province_share_bp < params.province_min_share_bp:
        raise InvalidPremiumShares(
            f"province share {args.province_share_bp} bp is below "
            f"{params.province_min_share_bp} bp",
        )
    farmer = BP - central - args.province_share_bp - args.county_share_bp
    if farmer < 0:
        raise InvalidPremiumShares("government shares exceed 100 % of the premium")
    return {
        ShareLevel.CENTRAL: central, ShareLevel.PROVINCE: args.province_share_bp,
        ShareLevel.COUNTY: args.county_share_bp, ShareLevel.FARMER: farmer,
    }


def _index_terms(args: EnrolArgs) -> IndexTerms | None:
    if args.index is None:
        return None
    terms = IndexTerms.model_validate(args.index.model_dump())
    if not before(terms.window_start, terms.window_end):
        raise InvalidPolicyTerms("index window must end after it starts")
    return terms


def enrol(ctx: Context, params: ClaimsParams, args: EnrolArgs) -> None:
    """The cooperative enrols its households' insured list (APPLIED)."""
    if ctx.get(policy_key(args.policy_id)) is not None:
        raise AlreadyExists(f"policy {args.policy_id} exists", policy_id=args.policy_id)
    if not before(args.period_start, args.period_end):
        raise InvalidPolicyTerms("policy period must end after it starts")
    covers = _covers(args)
    _refuse_foreign_insureds(ctx.signer.org, covers)
    _refuse_double_cover(ctx, args, covers)
    shares_bp = _shares_bp(params, args)
    terms = _index_terms(args)
    total = premium(args.premium_per_mu, sum(c.insured_area for c in covers.values()))
    split = split_premium(
        total, shares_bp[ShareLevel.CENTRAL], shares_bp[ShareLevel.PROVINCE],
        shares_bp[ShareLevel.COUNTY],
    ).as_dict()
    books.open_book(ctx, args.book, args.insurer)
    policy = PolicyHead(
        id=args.policy_id, state=PolicyState.APPLIED,
        kind=PolicyKind.INDEX if terms else PolicyKind.INDEMNITY,
        coop=ctx.signer.org, insurer=args.insurer, book=args.book, crop=args.crop,
        region=args.region, period_start=args.period_start, period_end=args.period_end,
        perils=list(args.perils), sum_insured_per_mu=args.sum_insured_per_mu,
        premium_per_mu=args.premium_per_mu, stage_caps=dict(args.stage_caps), index=terms,
        premium=total, shares_bp=shares_bp,
        shares_due={ShareLevel(k): v for k, v in split.items()}, enrolled_at=ctx.time,
        double_insurance=args.double_insurance,
    )
    ctx.save(policy_key(policy.id), policy)
    for insured, cover in covers.items():
        ctx.save(cover_key(policy.id, insured), cover)
        ctx.save(cover_index_key(insured, policy.crop, policy.id), CoverIndex(
            policy_id=policy.id, insurer=policy.insurer, plot=cover.plot,
            period_start=policy.period_start, period_end=policy.period_end,
            sum_insured=cover.sum_insured(policy.sum_insured_per_mu),
            double_insurance=policy.double_insurance,
        ))
    if terms is not None:
        ctx.put(f"station/{terms.station}/{policy.id}", {"policy_id": policy.id})
    ctx.emit("PolicyEnrolled", policy_id=policy.id, coop=policy.coop, insurer=policy.insurer,
             households=len(covers), premium=total)


def underwrite(ctx: Context, params: ClaimsParams, args: PolicyArgs) -> None:
    """The insurer underwrites and posts the insured list (UNDERWRITTEN)."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.APPLIED)
    policy.state = PolicyState.UNDERWRITTEN
    policy.underwritten_at = ctx.time
    policy.publicity_ends = later(ctx.time, days=params.underwriting_publicity_days)
    ctx.save(policy_key(policy.id), policy)
    ctx.emit("PolicyUnderwritten", policy_id=policy.id, publicity_ends=policy.publicity_ends)


def publicise_underwriting(ctx: Context, params: ClaimsParams, args: PolicyArgs) -> None:
    """Close the insured list's posting period (PUBLICISED); premium may then be paid."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.UNDERWRITTEN)
    assert policy.publicity_ends is not None
    if before(ctx.time, policy.publicity_ends):
        raise PublicityNotOver(
            f"insured list of {policy.id} is posted until {policy.publicity_ends}",
            policy_id=policy.id, until=policy.publicity_ends,
        )
    policy.state = PolicyState.PUBLICISED
    ctx.save(policy_key(policy.id), policy)
    ctx.emit("UnderwritingPublicised", policy_id=policy.id)


def pay_premium_share(ctx: Context, params: ClaimsParams, args: PremiumShareArgs) -> None:
    """A government level or the cooperative pays its premium share into the insurer's account."""
    policy = load_policy(ctx, args.policy_id)
    require_state(policy, PolicyState.PUBLICISED)
    level = ShareLevel(args.level)
    if level in policy.shares_paid_by:
        raise PremiumShareAlreadyPaid(
            f"{level.value} share of {policy.id} is already paid", policy_id=policy.id,
            level=level.value,
        )
    amount = policy.shares_due[level]
    memo = f"premium {policy.id} {level.value}"
    if level is ShareLevel.FARMER:
        if args.programme is not None:
            raise ProgrammeMismatch(
                "the farmers' share is paid by the cooperative, not from a budget programme",
                field="programme", policy_id=policy.id,
            )
        if not ctx.signed_by(policy.coop):
            raise WrongPremiumPayer(
                f"the farmers' share of {policy.id} is paid by {policy.coop}, "
                f"not {ctx.signer.org}", policy_id=policy.id, level=level.value,
                payer=policy.coop,
            )
        ctx.transfer(policy.coop, policy.insurer, amount, memo=memo)
    else:
        if args.programme is None:
            raise ProgrammeRequired(
                f"the {level.value} share is paid from a {level.value} budget programme: "
                "name it in 'programme'", field="programme", level=level.value,
            )
        programmes.spend(ctx, params, args.programme, level=level.value, purpose="premium",
                         amount=amount, target=policy.insurer, memo=memo)
        policy.share_programmes[level] = args.programme
    policy.shares_paid_by[level] = ctx.signer.member_id
    ctx.emit("PremiumSharePaid", policy_id=policy.id, level=level.value, amount=amount)
    if len(policy.shares_paid_by) == len(ShareLevel):
        policy.state = PolicyState.ACTIVE
        policy.activated_at = ctx.time
        books.add_premium(ctx, policy.book, policy.premium)
        ctx.emit("PolicyActive", policy_id=policy.id, premium=policy.premium)
    ctx.save(policy_key(policy.id), policy)


def purge_personal(ctx: Context, params: ClaimsParams, args: PurgePersonalArgs) -> None:
    """The cooperative purges a household's personal data once the retention period after
    the policy's end has passed: the hashes stay on the cover, every entitled peer deletes
    the plaintext when it commits the ``PrivateDataPurged`` event."""
    policy = load_policy(ctx, args.policy_id)
    cover = load_cover(ctx, policy.id, args.insured)
    if cover.personal is None or not cover.personal.hashes():
        raise NothingToPurge(f"{args.insured} has no personal data on {policy.id}",
                             policy_id=policy.id, insured=args.insured)
    if cover.personal.purged_at is not None:
        raise NothingToPurge(
            f"{args.insured}'s personal data on {policy.id} was purged at "
            f"{cover.personal.purged_at}", policy_id=policy.id, insured=args.insured,
        )
    allowed = later(policy.period_end, days=params.personal_retention_days)
    if before(ctx.time, allowed):
        raise RetentionNotOver(
            f"personal data on {policy.id} is kept until {allowed} "
            f"(period end + personal_retention_days {params.personal_retention_days})",
            policy_id=policy.id, until=allowed,
        )
    cover.personal.purged_at = ctx.time
    ctx.save(cover_key(policy.id, args.insured), cover)
    ctx.emit("PrivateDataPurged", policy_id=policy.id, insured=args.insured,
             hashes=cover.personal.hashes())
