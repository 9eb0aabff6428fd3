"""Day 0: the central bank issues working money to every organisation and household."""

from __future__ import annotations

from collections.abc import Iterator

from contracts.builtin.settlement.contract import IssueArgs
from scenarios.agents.base import AgentKit
from scenarios.engine import Story, Tx

ORG_FUNDING = {
    "bank": "bank_fen",
    "cooperative": "cooperative_fen",
    "buyer": "buyer_fen",
    "insurer": "insurer_fen",
    "government": "government_fen",
}


def funding_story(kit: AgentKit) -> Story:
    if not kit.enabled("settlement"):
        return
    spec = kit.world.scenario.agents.funding
    governments = kit.world.orgs_of_type("government")
    central = next(
        (m for g in governments for m in kit.world.members_with_role("central_bank", g)), None
    )
    if central is None:
        return
    for org in kit.world.scenario.network.organisations:
        amount = getattr(spec, ORG_FUNDING.get(org.type, ""), 0) if org.type in ORG_FUNDING else 0
        if amount and org.joins_day is None:  # a joining org is funded when it joins
            yield Tx(
                central,
                "settlement",
                "issue",
                IssueArgs(account=org.id, amount=amount, memo="opening balance"),
            )
    for household in kit.world.households:
        if spec.household_fen:
            yield Tx(
                central,
                "settlement",
                "issue",
                IssueArgs(
                    account=household.member_id, amount=spec.household_fen, memo="opening balance"
                ),
            )


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    yield 0.0, "funding", funding_story(kit)
