"""The county government's part in a season: credit ratings and an interest subsidy.

Before the harvest the agriculture bureau registers the villages, attests each
cooperative's rating and every generated household's (four scored dimensions,
within the tier's band), and the finance bureau publishes and funds an interest
subsidy programme for pledge and order loans to cooperatives. Banks then price by
rating (``credit.pricing``), and every interest payment of an eligible loan draws
the subsidy, paid to the bank, until the budget runs out.
"""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.credit.models import (
    AttestRatingArgs,
    FundProgrammeArgs,
    PublishProgrammeArgs,
    RegisterVillageArgs,
    ScoresArgs,
)
from contracts.builtin.credit.records import BorrowerKind, SubsidyRule, Tier
from scenarios.agents.base import AgentKit
from scenarios.engine import Story, Tx, ok

SCORE_BANDS = {"AAA": (90, 100), "AA": (80, 89), "A": (70, 79), "B": (50, 69)}
PROGRAMME = "county-agri-loan-subsidy"


def _scores(kit: AgentKit, tier: str) -> ScoresArgs:
    low, high = SCORE_BANDS.get(tier, (0, 40))
    draws = [kit.rng.randint(low, high) for _ in range(4)]  # in the order the fields are drawn
    return ScoresArgs(
        moral_character=draws[0], credit_record=draws[1], business_ability=draws[2],
        repayment_capacity=draws[3],
    )


def ratings_story(kit: AgentKit, rater: str) -> Story:
    spec = kit.world.scenario.agents.government
    coops = kit.world.orgs_of_type("cooperative")
    villages = sorted({h.village for h in kit.world.households} | set(coops))
    for village in villages:
        yield Tx(rater, "credit", "register_village",
                 RegisterVillageArgs(village=village, name=village))
    for coop in coops:
        yield Tx(rater, "credit", "attest_rating", AttestRatingArgs(
            subject=coop, village=coop, tier=Tier(spec.cooperative_tier),
            kind=BorrowerKind.COOPERATIVE, scores=_scores(kit, spec.cooperative_tier),
        ))
    for household in kit.world.households:
        if household.rating == "unrated":
            continue
        yield Tx(rater, "credit", "attest_rating", AttestRatingArgs(
            subject=household.member_id, village=household.village,
            tier=Tier(household.rating), kind=BorrowerKind.HOUSEHOLD,
            scores=_scores(kit, household.rating),
        ))


def subsidy_story(kit: AgentKit, finance: str) -> Story:
    spec = kit.world.scenario.agents.government
    outcome = yield Tx(finance, "credit", "publish_programme", PublishProgrammeArgs(
        programme=PROGRAMME, name="County interest subsidy for agricultural loans",
        borrower_kinds=[BorrowerKind.COOPERATIVE], products=["warehouse_receipt", "order_finance"],
        rule=SubsidyRule.SHARE, share_bp=spec.subsidy_share_bp, budget=spec.subsidy_budget_fen,
    ))
    if ok(outcome):
        yield Tx(finance, "credit", "fund_programme",
                 FundProgrammeArgs(programme=PROGRAMME, amount=spec.subsidy_budget_fen))


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.government
    if not spec.enabled or not kit.enabled("credit"):
        return
    governments = kit.world.orgs_of_type("government")
    rater = next((m for g in governments for m in kit.world.members_with_role("agriculture", g)),
                 None)
    finance = next((m for g in governments for m in kit.world.members_with_role("finance", g)),
                   None)
    if rater is not None:
        yield 0.1, "ratings", ratings_story(kit, rater)
    if finance is not None and spec.subsidy_budget_fen:
        yield 0.2, "subsidy-programme", subsidy_story(kit, finance)
