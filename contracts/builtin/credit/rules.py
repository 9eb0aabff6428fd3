"""Pure rules of the credit contract: tier order, downgrades, village status, subsidy, pricing.

All arithmetic is on integers (fen, basis points); each rounding rule is stated
where it happens and always favours the public budget / the bank by at most 1 fen
or 1 bp.
"""

from __future__ import annotations

from contracts.builtin.credit.records import Programme, SubsidyRule, Tier

BP = 10_000

TIER_RANK: dict[Tier, int] = {Tier.AAA: 4, Tier.AA: 3, Tier.A: 2, Tier.B: 1, Tier.UNRATED: 0}
RANKED: dict[int, Tier] = {rank: tier for tier, rank in TIER_RANK.items()}


def is_good(tier: Tier, in_default: bool) -> bool:
    """A household counts for its village if rated A or better and not in default."""
    return TIER_RANK[tier] >= TIER_RANK[Tier.A] and not in_default


def downgrade(tier: Tier, steps: int) -> Tier:
    """Drop ``steps`` tiers, never below B; an unrated household stays unrated."""
    if tier is Tier.UNRATED:
        return tier
    return RANKED[max(TIER_RANK[Tier.B], TIER_RANK[tier] - steps)]


def is_credit_village(good: int, households: int, threshold_bp: int, min_households: int) -> bool:
    """>= threshold_bp of the village's rated households are good (exact integer comparison:
    good * 10000 >= threshold_bp * households), and it has at least min_households."""
    if households < max(1, min_households):
        return False
    return good * BP >= threshold_bp * households


def subsidy_due(programme: Programme, interest: int, rate_bp: int, lpr_bp: int) -> int:
    """Subsidy for one interest payment under the programme's rule, before the budget cap.

    - share: floor(interest x share_bp / 10000).
    - above_lpr: the borrower pays interest at min(rate, LPR - spread); the subsidy is the
      rest, floor(interest x (rate - (LPR - spread)) / rate). Every request carries the
      loan's rate (``contracts.lending.InterestSubsidyRequest``: L3); a rate of 0 owes
      nothing.
    Never more than ``interest``.
    """
    if interest <= 0:
        return 0
    if programme.rule is SubsidyRule.SHARE:
        due = interest * (programme.share_bp or 0) // BP
    else:
        if not rate_bp:
            return 0
        floor_rate = max(0, (programme.lpr_bp if programme.lpr_bp is not None else lpr_bp)
                         - programme.spread_bp)
        due = interest * max(0, rate_bp - floor_rate) // rate_bp
    return min(due, interest)


def priced_rate(base_rate_bp: int, discount_bp: int) -> int:
    """The base rate less the tier's discount (a share of the base rate, in bp).

    The discount is floored, so the rate rounds up to the next whole bp."""
    return base_rate_bp - base_rate_bp * discount_bp // BP
